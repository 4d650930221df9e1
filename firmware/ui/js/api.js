// The REST client. Session-cookie auth: every state-changing call carries the CSRF token
// the session answer gave. Errors are problem+json; callers show err.message (= detail).

let session = null;          // {user, role, csrf_token} or null
let onUnauthorized = () => {};

export const getSession = () => session;
export const setSession = (s) => { session = s ? { user: s.user, role: s.role, csrf_token: s.csrf_token } : null; };
export const isAdmin = () => session?.role === 'admin';
export const whenUnauthorized = (fn) => { onUnauthorized = fn; };

export class ApiError extends Error {
  constructor(status, message, body = null, retryAfter = null) {
    super(message);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

// opts.redirect401 = false: a 401 is the answer (login form, session probe), not a reason
// to leave the page. opts.text: the answer is text (diff), not JSON.
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: opts.text ? 'text/plain, */*' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session?.csrf_token) headers['X-CSRF-Token'] = session.csrf_token;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `mailgate did not answer (${e.message}); is the appliance reachable?`);
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    try {
      data = type.includes('json') ? await res.json() : await res.text();
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;

  const problem = data && typeof data === 'object' ? data : null;
  let message = problem && problem.detail ? String(problem.detail) : `${res.status} ${res.statusText || 'error'}`;
  const retryAfter = res.headers.get('Retry-After');
  if (res.status === 429) message = `Too many attempts; try again in ${retryAfter || 'a few'} s`;
  if (res.status === 401 && opts.redirect401 !== false) onUnauthorized();
  throw new ApiError(res.status, message, problem, retryAfter);
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};

// Query string from an object, leaving out empty values.
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Lists come as {items:[…]} (most) or a bare array (watchers).
export const itemsOf = (x) => (Array.isArray(x) ? x : (x && Array.isArray(x.items) ? x.items : []));

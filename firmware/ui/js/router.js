// History-API router: every page path is served the same index.html, and the view for
// location.pathname is rendered into #view. Views are ES modules loaded on first use.
import { getSession } from './api.js';
import { h, clear } from './dom.js';
import { heading, errorText } from './ui.js';

// [pattern, module, title, public]; {id} segments become params.
const ROUTES = [
  ['/setup', 'setup', 'Set up', true],
  ['/login', 'login', 'Log in', true],
  ['/', 'dashboard', 'Status'],
  ['/held', 'held', 'Held mail'],
  ['/messages/{id}', 'message', 'Message'],
  ['/audit', 'audit', 'Audit log'],
  ['/accounts', 'accounts', 'Accounts'],
  ['/rules', 'rules', 'Rules'],
  ['/notifications', 'notifications', 'Notifications'],
  ['/config', 'config', 'Configuration'],
  ['/backups', 'backups', 'Backups'],
  ['/account', 'account', 'Account'],
  ['/users', 'users', 'Users'],
  ['/tokens', 'tokens', 'Tokens'],
];

// Paths that are the daemon's, not pages: links to them are followed normally.
const NOT_PAGES = /^\/(api|healthz|metrics|assets)(\/|$)/;

let generation = 0;
let cleanup = null;
let rendered = null;     // path+search last rendered (a #fragment change is not a navigation)
let wanted = null;       // where to go after logging in
let afterRender = () => {};
let notice = null;       // a node shown above the next page only (e.g. after logging in)

export const noticeNext = (node) => { notice = node; };

const safeDecode = (s) => { try { return decodeURIComponent(s); } catch { return s; } };

function match(pathname) {
  const segs = pathname.split('/').filter(Boolean);
  for (const [pattern, module, title, isPublic] of ROUTES) {
    const ps = pattern.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    let ok = true;
    ps.forEach((p, i) => {
      if (p.startsWith('{')) params[p.slice(1, -1)] = safeDecode(segs[i]);
      else if (p !== segs[i]) ok = false;
    });
    if (ok) return { module, title, isPublic: !!isPublic, params };
  }
  return null;
}

export const setTitle = (t) => { document.title = `${t} — mailgate`; };

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

// Remember the page a logged-out visitor asked for, so the login can return there.
export function rememberWanted(path = location.pathname + location.search) {
  if (path.startsWith('/login') || path.startsWith('/setup')) return;
  wanted = path;
  try { sessionStorage.setItem('mailgate.wanted', path); } catch { /* private mode */ }
}

export function takeWanted() {
  let w = wanted;
  try { w = w || sessionStorage.getItem('mailgate.wanted'); sessionStorage.removeItem('mailgate.wanted'); } catch { /* ignore */ }
  wanted = null;
  return w && w.startsWith('/') && !w.startsWith('//') ? w : '/';
}

function updateNav() {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export async function render() {
  if (cleanup) { try { cleanup(); } catch (e) { console.error(e); } }
  cleanup = null;
  const gen = ++generation;
  rendered = location.pathname + location.search;
  const container = document.getElementById('view');
  const route = match(location.pathname);
  updateNav();
  if (!route) {
    setTitle('Not found');
    clear(container, heading('Page not found'), h('p', {}, 'There is no page at this address. ', h('a', { href: '/' }, 'Go to the dashboard')));
    container.querySelector('h1').focus();
    return;
  }
  if (!route.isPublic && !getSession()) {
    rememberWanted();
    navigate('/login', { replace: true });
    return;
  }
  setTitle(route.title);
  // A fresh root per render: a slow, superseded view writes into a detached element.
  const root = h('div', { class: 'view' }, h('p', { class: 'loading' }, 'Loading…'));
  container.replaceChildren(...(notice ? [notice] : []), root);
  notice = null;
  afterRender();
  try {
    const mod = await import(`./views/${route.module}.js`);
    if (gen !== generation) return;
    const ctx = { params: route.params, query: new URLSearchParams(location.search), session: getSession() };
    const done = await mod.render(root, ctx);
    if (gen !== generation) { if (typeof done === 'function') done(); return; }
    cleanup = typeof done === 'function' ? done : null;
  } catch (e) {
    if (gen !== generation) return;
    console.error(e);
    clear(root, heading('Something went wrong'), h('p', { class: 'msg-error' }, errorText(e)));
  }
  if (gen === generation) {
    const h1 = root.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); }
  }
}

// Same-origin page links are handled here; downloads, new tabs, modified clicks and the
// daemon's own paths are left to the browser.
function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.hasAttribute('download') || (a.target && a.target !== '_self')) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || NOT_PAGES.test(url.pathname)) return;
  e.preventDefault();
  if (url.pathname + url.search === location.pathname + location.search) { render(); return; }
  navigate(url.pathname + url.search);
}

export function start({ onRender } = {}) {
  if (onRender) afterRender = onRender;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search !== rendered) render();
  });
  render();
}

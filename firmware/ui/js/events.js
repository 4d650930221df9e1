// One EventSource for the whole app. Views subscribe; each subscriber gets the events of a
// ~300 ms window in one call, so a burst of changes causes one refresh, not fifty.
// The browser itself reconnects and sends Last-Event-ID; when the source is closed for good
// (e.g. the session ended) it is re-opened after a pause, and subscribers are told to refresh.

const NAMES = ['message', 'watcher', 'health', 'notification'];
const WINDOW_MS = 300;
const subscribers = new Set();
let source = null;
let retryTimer = null;
let pollTimer = null;
let hadError = false;
let retryDelay = 5000;

function dispatch(ev) {
  for (const s of subscribers) {
    s.queue.push(ev);
    // Throttle, not a pure debounce: a steady stream still refreshes every window.
    if (!s.timer) {
      s.timer = setTimeout(() => {
        const batch = s.queue;
        s.queue = [];
        s.timer = null;
        try { s.fn(batch); } catch (e) { console.error(e); }
      }, WINDOW_MS);
    }
  }
}

function parse(text) {
  try { return JSON.parse(text); } catch { return {}; }
}

function connect() {
  if (typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/events');
  for (const name of NAMES) source.addEventListener(name, (e) => dispatch({ type: name, data: parse(e.data) }));
  // The daemon sends "resync" when this stream fell behind and lost events: reload the view.
  source.addEventListener('resync', () => dispatch({ type: 'reconnect', data: {} }));
  source.addEventListener('open', () => {
    if (hadError) dispatch({ type: 'reconnect', data: {} }); // what happened meanwhile
    hadError = false;
    retryDelay = 5000;
  });
  source.addEventListener('error', () => {
    hadError = true;
    if (source && source.readyState === EventSource.CLOSED) {
      // Refused (503, 429): try again later, waiting longer each time, up to a minute.
      source = null;
      retryTimer = setTimeout(() => { retryTimer = null; connect(); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  });
}

export function start() {
  if (pollTimer) return; // already started
  connect();
  // A fallback when events do not get through (a proxy buffering them): poll every 30 s.
  pollTimer = setInterval(() => {
    if (!source || source.readyState !== EventSource.OPEN) dispatch({ type: 'poll', data: {} });
  }, 30000);
}

export function stop() {
  if (source) source.close();
  source = null;
  clearTimeout(retryTimer);
  clearInterval(pollTimer);
  retryTimer = pollTimer = null;
}

// fn(events[]) with events {type, data}; returns the unsubscribe function.
export function subscribe(fn) {
  const s = { fn, queue: [], timer: null };
  subscribers.add(s);
  return () => {
    clearTimeout(s.timer);
    subscribers.delete(s);
  };
}

// mailgate web UI: start-up. Decides between setup, login and the app, wires the header
// (user menu, log out, skip link) and starts the router, the event stream and the banner.
import { api, getSession, setSession, whenUnauthorized } from './js/api.js';
import * as router from './js/router.js';
import { refreshBanner } from './js/banner.js';
import { updateChrome, startLive, loggedOut } from './js/auth.js';

// Any 401 from the API: the session is gone. Keep the page to come back to.
whenUnauthorized(() => {
  if (location.pathname === '/login' || location.pathname === '/setup') return;
  router.rememberWanted();
  loggedOut();
  router.navigate('/login', { replace: true });
});

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await api.del('/api/v1/session', { redirect401: false });
  } catch {
    // Gone already, or the daemon is away: either way this browser is logged out.
  }
  loggedOut();
  router.navigate('/login');
});

// The skip link focuses <main> itself (a #fragment is not a page change for the router).
document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});

async function boot() {
  let setupNeeded = false;
  try {
    const s = await api.get('/api/v1/setup', { redirect401: false });
    setupNeeded = !!(s && s.needed);
  } catch {
    // A daemon without the setup endpoint: carry on to the session check.
  }
  if (setupNeeded) {
    if (location.pathname !== '/setup') history.replaceState(null, '', '/setup');
  } else {
    try {
      setSession(await api.get('/api/v1/session', { redirect401: false }));
    } catch {
      setSession(null); // 401: the router sends the visitor to /login and remembers the page
    }
  }
  updateChrome();
  if (getSession()) startLive();
  router.start({ onRender: () => refreshBanner() });
}

boot();

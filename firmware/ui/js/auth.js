// Logging in and out, shared by app.js and the login/setup views: the header, the event
// stream and the banner follow the session.
import { getSession, setSession } from './api.js';
import * as router from './router.js';
import * as events from './events.js';
import { refreshBanner } from './banner.js';

let bannerUnsub = null;

// Nav and user menu only when logged in; the admin links only for admins.
export function updateChrome() {
  const s = getSession();
  document.getElementById('nav').hidden = !s;
  document.getElementById('user-menu').hidden = !s;
  document.getElementById('user-name').textContent = s ? s.user : '';
  document.getElementById('user-role').textContent = s ? s.role : '';
  for (const li of document.querySelectorAll('.admin-only')) li.hidden = !(s && s.role === 'admin');
}

export function startLive() {
  events.start();
  if (!bannerUnsub) bannerUnsub = events.subscribe(() => refreshBanner());
}

// With the answer of POST /session or POST /setup: {csrf_token, user, role}.
export function loggedIn(answer) {
  setSession(answer);
  updateChrome();
  startLive();
  router.navigate(router.takeWanted(), { replace: true });
}

export function loggedOut() {
  setSession(null);
  events.stop();
  if (bannerUnsub) { bannerUnsub(); bannerUnsub = null; }
  updateChrome();
  refreshBanner();
}

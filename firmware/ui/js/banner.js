// The banner above every view: what needs an operator now. A watcher of an enabled
// account that is not online, the relay's circuit open or failed, configuration problems,
// and unacknowledged critical notifications. Refreshed on navigation and on events.
import { api, itemsOf, getSession } from './api.js';
import { h, clear } from './dom.js';

let pending = null;
let again = false; // asked for while a refresh ran: its answers may predate the change

async function collect() {
  const lines = [];
  const [watchers, accounts, status, config] = await Promise.all([
    api.get('/api/v1/watchers').catch(() => null),
    api.get('/api/v1/accounts').catch(() => null),
    api.get('/api/v1/status').catch(() => null),
    api.get('/healthz/config').catch(() => null),
  ]);
  const enabled = new Map(itemsOf(accounts).map((a) => [a.account_id ?? a.id, a]));
  for (const w of itemsOf(watchers)) {
    const acc = enabled.get(w.account_id);
    if (w.state === 'online' || (acc && acc.enabled === false)) continue;
    const name = w.name || acc?.name || `#${w.account_id}`;
    const why = w.last_error ? `${w.state}: ${w.last_error}` : w.state;
    lines.push([`Watcher for account ${name}: offline (${why})`, '/accounts', 'Accounts']);
  }
  const up = status?.health?.checks?.upstream || config?.checks?.upstream;
  if (up && (up.state === 'failed' || /circuit[ _-]?open/i.test(up.detail || ''))) {
    lines.push([`Relay (upstream): ${up.state}${up.detail ? ` — ${up.detail}` : ''}`, '/', 'Status']);
  }
  const problems = config?.problems || [];
  if (problems.length) {
    const p = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    lines.push([`Configuration problem: ${p.key}: ${p.problem}${more}`, '/config', 'Configuration']);
  }
  // Ask for the notifications only when the status says there is a critical one (or is unknown).
  if (!status || status.notifications?.unacked_critical > 0) {
    const notes = await api.get('/api/v1/notifications?unacked=1&limit=50').catch(() => null);
    const critical = itemsOf(notes).filter((n) => n.severity === 'critical' && !n.acknowledged);
    for (const n of critical.slice(0, 3)) lines.push([`Critical: ${n.message}`, '/notifications', 'Notifications']);
    if (critical.length > 3) lines.push([`${critical.length - 3} more critical notifications`, '/notifications', 'Notifications']);
  }
  return lines;
}

export function refreshBanner() {
  const el = document.getElementById('banner');
  if (!el) return Promise.resolve();
  if (!getSession()) { clear(el); el.dataset.key = ''; el.hidden = true; return Promise.resolve(); }
  // One refresh at a time; a request meanwhile runs once more after it, so a change that
  // came after the running one fetched its answers is not lost.
  if (pending) { again = true; return pending; }
  pending = collect().then((lines) => {
    if (!getSession()) lines = [];
    // Rewritten only when it changed: a role=alert region is announced on every change.
    const key = JSON.stringify(lines);
    if (key !== el.dataset.key) {
      el.dataset.key = key;
      clear(el, lines.map(([text, href, where]) => h('p', {}, text, ' ', h('a', { href }, `Open ${where}`))));
    }
    el.hidden = lines.length === 0;
  }).catch(() => {}).finally(() => {
    pending = null;
    if (again) { again = false; refreshBanner(); }
  });
  return pending;
}

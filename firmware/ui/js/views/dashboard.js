// / : the appliance at a glance. Refreshed on every event, so a message that arrives
// shows up in the held count and the latest-held list without a reload.
import { api, itemsOf } from '../api.js';
import { h, clear, badge, time, size, duration, ageOf, link } from '../dom.js';
import { heading, errorBox } from '../ui.js';
import { subscribe } from '../events.js';

const CHECKS = ['store', 'smtp', 'web', 'watchers', 'disk', 'upstream', 'backup'];

const section = (title, id, ...body) => h('section', { 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...body);

function healthSection(status) {
  const health = status.health || {};
  const checks = health.checks || {};
  const names = [...CHECKS.filter((n) => n in checks), ...Object.keys(checks).filter((n) => !CHECKS.includes(n))];
  return section('Health', 'health',
    h('p', { id: 'health-overall' }, 'Overall: ', badge(health.status), health.reason ? ` — ${health.reason}` : ''),
    h('div', { class: 'cards' }, names.map((name) => {
      const c = checks[name] || {};
      return h('div', { class: 'card', id: `check-${name}` },
        h('h3', {}, name), h('p', {}, badge(c.state)), c.detail ? h('p', { class: 'muted' }, c.detail) : null);
    })));
}

function heldSection(status) {
  const held = status.held || {};
  return section('Held mail', 'held',
    h('div', { class: 'cards' },
      h('div', { class: 'card' },
        h('p', { class: 'big', id: 'held-count' }, String(held.count ?? 0)),
        h('p', {}, 'messages held'),
        h('p', { id: 'held-oldest' }, held.oldest_received_at
          ? ['Oldest: ', ageOf(held.oldest_received_at), ' old (', time(held.oldest_received_at), ')']
          : 'Nothing waiting.'),
        h('p', {}, link('/held', 'Review held mail')))));
}

function watchersSection(status, watchers, accounts) {
  const names = new Map(accounts.map((a) => [a.id, a.name]));
  const w = status.watchers || {};
  return section('IMAP watchers', 'watchers',
    h('p', { id: 'watchers-summary' }, `${w.online ?? 0} of ${w.total ?? 0} online`),
    watchers.length
      ? h('ul', { class: 'plain', id: 'watcher-list' }, watchers.map((x) => h('li', {},
        h('strong', {}, x.name || names.get(x.account_id) || `account ${x.account_id}`), ' ', badge(x.state),
        x.idle ? ' (IDLE)' : '', x.last_error ? h('span', { class: 'muted' }, ` — ${x.last_error}`) : null)))
      : h('p', { class: 'muted' }, 'No IMAP accounts.'));
}

function systemSection(status) {
  const up = status.health?.checks?.upstream || {};
  const disk = status.disk || {};
  const storage = status.storage || {}; // null when the build does not count writes
  const b = status.last_backup;
  return section('Relay, storage and backup', 'system',
    h('div', { class: 'cards' },
      h('div', { class: 'card', id: 'relay-state' },
        h('h3', {}, 'Relay (upstream)'), h('p', {}, badge(up.state)), up.detail ? h('p', { class: 'muted' }, up.detail) : null),
      h('div', { class: 'card' },
        h('h3', {}, 'Disk'),
        h('p', { id: 'disk-free' }, disk.free_bytes == null ? 'Free space unknown' : `${size(disk.free_bytes)} free`),
        h('p', { class: 'muted' }, `SMTP refuses new mail below ${size(disk.min_free_bytes)}`),
        h('p', { id: 'sd-writes' }, storage.bytes_written_per_day == null ? 'SD card writes: not measured'
          : `SD card writes: ${size(storage.bytes_written_per_day)}/day`),
        storage.bytes_written == null ? null : h('p', { class: 'muted' }, `${size(storage.bytes_written)} written since start`)),
      h('div', { class: 'card', id: 'last-backup' },
        h('h3', {}, 'Last backup'),
        b ? [h('p', {}, time(b.at), ` (${ageOf(b.at)} ago)`), h('p', { class: 'muted' }, `${b.file || ''} ${size(b.size)}`)]
          : h('p', {}, 'No backup yet.'),
        h('p', {}, link('/backups', 'Backups')))),
    h('p', { class: 'muted', id: 'version' },
      `mailgate ${status.version || ''} · up ${duration(status.uptime_seconds)}`,
      status.tls_fingerprint ? ` · TLS certificate SHA-256 ${status.tls_fingerprint}` : ''));
}

function latestSection(items, error) {
  return section('Latest held', 'latest',
    error ? errorBox(error, 'Held mail could not be read') : null,
    h('ul', { class: 'plain', id: 'latest-held' }, items.map((m) => h('li', {},
      link(`/messages/${m.id}`, m.subject || '(no subject)'), h('span', { class: 'muted' }, ` — from ${m.from || '(unknown)'} · `), time(m.received_at)))),
    !error && !items.length ? h('p', { class: 'muted' }, 'No held mail.') : null);
}

export async function render(root) {
  const body = h('div');
  clear(root, heading('Status'), body);

  async function load() {
    const [status, watchers, accounts, latest] = await Promise.allSettled([
      api.get('/api/v1/status'),
      api.get('/api/v1/watchers'),
      api.get('/api/v1/accounts'),
      api.get('/api/v1/messages?status=held&limit=5'),
    ]);
    const st = status.status === 'fulfilled' ? status.value || {} : null;
    const items = latest.status === 'fulfilled' ? itemsOf(latest.value) : [];
    clear(body,
      st ? null : errorBox(status.reason, 'The status could not be read'),
      st ? healthSection(st) : null,
      st ? heldSection(st) : null,
      latestSection(items, latest.status === 'rejected' ? latest.reason : null),
      st ? watchersSection(st, itemsOf(watchers.value), itemsOf(accounts.value)) : null,
      st ? systemSection(st) : null);
  }

  await load();
  return subscribe(() => { load(); });
}

// /backups: what is kept, and (admin) a backup now.
import { api, itemsOf, isAdmin } from '../api.js';
import { h, clear, time, size, table } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, errorBox } from '../ui.js';

export async function render(root) {
  const body = h('div');
  const result = statusRegion('backup-result');
  const now = isAdmin() ? h('button', { type: 'button', class: 'btn btn-primary', id: 'backup-now' }, 'Back up now') : null;

  async function load() {
    let b;
    try {
      b = await api.get('/api/v1/backups');
    } catch (e) {
      clear(body, errorBox(e, 'Backups could not be read'));
      return;
    }
    clear(body,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Directory'), h('dd', {}, h('code', {}, b.dir || '')),
        h('dt', {}, 'Last success'), h('dd', { id: 'backup-last' }, time(b.last_success_at)),
        h('dt', {}, 'Next due'), h('dd', {}, time(b.next_due_at)),
        h('dt', {}, 'Kept'), h('dd', {}, `${size(b.total_bytes)} of at most ${size(b.max_total_bytes)}, newest ${b.keep ?? '?'}, every ${b.interval_hours ?? '?'} h`)),
      b.last_error ? h('p', { class: 'msg-error' }, `The last backup failed: ${b.last_error}`) : null,
      table('Backups, newest first', ['Name', 'Created', 'Size', 'Path'], itemsOf(b).map((f) => [
        { cell: f.name, class: 'wrap' }, time(f.created_at), { cell: size(f.size), class: 'num' }, { cell: h('code', {}, f.path || ''), class: 'wrap' }]),
      'No backups yet.'));
  }

  if (now) {
    now.addEventListener('click', () => busy(now, async () => {
      say(result, 'Backing up…');
      try {
        const r = await api.post('/api/v1/backups');
        say(result, `Backup ${r.name} written (${size(r.size)}, ${r.messages} messages, ${r.held} held)` +
          `${r.rotated?.length ? `; rotated out: ${r.rotated.join(', ')}` : ''}` +
          `${r.missing_spool?.length ? `; ${r.missing_spool.length} spool file(s) missing` : ''}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
      await load();
    }));
  }

  clear(root, heading('Backups'), now ? h('div', { class: 'actions' }, now) : null, result, body);
  await load();
}

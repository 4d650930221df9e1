// /notifications: bounces, rejects, watcher outages, failed backups…; acknowledge them.
import { api, itemsOf, qs } from '../api.js';
import { h, clear, badge, time, field, link, table, button } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, errorBox } from '../ui.js';
import { subscribe } from '../events.js';
import { navigate } from '../router.js';
import { refreshBanner } from '../banner.js';

export async function render(root, { query }) {
  const unackedOnly = query.get('unacked') === '1';
  const filter = h('input', { id: 'notifications-unacked', type: 'checkbox', checked: unackedOnly });
  filter.addEventListener('change', () => navigate(`/notifications${qs({ unacked: filter.checked ? '1' : '' })}`, { replace: true }));
  const result = statusRegion('notification-result');
  const list = h('div', { id: 'notifications-table' });

  async function ack(n, btn) {
    await busy(btn, async () => {
      try {
        await api.post(`/api/v1/notifications/${n.id}/ack`);
        say(result, `Acknowledged notification ${n.id}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
    });
    await load();
    refreshBanner();
  }

  async function load() {
    let items;
    try {
      items = itemsOf(await api.get(`/api/v1/notifications${qs({ unacked: unackedOnly ? '1' : '', limit: 200 })}`));
    } catch (e) {
      clear(list, errorBox(e, 'Notifications could not be read'));
      return;
    }
    clear(list, table('Notifications', ['When', 'Severity', 'Type', 'Message', 'Mail', 'State'], items.map((n) => {
      let state = 'acknowledged';
      if (!n.acknowledged) {
        state = button('Acknowledge', { id: `ack-${n.id}`, class: 'btn btn-small' }, `notification ${n.id}`);
        state.addEventListener('click', () => ack(n, state));
      }
      return [time(n.created_at), badge(n.severity), n.type, { cell: n.message, class: 'wrap' },
        n.email_id ? link(`/messages/${n.email_id}`, `#${n.email_id}`) : '—', state];
    }), unackedOnly ? 'No unacknowledged notifications.' : 'No notifications.'));
  }

  clear(root, heading('Notifications'),
    h('div', { class: 'actions' }, field('Unacknowledged only', filter)), result, list);
  await load();
  return subscribe((evs) => { if (evs.some((e) => e.type === 'notification' || e.type === 'reconnect' || e.type === 'poll')) load(); });
}

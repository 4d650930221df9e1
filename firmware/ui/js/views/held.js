// /held: the message list with filters (kept in the URL), bulk release/discard and
// cursor pagination (`before` = the `next` of the page before; a stack goes back).
import { api, qs, itemsOf } from '../api.js';
import { h, clear, badge, time, size, field, select, link, table } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog } from '../ui.js';
import { subscribe } from '../events.js';
import { navigate } from '../router.js';

export const STATUSES = ['held', 'releasing', 'release_failed', 'released', 'discarded', 'relayed', 'relay_failed'];
const LIMIT = 50;

// Cursors of the pages before this one, kept across re-renders of /held in this tab.
let cursorStack = [];

// Filters from the URL: a missing status means "held"; status= (empty) means all.
function filtersFrom(query) {
  return {
    status: query.has('status') ? query.get('status') : 'held',
    source: query.get('source') || '',
    account: query.get('account') || '',
    q: query.get('q') || '',
    before: query.get('before') || '',
  };
}

function urlFor(f) {
  const p = new URLSearchParams();
  p.set('status', f.status);
  for (const k of ['source', 'account', 'q', 'before']) if (f[k]) p.set(k, f[k]);
  return `/held?${p}`;
}

export async function render(root, { query }) {
  const f = filtersFrom(query);
  if (!f.before) cursorStack = [];
  const accounts = itemsOf(await api.get('/api/v1/accounts').catch(() => null));

  const status = select('filter-status', [...STATUSES.map((s) => [s, s]), ['', 'all']], f.status);
  const source = select('filter-source', [['', 'any'], ['smtp', 'smtp'], ['imap', 'imap']], f.source);
  const account = select('filter-account', [['', 'any'], ...accounts.map((a) => [String(a.id), a.name])], f.account);
  const q = h('input', { id: 'filter-q', name: 'q', type: 'search', value: f.q });
  const filters = h('form', { class: 'form-grid panel', id: 'held-filters', role: 'search', 'aria-label': 'Filter messages' },
    field('Status', status), field('Source', source), field('Account', account), field('Search', q),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'filter-apply' }, 'Apply')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    cursorStack = [];
    navigate(urlFor({ status: status.value, source: source.value, account: account.value, q: q.value.trim(), before: '' }));
  });

  const selected = new Set();
  const selectAll = h('input', { type: 'checkbox', id: 'select-all' });
  const releaseBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'bulk-release' }, 'Release selected');
  const discardBtn = h('button', { type: 'button', class: 'btn btn-danger', id: 'bulk-discard' }, 'Discard selected');
  const result = statusRegion('bulk-result');
  const list = h('div', { id: 'held-table' });
  const older = h('button', { type: 'button', class: 'btn', id: 'page-older' }, 'Older');
  const newer = h('button', { type: 'button', class: 'btn', id: 'page-newer' }, 'Newer');
  const pager = h('div', { class: 'actions', role: 'group', 'aria-label': 'Pages' }, newer, older);
  let items = [];
  let next = null;

  function syncSelection() {
    const boxes = [...list.querySelectorAll('input[data-id]')];
    const n = boxes.filter((b) => b.checked).length;
    selectAll.checked = n > 0 && n === boxes.length;
    selectAll.indeterminate = n > 0 && n < boxes.length;
    releaseBtn.disabled = discardBtn.disabled = selected.size === 0;
  }

  selectAll.addEventListener('change', () => {
    for (const b of list.querySelectorAll('input[data-id]')) {
      b.checked = selectAll.checked;
      if (b.checked) selected.add(Number(b.dataset.id)); else selected.delete(Number(b.dataset.id));
    }
    syncSelection();
  });

  function row(m) {
    const box = h('input', { type: 'checkbox', id: `select-${m.id}`, 'data-id': m.id, checked: selected.has(m.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(m.id); else selected.delete(m.id);
      syncSelection();
    });
    return [
      [box, h('label', { for: box.id, class: 'visually-hidden' }, `Select message ${m.id}`)],
      time(m.received_at),
      { cell: m.from || '', class: 'wrap' },
      { cell: link(`/messages/${m.id}`, m.subject || '(no subject)'), class: 'wrap' },
      { cell: size(m.size), class: 'num' },
      [badge(m.status), m.failure_reason ? h('div', { class: 'muted' }, m.failure_reason) : null],
      m.source,
    ];
  }

  async function load() {
    try {
      const data = await api.get(`/api/v1/messages${qs({ status: f.status, source: f.source, account: f.account, q: f.q, before: f.before, limit: LIMIT })}`);
      items = itemsOf(data);
      next = data && data.next ? String(data.next) : null;
      // Forget selections that are no longer on the page.
      const onPage = new Set(items.map((m) => m.id));
      for (const id of [...selected]) if (!onPage.has(id)) selected.delete(id);
      clear(list, table('Messages', ['Select', 'Received', 'From', 'Subject', 'Size', 'Status', 'Source'],
        items.map(row), 'No messages match these filters.'));
    } catch (e) {
      clear(list, h('p', { class: 'msg-error' }, `Messages could not be read: ${errorText(e)}`));
      items = [];
      next = null;
    }
    older.disabled = !next;
    newer.disabled = !f.before;
    syncSelection();
  }

  older.addEventListener('click', () => {
    if (!next) return;
    cursorStack.push(f.before);
    navigate(urlFor({ ...f, before: next }));
  });
  newer.addEventListener('click', () => {
    // After a reload the stack is empty: "Newer" then starts from the newest page.
    const prev = cursorStack.length ? cursorStack.pop() : '';
    navigate(urlFor({ ...f, before: prev }));
  });

  async function bulk(action, btn) {
    const ids = [...selected];
    if (!ids.length) return;
    if (action === 'discard' && !(await confirmDialog(`Discard ${ids.length} message(s)? They can be undiscarded until retention removes them.`, 'Discard'))) return;
    await busy(btn, async () => {
      try {
        const data = await api.post(`/api/v1/messages/${action}`, { ids });
        const results = data?.results || [];
        const failed = results.filter((r) => r.error);
        clear(result,
          h('p', { class: failed.length ? 'msg-error' : 'msg-ok' },
            `${action === 'release' ? 'Release' : 'Discard'}: ${results.length - failed.length} done, ${failed.length} failed.`),
          h('ul', { id: 'bulk-result-list' }, results.map((r) => h('li', {}, `Message ${r.id}: `,
            r.error ? `${r.status || 'error'} — ${r.error}${r.http_status ? ` (${r.http_status})` : ''}`
              : `${r.status}${r.already_released || r.already_discarded ? ' (already)' : ''}${r.warning ? ` — ${r.warning}` : ''}`))));
        selected.clear();
      } catch (e) {
        say(result, errorText(e), 'error');
      }
      await load();
    });
    syncSelection(); // busy() re-enabled the button; the selection decides
  }
  releaseBtn.addEventListener('click', () => bulk('release', releaseBtn));
  discardBtn.addEventListener('click', () => bulk('discard', discardBtn));

  clear(root, heading('Held mail'), filters,
    h('div', { class: 'actions' }, h('div', { class: 'field field-check' }, selectAll, h('label', { for: 'select-all' }, 'Select all on page')),
      releaseBtn, discardBtn),
    result, list, pager);
  await load();
  return subscribe(() => { load(); });
}

// /audit: the audit log with filters (in the URL), cursor pagination, the hash-chain check
// and an export of the current filter as JSON lines (oldest first, as mailgatectl does).
import { api, qs, itemsOf } from '../api.js';
import { h, clear, time, field, link, table } from '../dom.js';
import { heading, statusRegion, say, errorText, busy } from '../ui.js';
import { subscribe } from '../events.js';
import { navigate } from '../router.js';

let cursorStack = [];

// The API takes from/to as milliseconds since the epoch (store::AuditFilter); a date
// input gives a local day: from its start to the end of the "to" day.
function dayStart(value) {
  const d = value ? new Date(`${value}T00:00:00`) : null;
  return d && !Number.isNaN(d.getTime()) ? d.getTime() : '';
}
const dayEnd = (value) => { const s = dayStart(value); return s === '' ? '' : s + 86400000 - 1; };

export async function render(root, { query }) {
  const f = { from: query.get('from') || '', to: query.get('to') || '', user: query.get('user') || '', action: query.get('action') || '', before: query.get('before') || '' };
  if (!f.before) cursorStack = [];
  const apiFilter = () => ({ from: dayStart(f.from), to: dayEnd(f.to), user: f.user, action: f.action });
  const urlFor = (x) => `/audit${qs(x)}`;

  const from = h('input', { id: 'audit-from', name: 'from', type: 'date', value: f.from });
  const to = h('input', { id: 'audit-to', name: 'to', type: 'date', value: f.to });
  const user = h('input', { id: 'audit-user', name: 'user', type: 'text', value: f.user, autocapitalize: 'none' });
  const action = h('input', { id: 'audit-action', name: 'action', type: 'text', value: f.action, placeholder: 'release, login, rule.create…', autocapitalize: 'none' });
  const filters = h('form', { class: 'form-grid panel', id: 'audit-filters', role: 'search', 'aria-label': 'Filter the audit log' },
    field('From (date)', from), field('To (date)', to), field('User', user), field('Action', action),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-apply' }, 'Apply')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    cursorStack = [];
    navigate(urlFor({ from: from.value, to: to.value, user: user.value.trim(), action: action.value.trim() }));
  });

  const verify = h('button', { type: 'button', class: 'btn', id: 'audit-verify' }, 'Verify chain');
  const verifyResult = statusRegion('audit-verify-result');
  verify.addEventListener('click', () => busy(verify, async () => {
    try {
      const v = await api.get('/api/v1/audit/verify');
      if (v.ok) say(verifyResult, `Chain verified: ${v.entries} entries`, 'ok');
      else say(verifyResult, `Chain broken at seq ${v.first_bad_seq}`, 'error');
    } catch (e) {
      say(verifyResult, errorText(e), 'error');
    }
  }));

  const exportBtn = h('button', { type: 'button', class: 'btn', id: 'audit-export' }, 'Export (JSON lines)');
  const exportResult = statusRegion('audit-export-result');
  exportBtn.addEventListener('click', () => busy(exportBtn, async () => {
    try {
      const lines = [];
      let before = '';
      for (;;) { // every page of the current filter, newest first
        const page = await api.get(`/api/v1/audit${qs({ ...apiFilter(), limit: 1000, before })}`);
        const items = itemsOf(page);
        for (const e of items) lines.push(JSON.stringify(e));
        before = page && page.next ? String(page.next) : '';
        if (!before || !items.length) break;
      }
      lines.reverse();
      const blob = new Blob(lines.length ? [`${lines.join('\n')}\n`] : [], { type: 'application/x-ndjson' });
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `mailgate-audit-${new Date().toISOString().slice(0, 10)}.jsonl`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say(exportResult, `Exported ${lines.length} entries.`, 'ok');
    } catch (e) {
      say(exportResult, errorText(e), 'error');
    }
  }));

  const list = h('div', { id: 'audit-table' });
  const older = h('button', { type: 'button', class: 'btn', id: 'audit-older' }, 'Older');
  const newer = h('button', { type: 'button', class: 'btn', id: 'audit-newer' }, 'Newer');
  let next = null;
  older.addEventListener('click', () => { if (next) { cursorStack.push(f.before); navigate(urlFor({ ...f, before: next })); } });
  newer.addEventListener('click', () => navigate(urlFor({ ...f, before: cursorStack.length ? cursorStack.pop() : '' })));

  async function load() {
    try {
      const data = await api.get(`/api/v1/audit${qs({ ...apiFilter(), limit: 100, before: f.before })}`);
      next = data && data.next ? String(data.next) : null;
      clear(list, table('Audit entries', ['Seq', 'At', 'User', 'Action', 'Message', 'Details'],
        itemsOf(data).map((e) => [
          { cell: String(e.seq), class: 'num' }, time(e.at), e.user || '', e.action || '',
          e.email_id ? link(`/messages/${e.email_id}`, `#${e.email_id}`) : '—',
          { cell: h('code', {}, typeof e.details === 'string' ? e.details : JSON.stringify(e.details ?? '')), class: 'details' },
        ]), 'No audit entries match.'));
    } catch (e) {
      next = null;
      clear(list, h('p', { class: 'msg-error' }, `The audit log could not be read: ${errorText(e)}`));
    }
    older.disabled = !next;
    newer.disabled = !f.before;
  }

  clear(root, heading('Audit log'), filters,
    h('div', { class: 'actions' }, verify, exportBtn), verifyResult, exportResult,
    list, h('div', { class: 'actions', role: 'group', 'aria-label': 'Pages' }, newer, older));
  await load();
  return subscribe(() => { if (!f.before) load(); });
}

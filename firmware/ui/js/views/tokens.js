// /tokens (admin): API tokens for other tools. A new token is shown once; only its hash is kept.
import { api, itemsOf, isAdmin } from '../api.js';
import { h, clear, time, field, select, table, button } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog, errorBox, forbidden } from '../ui.js';

export async function render(root) {
  if (!isAdmin()) { forbidden(root); return; }
  const result = statusRegion('token-result');
  const created = h('div', { id: 'token-created' });
  const list = h('div', { id: 'tokens-table' });

  const name = h('input', { id: 'token-name', type: 'text', required: true, maxlength: '64', autocomplete: 'off' });
  const role = select('token-role', [['reviewer', 'reviewer'], ['admin', 'admin']], 'reviewer');
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'token-create' }, 'Create token');
  const form = h('form', { class: 'panel', id: 'token-form', 'aria-labelledby': 'token-form-h', novalidate: true },
    h('h2', { id: 'token-form-h' }, 'Create a token'),
    h('div', { class: 'form-grid' }, field('Name', name), field('Role', role)),
    h('div', { class: 'actions' }, createBtn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim()) { say(result, 'A token needs a name.', 'error'); name.focus(); return; }
    busy(createBtn, async () => {
      try {
        const t = await api.post('/api/v1/tokens', { name: name.value.trim(), role: role.value });
        const value = h('code', { id: 'token-value', class: 'token-value' }, t.token);
        const copy = button('Copy', { id: 'token-copy' });
        const copied = h('span', { role: 'status', id: 'token-copy-result' });
        copy.addEventListener('click', async () => {
          try {
            await navigator.clipboard.writeText(t.token);
            copied.textContent = 'Copied.';
          } catch {
            // No clipboard API (plain HTTP): select the text for Ctrl+C.
            const range = document.createRange();
            range.selectNodeContents(value);
            const sel = getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
          }
        });
        clear(created, h('div', { class: 'panel' },
          h('h2', {}, `Token ${t.name} (${t.role})`),
          h('p', { class: 'warning-text' }, 'Copy this token now: it is shown only once and cannot be read back.'),
          value, h('div', { class: 'actions' }, copy, copied)));
        name.value = '';
        say(result, `Created token ${t.name}.`, 'ok');
        await load();
        copy.focus();
      } catch (err) {
        say(result, errorText(err), 'error');
      }
    });
  });

  async function remove(t, btn) {
    if (!(await confirmDialog(`Delete token ${t.name}? Tools using it lose access at once.`, 'Delete'))) return;
    await busy(btn, async () => {
      try {
        await api.del(`/api/v1/tokens/${t.id}`);
        say(result, `Deleted token ${t.name}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
    });
    await load();
  }

  async function load() {
    let tokens;
    try {
      tokens = itemsOf(await api.get('/api/v1/tokens'));
    } catch (e) {
      if (e.status === 403) { forbidden(root); return; }
      clear(list, errorBox(e, 'Tokens could not be read'));
      return;
    }
    clear(list, table('API tokens', ['Id', 'Name', 'Role', 'Created by', 'Created', 'Last used', 'Actions'], tokens.map((t) => {
      const rm = button('Delete', { id: `token-delete-${t.id}`, class: 'btn btn-small btn-danger' }, `token ${t.name}`);
      rm.addEventListener('click', () => remove(t, rm));
      return [{ cell: String(t.id), class: 'num' }, { cell: t.name, class: 'wrap' }, t.role, t.created_by || '',
        time(t.created_at), t.last_used_at ? time(t.last_used_at) : 'never', rm];
    }), 'No tokens.'));
  }

  clear(root, heading('Tokens'),
    h('p', {}, 'Tokens let other tools (scripts, monitoring) use the API with ', h('code', {}, 'Authorization: Bearer <token>'), '.'),
    result, created, form, list);
  await load();
}

// /users (admin): operator accounts. A reviewer gets the 403 page and no controls.
import { api, itemsOf, isAdmin, getSession } from '../api.js';
import { h, clear, time, field, select, table, button, badge } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog, errorBox, forbidden } from '../ui.js';

const ROLES = [['reviewer', 'reviewer'], ['admin', 'admin']];
const MIN_PASSWORD = 10;

export async function render(root) {
  if (!isAdmin()) { forbidden(root); return; }
  const result = statusRegion('user-result');
  const list = h('div', { id: 'users-table' });
  const resetArea = h('div', { id: 'user-reset-area' });

  const username = h('input', { id: 'user-username', type: 'text', required: true, autocomplete: 'off', autocapitalize: 'none' });
  const password = h('input', { id: 'user-password', type: 'password', required: true, minlength: String(MIN_PASSWORD), autocomplete: 'new-password' });
  const role = select('user-new-role', ROLES, 'reviewer');
  const addBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'user-add' }, 'Add user');
  const addForm = h('form', { class: 'panel', id: 'user-form', 'aria-labelledby': 'user-form-h', novalidate: true },
    h('h2', { id: 'user-form-h' }, 'Add a user'),
    h('div', { class: 'form-grid' }, field('Username', username), field('Password', password, `At least ${MIN_PASSWORD} characters.`), field('Role', role)),
    h('div', { class: 'actions' }, addBtn));
  addForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if ([...password.value].length < MIN_PASSWORD) { say(result, `A password needs at least ${MIN_PASSWORD} characters.`, 'error'); password.focus(); return; }
    busy(addBtn, async () => {
      try {
        await api.post('/api/v1/users', { username: username.value.trim(), password: password.value, role: role.value });
        say(result, `Added user ${username.value.trim()}.`, 'ok');
        username.value = password.value = '';
        await load();
      } catch (err) {
        say(result, errorText(err), 'error');
      }
    });
  });

  function resetForm(u) {
    const pw = h('input', { id: 'user-reset-password', type: 'password', required: true, autocomplete: 'new-password', minlength: String(MIN_PASSWORD) });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'user-reset-save' }, 'Set password');
    const cancel = button('Cancel', { id: 'user-reset-cancel' });
    const f = h('form', { class: 'panel', 'aria-labelledby': 'user-reset-h', novalidate: true },
      h('h2', { id: 'user-reset-h' }, `Reset the password of ${u.username}`),
      field('New password', pw, `At least ${MIN_PASSWORD} characters.`), h('div', { class: 'actions' }, save, cancel));
    cancel.addEventListener('click', () => clear(resetArea));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      if ([...pw.value].length < MIN_PASSWORD) { say(result, `A password needs at least ${MIN_PASSWORD} characters.`, 'error'); pw.focus(); return; }
      busy(save, async () => {
        try {
          await api.patch(`/api/v1/users/${encodeURIComponent(u.username)}`, { password: pw.value });
          say(result, `Password of ${u.username} changed.`, 'ok');
          clear(resetArea);
        } catch (err) {
          say(result, errorText(err), 'error');
        }
      });
    });
    clear(resetArea, f);
    pw.focus();
  }

  async function update(u, body, btn, done) {
    await busy(btn, async () => {
      try {
        await api.patch(`/api/v1/users/${encodeURIComponent(u.username)}`, body);
        say(result, done, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
    });
    await load();
  }

  async function remove(u, btn) {
    const self = u.username === getSession()?.user;
    if (!(await confirmDialog(`Remove user ${u.username}?${self ? ' That is you: you will be logged out.' : ''}`, 'Remove'))) return;
    await busy(btn, async () => {
      try {
        await api.del(`/api/v1/users/${encodeURIComponent(u.username)}`);
        say(result, `Removed user ${u.username}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
    });
    await load();
  }

  // A lost phone: the user logs in with the password alone until setting 2-step up again.
  async function resetTotp(u, btn) {
    if (!(await confirmDialog(`Reset the 2-step login of ${u.username}? They then log in with the password alone until they set it up again.`, 'Reset 2-step'))) return;
    await busy(btn, async () => {
      try {
        await api.del(`/api/v1/users/${encodeURIComponent(u.username)}/totp`);
        say(result, `2-step login of ${u.username} reset.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
    });
    await load();
  }

  async function load() {
    let users;
    try {
      users = itemsOf(await api.get('/api/v1/users'));
    } catch (e) {
      if (e.status === 403) { forbidden(root); return; }
      clear(list, errorBox(e, 'Users could not be read'));
      return;
    }
    clear(list, table('Users', ['Username', 'Role', '2-step', 'Created', 'Actions'], users.map((u, i) => {
      const roleSel = select(`user-role-${i}`, ROLES, u.role);
      const change = button('Change role', { id: `user-role-save-${i}`, class: 'btn btn-small' }, `of ${u.username}`);
      const reset = button('Reset password', { id: `user-reset-${i}`, class: 'btn btn-small' }, `of ${u.username}`);
      const rm = button('Remove', { id: `user-remove-${i}`, class: 'btn btn-small btn-danger' }, `user ${u.username}`);
      const totp = u.totp ? button('Reset 2-step', { id: `user-totp-reset-${i}`, class: 'btn btn-small' }, `of ${u.username}`) : null;
      change.addEventListener('click', () => update(u, { role: roleSel.value }, change, `${u.username} is now ${roleSel.value}.`));
      reset.addEventListener('click', () => resetForm(u));
      rm.addEventListener('click', () => remove(u, rm));
      if (totp) totp.addEventListener('click', () => resetTotp(u, totp));
      return [{ cell: u.username, class: 'wrap' },
        h('div', { class: 'field' }, h('label', { for: roleSel.id, class: 'visually-hidden' }, `Role of ${u.username}`), roleSel),
        h('span', { id: `user-2step-${i}` }, badge(u.totp ? 'on' : 'off')),
        time(u.created_at), h('div', { class: 'actions' }, change, reset, totp, rm)];
    }), 'No users.'));
  }

  clear(root, heading('Users'), result, list, resetArea, addForm);
  await load();
}

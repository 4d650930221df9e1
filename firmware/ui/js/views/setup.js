// /setup: the first start. The daemon wrote a one-time code to data_dir/setup-code and to
// its journal; with it the first admin is created (and logged in).
import { api, getSession } from '../api.js';
import { h, clear, field } from '../dom.js';
import { heading, busy, errorText } from '../ui.js';
import { loggedIn } from '../auth.js';
import { navigate } from '../router.js';

export async function render(root) {
  let needed = true;
  try {
    needed = !!(await api.get('/api/v1/setup', { redirect401: false })).needed;
  } catch {
    needed = true; // cannot tell: let the POST answer (409 when it is done)
  }
  if (!needed) {
    clear(root, heading('Set up mailgate'),
      h('p', {}, 'mailgate is already set up.'),
      h('p', {}, getSession() ? h('a', { href: '/' }, 'Go to the dashboard') : h('a', { href: '/login' }, 'Log in')));
    return;
  }
  const code = h('input', { id: 'setup-code', name: 'code', type: 'text', autocomplete: 'one-time-code', required: true, spellcheck: 'false', autocapitalize: 'none' });
  const user = h('input', { id: 'setup-username', name: 'username', type: 'text', autocomplete: 'username', required: true, value: 'admin', autocapitalize: 'none' });
  const pass = h('input', { id: 'setup-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' });
  const pass2 = h('input', { id: 'setup-password2', name: 'password2', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'setup-submit' }, 'Create admin');
  const error = h('p', { id: 'setup-error', role: 'alert', class: 'msg-error' });
  const form = h('form', { class: 'panel', id: 'setup-form', novalidate: true },
    field('Setup code', code, 'The one-time code mailgate wrote at its first start.'),
    field('Admin username', user),
    field('Password', pass, 'At least 10 characters.'),
    field('Password again', pass2),
    h('div', { class: 'actions' }, submit), error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!code.value.trim() || !user.value.trim()) { error.textContent = 'Enter the setup code and a username.'; return; }
    if ([...pass.value].length < 10) { error.textContent = 'The password needs at least 10 characters.'; pass.focus(); return; }
    if (pass.value !== pass2.value) { error.textContent = 'The two passwords do not match.'; pass2.focus(); return; }
    busy(submit, async () => {
      try {
        const answer = await api.post('/api/v1/setup',
          { code: code.value.trim(), username: user.value.trim(), password: pass.value }, { redirect401: false });
        loggedIn(answer);
      } catch (err) {
        error.textContent = err.status === 409 ? `${errorText(err)} — mailgate is already set up; log in instead.` : errorText(err);
      }
    });
  });
  clear(root, heading('Set up mailgate'),
    h('p', {}, 'Create the first administrator. You need the one-time setup code that mailgate made when it started with no users:'),
    h('ul', {},
      h('li', {}, 'on the appliance, in the file ', h('code', {}, 'data_dir/setup-code'), ' (by default ', h('code', {}, '/var/lib/mailgate/setup-code'), '), or'),
      h('li', {}, 'in its journal: ', h('code', {}, 'journalctl -u mailgated'))),
    h('p', {}, 'The code is deleted once it has been used.'),
    form);
}

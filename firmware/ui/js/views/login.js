// /login: username and password → POST /api/v1/session; back to the page that was asked for.
import { api, getSession } from '../api.js';
import { h, clear, field } from '../dom.js';
import { heading, busy, errorText } from '../ui.js';
import { loggedIn } from '../auth.js';
import { navigate, takeWanted } from '../router.js';

export async function render(root) {
  if (getSession()) { navigate(takeWanted(), { replace: true }); return; }
  const user = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'login-submit' }, 'Log in');
  const error = h('p', { id: 'login-error', role: 'alert', class: 'msg-error' });
  const form = h('form', { class: 'panel', id: 'login-form', novalidate: true },
    field('Username', user), field('Password', pass), h('div', { class: 'actions' }, submit), error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!user.value || !pass.value) { error.textContent = 'Enter your username and password.'; return; }
    busy(submit, async () => {
      try {
        const answer = await api.post('/api/v1/session', { username: user.value, password: pass.value }, { redirect401: false });
        loggedIn(answer);
      } catch (err) {
        error.textContent = errorText(err);
        pass.value = '';
        pass.focus();
      }
    });
  });
  clear(root, heading('Log in'), h('p', {}, 'Log in to review held mail.'), form);
}

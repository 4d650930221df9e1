// /login: username and password → POST /api/v1/session; back to the page that was asked for.
// With 2-step login on, the daemon answers 401 + totp_required: then the same form asks for
// the code from the authenticator app (or a recovery code) and sends all three again.
import { api, getSession } from '../api.js';
import { h, clear, field } from '../dom.js';
import { heading, busy, errorText } from '../ui.js';
import { loggedIn } from '../auth.js';
import { navigate, takeWanted, noticeNext } from '../router.js';

// Shown above the next page after a login with a recovery code.
function codesLeft(n) {
  const few = n <= 3;
  return h('div', { class: 'panel', id: 'recovery-left', role: 'alert' },
    h('p', { class: few ? 'msg-error' : 'warning-text' },
      `You logged in with a recovery code: ${n} recovery code${n === 1 ? '' : 's'} left. `,
      few ? 'Make new ones soon on ' : 'You can make new ones on ', h('a', { href: '/account' }, 'your account page'), '.'));
}

export async function render(root) {
  if (getSession()) { navigate(takeWanted(), { replace: true }); return; }
  const user = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', { id: 'login-totp', name: 'totp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', autocapitalize: 'none', spellcheck: 'false', maxlength: '32' });
  const codeField = field('Authentication code', code, 'The 6-digit code your authenticator app shows, or one of your recovery codes (xxxx-xxxx-xxxx-xxxx).');
  codeField.hidden = true;
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'login-submit' }, 'Log in');
  const error = h('p', { id: 'login-error', role: 'alert', class: 'msg-error' });
  const form = h('form', { class: 'panel', id: 'login-form', novalidate: true },
    field('Username', user), field('Password', pass), codeField, h('div', { class: 'actions' }, submit), error);
  const tell = (text, isError = true) => { error.className = isError ? 'msg-error' : ''; error.textContent = text; };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    tell('');
    if (!user.value || !pass.value) { tell('Enter your username and password.'); return; }
    const body = { username: user.value, password: pass.value };
    if (!codeField.hidden) {
      body.totp = code.value.replace(/\s+/g, '');
      if (!body.totp) { tell('Enter the code from your authenticator app, or a recovery code.'); code.focus(); return; }
    }
    busy(submit, async () => {
      try {
        const answer = await api.post('/api/v1/session', body, { redirect401: false });
        if (answer && typeof answer.recovery_codes_left === 'number') noticeNext(codesLeft(answer.recovery_codes_left));
        loggedIn(answer);
      } catch (err) {
        if (err.status === 401 && err.body?.totp_required) {
          // Password right, code missing or wrong: ask for (another) code.
          const first = codeField.hidden;
          codeField.hidden = false;
          code.value = '';
          tell(first ? (err.body.detail || 'Enter the code from your authenticator app.') : errorText(err), !first);
          code.focus();
          return;
        }
        tell(errorText(err));
        if (err.status === 401) { codeField.hidden = true; code.value = ''; }
        pass.value = '';
        pass.focus();
      }
    });
  });
  clear(root, heading('Log in'), h('p', {}, 'Log in to review held mail.'), form);
}

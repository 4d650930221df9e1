// /account: the logged-in operator's own account, and its 2-step login (TOTP): set up with a
// QR code (drawn here, the secret never leaves the page), confirmed with a first code, then
// recovery codes; turning it off or new codes need the password again.
import { api, request } from '../api.js';
import { h, clear, field, badge, button } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, errorBox } from '../ui.js';
import { qrCanvas } from '../qr.js';

// A wrong password is a 401/403 for this form, not a lost session.
const KEEP = { redirect401: false };
const facts = (pairs) => h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

export async function render(root) {
  let s;
  try {
    s = await api.get('/api/v1/session');
  } catch (e) {
    clear(root, heading('Account'), errorBox(e, 'The account could not be read'));
    return;
  }
  const result = statusRegion('account-result');
  const state = h('span', { id: 'totp-status' });
  const controls = h('div', { id: 'totp-controls' });
  const codesArea = h('div', { id: 'recovery-area' });
  const tell = (text, kind) => say(result, text, kind);

  const passwordField = () => {
    const pw = h('input', { id: 'totp-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    return [pw, field('Your password', pw, 'Needed for every change to the 2-step login.')];
  };
  const needPassword = (pw) => {
    if (pw.value) return true;
    tell('Enter your password.', 'error');
    pw.focus();
    return false;
  };
  const wrongPassword = (pw, e) => { tell(errorText(e), 'error'); pw.value = ''; pw.focus(); };
  const focusHeading = (el) => { el.setAttribute('tabindex', '-1'); el.focus(); };

  function showCodes(codes) {
    const title = h('h3', { id: 'recovery-h' }, 'Recovery codes');
    clear(codesArea, h('section', { class: 'panel', 'aria-labelledby': 'recovery-h' }, title,
      h('p', { class: 'warning-text' }, 'Keep these codes somewhere safe (printed, or in a password manager); they are shown only now. ' +
        'Each logs you in once in place of a code from the app, for example when the phone is lost.'),
      h('ul', { id: 'recovery-codes', class: 'codes' }, (codes || []).map((c) => h('li', {}, h('code', {}, c))))));
    focusHeading(title);
  }

  function off() {
    clear(state, badge('off'));
    const [pw, pwField] = passwordField();
    const start = h('button', { type: 'submit', class: 'btn btn-primary', id: 'totp-start' }, 'Set up 2-step login');
    const form = h('form', { id: 'totp-start-form', 'aria-label': 'Set up 2-step login', novalidate: true },
      pwField, h('div', { class: 'actions' }, start));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!needPassword(pw)) return;
      busy(start, async () => {
        try {
          enrol(await api.post('/api/v1/session/totp', { password: pw.value }, KEEP));
          clear(result);
        } catch (err) {
          wrongPassword(pw, err);
        }
      });
    });
    clear(controls, form);
  }

  function enrol({ secret, uri }) {
    let qr;
    try {
      qr = qrCanvas(uri, 5);
      qr.id = 'totp-qr';
    } catch (e) {
      qr = errorBox(e);
    }
    const title = h('h3', { id: 'totp-enrol-h' }, 'Scan the code with your authenticator app');
    const code = h('input', { id: 'totp-code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '10', autocapitalize: 'none', spellcheck: 'false' });
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary', id: 'totp-confirm' }, 'Confirm');
    const cancel = button('Cancel', { id: 'totp-cancel' });
    const form = h('form', { class: 'panel', id: 'totp-enrol', 'aria-labelledby': 'totp-enrol-h', novalidate: true },
      title,
      h('p', {}, 'Any TOTP app works (for example Aegis, FreeOTP or Google Authenticator). Scan this code:'),
      qr,
      h('p', {}, 'Or type this key into the app (time-based, 6 digits, 30 s): ', h('code', { id: 'totp-secret', class: 'token-value' }, secret)),
      field('Code the app shows now', code, 'Confirming turns the 2-step login on.'),
      h('div', { class: 'actions' }, confirm, cancel));
    cancel.addEventListener('click', () => { off(); tell('Set-up cancelled; 2-step login stays off.'); });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const c = code.value.replace(/\s+/g, '');
      if (!c) { tell('Enter the code the app shows.', 'error'); code.focus(); return; }
      busy(confirm, async () => {
        try {
          const r = await api.post('/api/v1/session/totp/confirm', { code: c }, KEEP);
          on();
          tell('2-step login is on: logging in now needs a code from the app.', 'ok');
          showCodes(r?.recovery_codes);
        } catch (err) {
          if (err.status === 409) { off(); tell(`${errorText(err)} Start the set-up again.`, 'error'); return; }
          tell(errorText(err), 'error');
          code.value = '';
          code.focus();
        }
      });
    });
    clear(controls, form);
    focusHeading(title);
  }

  function on() {
    clear(state, badge('on'));
    const [pw, pwField] = passwordField();
    const renew = button('New recovery codes', { id: 'totp-new-codes' });
    const stop = button('Turn off', { id: 'totp-disable', class: 'btn btn-danger' });
    const form = h('form', { id: 'totp-change-form', 'aria-label': 'Change the 2-step login', novalidate: true },
      pwField, h('div', { class: 'actions' }, renew, stop));
    form.addEventListener('submit', (e) => e.preventDefault());
    renew.addEventListener('click', () => needPassword(pw) && busy(renew, async () => {
      try {
        const r = await api.post('/api/v1/session/totp/recovery-codes', { password: pw.value }, KEEP);
        pw.value = '';
        tell('New recovery codes made; the old ones no longer work.', 'ok');
        showCodes(r?.recovery_codes);
      } catch (err) {
        if (err.status === 409) { off(); tell(errorText(err), 'error'); return; }
        wrongPassword(pw, err);
      }
    }));
    stop.addEventListener('click', () => needPassword(pw) && busy(stop, async () => {
      try {
        await request('DELETE', '/api/v1/session/totp', { password: pw.value }, KEEP);
        clear(codesArea);
        off();
        tell('2-step login is off: logging in needs only the password.', 'ok');
        document.getElementById('totp-password')?.focus();
      } catch (err) {
        wrongPassword(pw, err);
      }
    }));
    clear(controls, form);
  }

  clear(root, heading('Account'),
    facts([['User', h('span', { id: 'account-user' }, s.user || '')], ['Role', h('span', { id: 'account-role' }, s.role || '')]]),
    h('section', { id: 'totp', 'aria-labelledby': 'totp-h' },
      h('h2', { id: 'totp-h' }, '2-step login'),
      h('p', {}, 'With 2-step login on, logging in needs your password and a 6-digit code from an authenticator app on your phone.'),
      h('p', {}, 'Status: ', state),
      result, controls, codesArea));
  if (s.totp) on(); else off();
}

// Small shared pieces: the confirm dialog, live result regions, and error text.
import { h, clear } from './dom.js';

let dialogCount = 0;

// A modal confirmation; resolves true when confirmed. Uses <dialog> (focus is trapped and
// Escape cancels); the dialog is removed afterwards so no ids linger.
export function confirmDialog(message, confirmText = 'OK', danger = true) {
  return new Promise((resolve) => {
    const id = `dialog-title-${++dialogCount}`;
    const ok = h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: 'dialog-confirm' }, confirmText);
    const cancel = h('button', { type: 'button', class: 'btn', id: 'dialog-cancel' }, 'Cancel');
    const dlg = h('dialog', { 'aria-labelledby': id, class: 'confirm' },
      h('h2', { id }, 'Please confirm'),
      h('p', {}, message),
      h('div', { class: 'actions' }, ok, cancel));
    const opener = document.activeElement;
    let answer = false;
    ok.addEventListener('click', () => { answer = true; dlg.close(); });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dlg);
    if (typeof dlg.showModal === 'function') {
      dlg.showModal();
      cancel.focus();
    } else {
      dlg.remove();
      resolve(window.confirm(message));
    }
  });
}

// A polite live region for the outcome of an action.
export const statusRegion = (id) => h('div', { id, role: 'status', 'aria-live': 'polite', class: 'status' });

// Shows text in a region: kind 'ok' | 'error' | '' (plain).
export function say(region, text, kind = '') {
  clear(region, h('p', { class: kind ? `msg-${kind}` : '' }, text));
}

export const errorText = (e) => (e && e.message ? e.message : String(e));

// An inline error paragraph (for a section whose load failed).
export const errorBox = (e, what) => h('p', { class: 'msg-error' }, what ? `${what}: ${errorText(e)}` : errorText(e));

// Runs an async action with its button disabled meanwhile (no double submits).
export async function busy(btn, fn) {
  if (btn) btn.disabled = true;
  try {
    return await fn();
  } finally {
    if (btn) btn.disabled = false;
  }
}

// The heading every view starts with; focused after navigation (tabindex -1).
export const heading = (text, id = 'view-title') => h('h1', { id, tabindex: '-1' }, text);

// The view for a reviewer on an admin page: the daemon answered the page load with 403.
export function forbidden(root) {
  document.title = '403 Forbidden — mailgate';
  clear(root,
    heading('403 — Forbidden: this page needs the admin role'),
    h('p', {}, 'You are logged in as a reviewer. Ask an administrator if you need this page.'),
    h('p', {}, h('a', { href: '/' }, 'Back to the dashboard')));
}

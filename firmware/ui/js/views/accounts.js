// /accounts: IMAP accounts and their watchers. Admins add, edit, test and remove them;
// a password is write-only (the API never sends it back, so blank on edit = unchanged).
import { api, itemsOf, isAdmin } from '../api.js';
import { h, clear, badge, time, field, select, table, button } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog, errorBox } from '../ui.js';
import { subscribe } from '../events.js';

const STALE_MS = 30 * 86400000;

function lastTest(a) {
  const stale = !a.last_test_ok_at || Date.now() - new Date(a.last_test_ok_at).getTime() > STALE_MS;
  return [
    a.last_test_ok_at ? time(a.last_test_ok_at) : h('span', {}, 'never'),
    stale ? h('div', { class: 'warning-text' }, a.last_test_ok_at ? 'Last successful test is older than 30 days' : 'Never tested successfully') : null,
  ];
}

export async function render(root) {
  const admin = isAdmin();
  const result = statusRegion('account-result');
  const list = h('div', { id: 'accounts-table' });
  const formArea = h('div', { id: 'account-form-area' });
  const testArea = h('div', { id: 'account-test-result', 'aria-live': 'polite' });
  let accounts = [];

  function form(a) {
    const editing = !!a;
    const v = a || { port: '', tls: 'implicit', quarantine_folder: 'Quarantine', intercept: 'rules', enabled: true };
    const name = h('input', { id: 'account-name', type: 'text', required: true, value: v.name || '' });
    const host = h('input', { id: 'account-host', type: 'text', required: true, value: v.host || '', autocapitalize: 'none' });
    const port = h('input', { id: 'account-port', type: 'number', min: '1', max: '65535', value: v.port ?? '' });
    const tls = select('account-tls', [['implicit', 'implicit (993)'], ['starttls', 'STARTTLS (143)'], ['none', 'none']], v.tls);
    const username = h('input', { id: 'account-username', type: 'text', value: v.username || '', autocomplete: 'off', autocapitalize: 'none' });
    const password = h('input', { id: 'account-password', type: 'password', value: '', autocomplete: 'new-password' });
    const folder = h('input', { id: 'account-folder', type: 'text', value: v.quarantine_folder || '' });
    const intercept = select('account-intercept', [['all', 'all'], ['rules', 'rules'], ['off', 'off']], v.intercept);
    const enabled = h('input', { id: 'account-enabled', type: 'checkbox', checked: !!v.enabled });
    const takeExisting = h('input', { id: 'account-take-existing', type: 'checkbox' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'account-save' }, editing ? 'Save account' : 'Add account');
    const cancel = button('Cancel', { id: 'account-cancel' });
    const f = h('form', { class: 'panel', id: 'account-form', 'aria-labelledby': 'account-form-h' },
      h('h2', { id: 'account-form-h' }, editing ? `Edit account ${a.name}` : 'Add an account'),
      h('div', { class: 'form-grid' },
        field('Name', name), field('IMAP host', host), field('Port', port, 'Empty: 993 for implicit TLS, else 143.'),
        field('TLS', tls), field('Username', username),
        field('Password', password, editing ? 'Leave blank to keep the stored password.' : 'Stored encrypted; never shown again.'),
        field('Quarantine folder', folder), field('Intercept', intercept, 'all: every new message; rules: what a hold rule matches; off: watch only.')),
      field('Enabled', enabled),
      field('Take the mail already in INBOX once', takeExisting),
      h('div', { class: 'actions' }, save, cancel));
    cancel.addEventListener('click', () => { clear(formArea); document.getElementById('account-add')?.focus(); });
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = {
        name: name.value.trim(), host: host.value.trim(), tls: tls.value, username: username.value,
        quarantine_folder: folder.value.trim(), intercept: intercept.value, enabled: enabled.checked,
      };
      if (port.value !== '') body.port = Number(port.value);
      if (password.value !== '') body.password = password.value;
      if (takeExisting.checked) body.take_existing = true;
      busy(save, async () => {
        try {
          const r = editing ? await api.patch(`/api/v1/accounts/${a.id}`, body) : await api.post('/api/v1/accounts', body);
          say(result, `${editing ? 'Saved' : 'Added'} account ${r?.name || body.name}.`, 'ok');
          clear(formArea);
          await load();
        } catch (err) {
          say(result, errorText(err), 'error');
        }
      });
    });
    return f;
  }

  function openForm(a) {
    clear(formArea, form(a));
    document.getElementById('account-name').focus();
  }

  async function test(a, btn) {
    await busy(btn, async () => {
      clear(testArea, h('p', {}, `Testing ${a.name}…`));
      try {
        const r = await api.post(`/api/v1/accounts/${a.id}/test`);
        clear(testArea, h('h2', {}, `Connection test: ${a.name}`),
          h('p', { class: r.ok ? 'msg-ok' : 'msg-error' }, r.ok ? 'All stages passed.' : 'The test failed.'),
          table('Test stages', ['Stage', 'Result', 'Time', 'Error'], (r.stages || []).map((s) => [
            s.name, badge(s.ok ? 'ok' : 'failed'), `${s.ms} ms`, { cell: s.error || '', class: 'wrap' }])));
      } catch (e) {
        clear(testArea, errorBox(e, 'The test could not run'));
      }
      await load();
    });
  }

  async function remove(a, btn) {
    if (!(await confirmDialog(`Remove account ${a.name}? Its watcher stops; held mail must be released or discarded first.`, 'Remove'))) return;
    await busy(btn, async () => {
      try {
        await api.del(`/api/v1/accounts/${a.id}`);
        say(result, `Removed account ${a.name}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
      await load();
    });
  }

  async function load() {
    let watchers = [];
    try {
      [accounts, watchers] = await Promise.all([
        api.get('/api/v1/accounts').then(itemsOf),
        api.get('/api/v1/watchers').then(itemsOf).catch(() => []),
      ]);
    } catch (e) {
      clear(list, errorBox(e, 'Accounts could not be read'));
      return;
    }
    const byId = new Map(watchers.map((w) => [w.account_id, w]));
    const headers = ['Name', 'Server', 'Username', 'Folder', 'Intercept', 'Enabled', 'Watcher', 'Last successful test'];
    if (admin) headers.push('Actions');
    clear(list, table('IMAP accounts', headers, accounts.map((a) => {
      const w = byId.get(a.id);
      const cells = [
        a.name, { cell: `${a.host}:${a.port} (${a.tls})`, class: 'wrap' }, a.username || '', a.quarantine_folder || '',
        a.intercept, a.enabled ? 'yes' : 'no',
        [badge(w ? w.state : 'unknown'), w?.last_error ? h('div', { class: 'muted' }, w.last_error) : null],
        lastTest(a),
      ];
      if (admin) {
        const edit = button('Edit', { id: `account-edit-${a.id}`, class: 'btn btn-small' }, `account ${a.name}`);
        const tst = button('Test connection', { id: `account-test-${a.id}`, class: 'btn btn-small' }, `of ${a.name}`);
        const rm = button('Remove', { id: `account-remove-${a.id}`, class: 'btn btn-small btn-danger' }, `account ${a.name}`);
        edit.addEventListener('click', () => openForm(a));
        tst.addEventListener('click', () => test(a, tst));
        rm.addEventListener('click', () => remove(a, rm));
        cells.push(h('div', { class: 'actions' }, edit, tst, rm));
      }
      return cells;
    }), 'No IMAP accounts yet.'));
  }

  const addBtn = admin ? button('Add account', { id: 'account-add', class: 'btn btn-primary' }) : null;
  if (addBtn) addBtn.addEventListener('click', () => openForm(null));
  clear(root, heading('Accounts'),
    h('p', {}, 'IMAP mailboxes that mailgate watches. Mail it takes is moved to the quarantine folder and held here.'),
    addBtn ? h('div', { class: 'actions' }, addBtn) : null,
    result, formArea, list, testArea);
  await load();
  return subscribe((evs) => { if (evs.some((e) => e.type !== 'message')) load(); });
}

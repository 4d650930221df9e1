// /rules: the rule book (first enabled match in priority order decides). Admins add, edit
// and remove; anyone can dry-run a rule against recent mail (nothing changes).
import { api, itemsOf, isAdmin } from '../api.js';
import { h, clear, badge, time, field, select, table, button, link } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog, errorBox } from '../ui.js';

const TRI = [['', 'any'], ['true', 'yes'], ['false', 'no']];

function matchText(m = {}) {
  const parts = [];
  for (const k of ['from', 'to', 'subject', 'header']) if (m[k] != null) parts.push(`${k} ~ ${m[k]}`);
  if (m.has_attachment != null) parts.push(m.has_attachment ? 'has attachment' : 'no attachment');
  if (m.size_over != null) parts.push(`size > ${m.size_over} B`);
  if (m.flagged != null) parts.push(m.flagged ? 'flagged' : 'not flagged');
  return parts.length ? parts.join('; ') : 'everything';
}

// The rule's fields, with ids under a prefix (the editor and the dry run both use them).
// full = false leaves out what a dry run does not look at (name, action, priority…).
function ruleFields(prefix, r, accounts, full) {
  const m = r.match || {};
  const c = {
    scope: select(`${prefix}-scope`, [['smtp', 'smtp'], ['imap', 'imap'], ['all', 'all']], r.scope || 'smtp'),
    account: select(`${prefix}-account`, [['', 'any account'], ...accounts.map((a) => [String(a.id), a.name])], r.account_id ? String(r.account_id) : ''),
    from: h('input', { id: `${prefix}-from`, type: 'text', value: m.from ?? '' }),
    to: h('input', { id: `${prefix}-to`, type: 'text', value: m.to ?? '' }),
    subject: h('input', { id: `${prefix}-subject`, type: 'text', value: m.subject ?? '' }),
    header: h('input', { id: `${prefix}-header`, type: 'text', value: m.header ?? '', placeholder: 'X-Spam: yes' }),
    has_attachment: select(`${prefix}-has-attachment`, TRI, m.has_attachment == null ? '' : String(m.has_attachment)),
    size_over: h('input', { id: `${prefix}-size-over`, type: 'number', min: '0', value: m.size_over ?? '' }),
    flagged: select(`${prefix}-flagged`, TRI, m.flagged == null ? '' : String(m.flagged)),
  };
  if (full) {
    Object.assign(c, {
      name: h('input', { id: `${prefix}-name`, type: 'text', required: true, value: r.name || '' }),
      action: select(`${prefix}-action`, [['hold', 'hold'], ['pass', 'pass']], r.action || 'hold'),
      auto_release_minutes: h('input', { id: `${prefix}-auto-release`, type: 'number', min: '0', value: r.auto_release_minutes || '' }),
      priority: h('input', { id: `${prefix}-priority`, type: 'number', value: r.priority ?? 100 }),
      enabled: h('input', { id: `${prefix}-enabled`, type: 'checkbox', checked: r.enabled !== false }),
    });
  }
  const grid = h('div', { class: 'form-grid' },
    full ? field('Name', c.name) : null,
    field('Scope', c.scope), field('Account', c.account),
    field('From', c.from, 'Substring, *glob* or /regex/'), field('To', c.to), field('Subject', c.subject),
    field('Header', c.header, '"Name: pattern"'), field('Has attachment', c.has_attachment),
    field('Size over (bytes)', c.size_over), field('Flagged (IMAP)', c.flagged),
    full ? [field('Action', c.action), field('Auto-release after (minutes)', c.auto_release_minutes, 'Hold rules only; empty = never.'), field('Priority', c.priority, 'Lower is tried first.')] : null);
  const read = () => {
    const match = {};
    for (const k of ['from', 'to', 'subject', 'header']) if (c[k].value.trim() !== '') match[k] = c[k].value.trim();
    for (const k of ['has_attachment', 'flagged']) if (c[k].value !== '') match[k] = c[k].value === 'true';
    if (c.size_over.value !== '') match.size_over = Number(c.size_over.value);
    const rule = { scope: c.scope.value, account_id: c.account.value ? Number(c.account.value) : null, match };
    if (full) {
      Object.assign(rule, {
        name: c.name.value.trim(), action: c.action.value, priority: Number(c.priority.value || 100), enabled: c.enabled.checked,
        auto_release_minutes: c.auto_release_minutes.value ? Number(c.auto_release_minutes.value) : null,
      });
    }
    return rule;
  };
  return { grid, controls: c, read };
}

export async function render(root) {
  const admin = isAdmin();
  const accounts = itemsOf(await api.get('/api/v1/accounts').catch(() => null));
  const accountName = (id) => accounts.find((a) => a.id === id)?.name || `#${id}`;
  const result = statusRegion('rule-result');
  const list = h('div', { id: 'rules-table' });
  const formArea = h('div', { id: 'rule-form-area' });

  function editor(r) {
    const editing = !!(r && r.id);
    const { grid, controls, read } = ruleFields('rule', r || {}, accounts, true);
    const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'rule-save' }, editing ? 'Save rule' : 'Add rule');
    const cancel = button('Cancel', { id: 'rule-cancel' });
    const f = h('form', { class: 'panel', id: 'rule-form', 'aria-labelledby': 'rule-form-h' },
      h('h2', { id: 'rule-form-h' }, editing ? `Edit rule ${r.name}` : 'Add a rule'),
      grid, field('Enabled', controls.enabled), h('div', { class: 'actions' }, save, cancel));
    cancel.addEventListener('click', () => { clear(formArea); document.getElementById('rule-add')?.focus(); });
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = read();
      if (!body.name) { say(result, 'A rule needs a name.', 'error'); controls.name.focus(); return; }
      busy(save, async () => {
        try {
          const saved = editing ? await api.patch(`/api/v1/rules/${r.id}`, body) : await api.post('/api/v1/rules', body);
          say(result, `${editing ? 'Saved' : 'Added'} rule ${saved?.name || body.name}.`, 'ok');
          clear(formArea);
          await load();
        } catch (err) {
          say(result, errorText(err), 'error');
        }
      });
    });
    clear(formArea, f);
    controls.name.focus();
  }

  async function remove(r, btn) {
    if (!(await confirmDialog(`Remove rule ${r.name}?`, 'Remove'))) return;
    await busy(btn, async () => {
      try {
        await api.del(`/api/v1/rules/${r.id}`);
        say(result, `Removed rule ${r.name}.`, 'ok');
      } catch (e) {
        say(result, errorText(e), 'error');
      }
      await load();
    });
  }

  async function load() {
    let rules;
    try {
      rules = itemsOf(await api.get('/api/v1/rules'));
    } catch (e) {
      clear(list, errorBox(e, 'Rules could not be read'));
      return;
    }
    const headers = ['Priority', 'Name', 'Scope', 'Matches', 'Action', 'Enabled'];
    if (admin) headers.push('Actions');
    clear(list, table('Rules, in the order they are tried', headers, rules.map((r) => {
      const cells = [
        { cell: String(r.priority), class: 'num' }, { cell: r.name, class: 'wrap' },
        r.scope + (r.account_id ? ` (${accountName(r.account_id)})` : ''),
        { cell: matchText(r.match), class: 'wrap' },
        [badge(r.action), r.auto_release_minutes ? ` auto-release after ${r.auto_release_minutes} min` : ''],
        r.enabled ? 'yes' : 'no',
      ];
      if (admin) {
        const edit = button('Edit', { id: `rule-edit-${r.id}`, class: 'btn btn-small' }, `rule ${r.name}`);
        const rm = button('Remove', { id: `rule-remove-${r.id}`, class: 'btn btn-small btn-danger' }, `rule ${r.name}`);
        edit.addEventListener('click', () => editor(r));
        rm.addEventListener('click', () => remove(r, rm));
        cells.push(h('div', { class: 'actions' }, edit, rm));
      }
      return cells;
    }), 'No rules: everything gets the default action (smtp.default_action).'));
  }

  // Dry run: which of the last N messages this rule would match.
  const dry = ruleFields('dry', { scope: 'all' }, accounts, false);
  const limit = h('input', { id: 'dry-limit', type: 'number', min: '1', max: '1000', value: '100' });
  const run = h('button', { type: 'submit', class: 'btn btn-primary', id: 'dry-run' }, 'Dry run');
  const dryResult = h('div', { id: 'dry-run-result', 'aria-live': 'polite' });
  const dryForm = h('form', { class: 'panel', id: 'dry-run-form', 'aria-labelledby': 'dry-h' },
    h('h2', { id: 'dry-h' }, 'Dry run'),
    h('p', { class: 'hint' }, 'Try a rule on recent mail; nothing is changed.'),
    dry.grid, field('Messages to examine', limit), h('div', { class: 'actions' }, run));
  dryForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(run, async () => {
      try {
        const r = await api.post('/api/v1/rules/dry-run', { rule: dry.read(), limit: Number(limit.value || 100) });
        clear(dryResult, h('p', { class: 'msg-ok' }, `${r.matched} of ${r.examined} messages would match.`),
          table('Messages the rule would match', ['Id', 'Received', 'From', 'Subject', 'Status'], itemsOf(r).map((m) => [
            link(`/messages/${m.id}`, `#${m.id}`), time(m.received_at), { cell: m.from || '', class: 'wrap' },
            { cell: m.subject || '(no subject)', class: 'wrap' }, badge(m.status)]), 'No matches.'));
      } catch (err) {
        clear(dryResult, errorBox(err));
      }
    });
  });

  const addBtn = admin ? button('Add rule', { id: 'rule-add', class: 'btn btn-primary' }) : null;
  if (addBtn) addBtn.addEventListener('click', () => editor(null));
  clear(root, heading('Rules'),
    h('p', {}, 'The first enabled rule that matches, lowest priority first, decides whether mail is held or let through.'),
    addBtn ? h('div', { class: 'actions' }, addBtn) : null, result, formArea, list, dryForm, dryResult);
  await load();
}

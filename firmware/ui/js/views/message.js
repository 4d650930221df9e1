// /messages/{id}: one message, why it was held, and what can be done with it.
// Everything from the message (subject, headers, body, file names) is hostile: text only.
import { api, itemsOf, isAdmin } from '../api.js';
import { h, clear, add, badge, time, size, field, table, button } from '../dom.js';
import { heading, statusRegion, say, errorText, busy, confirmDialog, errorBox } from '../ui.js';
import { subscribe } from '../events.js';
import { setTitle } from '../router.js';
import { diffLines, formatDiff } from '../diff.js';

const section = (title, id, ...body) => h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...body);
const facts = (pairs) => h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
const normalize = (s) => String(s ?? '').replace(/\r\n?/g, '\n');

// The sender a rule should name: the envelope sender, else the address in From.
function senderOf(m) {
  const env = m.envelope?.mail_from;
  if (env) return env;
  const from = m.from || '';
  const angle = from.match(/<([^<>\s]+@[^<>\s]+)>/);
  if (angle) return angle[1];
  const bare = from.match(/[^\s<>"',;]+@[^\s<>"',;]+/);
  return bare ? bare[0] : '';
}

function whyHeld(m, account) {
  const hb = m.held_by || null;
  const ruleName = hb?.rule_name ?? m.rule ?? null;
  const verb = m.status === 'relayed' || m.status === 'relay_failed' ? 'Let through' : 'Held';
  const out = [];
  if (ruleName) {
    const match = hb?.match;
    out.push(h('p', { id: 'why-held-text' }, `${verb} by rule “${ruleName}”`, hb?.rule_id ? ` (rule ${hb.rule_id})` : '', '.'));
    if (match != null) out.push(h('p', {}, 'Match: ', h('code', {}, typeof match === 'string' ? match : JSON.stringify(match))));
  } else if (m.source === 'imap') {
    out.push(h('p', { id: 'why-held-text' }, `${verb} by the default action of its account (intercept = ${account?.intercept || 'all'}).`));
  } else {
    out.push(h('p', { id: 'why-held-text' }, `${verb} by the default action (smtp.default_action).`));
  }
  if (m.source === 'imap') {
    out.push(h('p', {}, 'Taken from IMAP account ', h('strong', {}, account ? account.name : `#${m.account_id}`), '.'));
  }
  return out;
}

export async function render(root, { params }) {
  const id = params.id;
  const title = heading('Message');
  const result = statusRegion('action-result');
  const saved = h('div', { id: 'saved-diff' });
  const body = h('div');
  clear(root, title, result, saved, body);
  let m = null;
  let editing = false;
  let htmlShown = false; // kept over a refresh of the view

  const say1 = (text, kind) => say(result, text, kind);

  async function act(btn, fn) {
    await busy(btn, async () => {
      try {
        say1(await fn(), 'ok');
      } catch (e) {
        say1(e.status === 502 ? `Release failed: ${errorText(e)}` : errorText(e), 'error');
      }
    });
    await load(btn.id); // a disabled button lost the focus; give it back (or to the h1)
  }

  function actions() {
    const out = h('div');
    const st = m.status;
    if (st === 'held' || st === 'release_failed') {
      const to = h('input', { id: 'release-to', name: 'release-to', type: 'text', placeholder: 'a@example.org, b@example.org', autocomplete: 'off' });
      const release = h('button', { type: 'button', class: 'btn btn-primary', id: 'release' }, st === 'release_failed' ? 'Release (retry)' : 'Release');
      release.addEventListener('click', () => act(release, async () => {
        const list = m.source === 'smtp' ? to.value.split(',').map((s) => s.trim()).filter(Boolean) : [];
        const r = await api.post(`/api/v1/messages/${id}/release`, list.length ? { to: list } : {});
        const msg = r?.already_released ? 'Already released; nothing was sent again.' : (list.length ? `Released to ${list.join(', ')}.` : 'Released.');
        return r?.warning ? `${msg} ${r.warning}` : msg;
      }));
      const discard = h('button', { type: 'button', class: 'btn btn-danger', id: 'discard' }, 'Discard');
      discard.addEventListener('click', async () => {
        if (!(await confirmDialog('Discard this message? It can be undiscarded until retention removes it.', 'Discard'))) return;
        act(discard, async () => {
          const r = await api.post(`/api/v1/messages/${id}/discard`);
          return r?.already_discarded ? 'Already discarded.' : 'Discarded.';
        });
      });
      const edit = h('button', { type: 'button', class: 'btn', id: 'edit', 'aria-expanded': 'false' }, 'Edit');
      const editArea = h('div');
      edit.addEventListener('click', () => {
        editing = !editing;
        edit.setAttribute('aria-expanded', String(editing));
        clear(editArea, editing ? editForm(() => { editing = false; edit.setAttribute('aria-expanded', 'false'); clear(editArea); edit.focus(); }) : null);
        if (editing) editArea.querySelector('input').focus();
      });
      add(out,
        m.source === 'smtp' ? field('Release to other recipients (optional, comma separated)', to, 'Leave empty to release to the original envelope recipients.') : null,
        h('div', { class: 'actions' }, release, discard, edit),
        editArea);
    } else if (st === 'discarded') {
      const undiscard = h('button', { type: 'button', class: 'btn', id: 'undiscard' }, 'Undiscard');
      undiscard.addEventListener('click', () => act(undiscard, async () => {
        const r = await api.post(`/api/v1/messages/${id}/undiscard`);
        return r?.already_held ? 'It was already held.' : 'Back in held mail.';
      }));
      add(out, h('div', { class: 'actions' }, undiscard));
    } else {
      add(out, h('p', { class: 'muted' }, `No actions: the message is ${st}.`));
    }
    const addr = senderOf(m);
    if (isAdmin() && addr) {
      const ruleBtn = (action, label, btnId) => {
        const b = h('button', { type: 'button', class: 'btn', id: btnId }, label);
        b.addEventListener('click', () => act(b, async () => {
          const r = await api.post('/api/v1/rules', {
            name: `always ${action} ${addr}`, scope: 'all', match: { from: addr }, action, priority: 100, enabled: true,
          });
          return `Rule “${r?.name || `always ${action} ${addr}`}” created${r?.id ? ` (rule ${r.id})` : ''}.`;
        }));
        return b;
      };
      add(out, h('div', { class: 'actions' },
        ruleBtn('hold', 'Always hold this sender', 'rule-hold-sender'),
        ruleBtn('pass', 'Always pass this sender', 'rule-pass-sender'),
        h('span', { class: 'muted' }, `(${addr})`)));
    }
    return out;
  }

  // Edit → Preview changes (a client-side line diff) → only then Save.
  function editForm(close) {
    const subj = h('input', { id: 'edit-subject', name: 'subject', type: 'text', value: m.subject || '' });
    const text = h('textarea', { id: 'edit-text', name: 'text', rows: '14' });
    text.value = normalize(m.text);
    const preview = h('button', { type: 'button', class: 'btn', id: 'edit-preview' }, 'Preview changes');
    const save = h('button', { type: 'button', class: 'btn btn-primary', id: 'edit-save', hidden: true }, 'Save');
    const cancel = h('button', { type: 'button', class: 'btn', id: 'edit-cancel' }, 'Cancel');
    const diff = h('pre', { id: 'edit-diff', hidden: true });
    const changes = () => {
      const c = {};
      if (subj.value !== (m.subject || '')) c.subject = subj.value;
      if (text.value !== normalize(m.text)) c.text = text.value;
      return c;
    };
    const stale = () => {
      if (!save.hidden) { save.hidden = true; diff.textContent = 'Changed since the preview: preview again before saving.'; }
    };
    subj.addEventListener('input', stale);
    text.addEventListener('input', stale);
    preview.addEventListener('click', () => {
      const c = changes();
      const parts = [];
      if ('subject' in c) parts.push('Subject:', `- ${m.subject || ''}`, `+ ${c.subject}`);
      if ('text' in c) parts.push(...(parts.length ? [''] : []), 'Text:', formatDiff(diffLines(normalize(m.text), c.text)));
      diff.hidden = false;
      diff.textContent = parts.length ? parts.join('\n') : 'No changes.';
      save.hidden = !parts.length;
      if (!save.hidden) save.focus();
    });
    save.addEventListener('click', () => busy(save, async () => {
      try {
        const r = await api.patch(`/api/v1/messages/${id}`, changes());
        clear(saved, section(`Saved as version ${r?.version ?? ''}`, 'saved',
          h('p', {}, 'What the server changed:'), h('pre', { id: 'edit-result-diff' }, r?.diff || '(no difference)')));
        say1('Saved.', 'ok');
        close();
        await load();
      } catch (e) {
        say1(errorText(e), 'error');
      }
    }));
    cancel.addEventListener('click', close);
    return h('form', { class: 'panel', id: 'edit-form', 'aria-label': 'Edit message' },
      field('Subject', subj),
      field('Text', text, m.text_truncated ? 'The text is shown cut short; the server refuses an edit that would lose the rest.' : null),
      h('div', { class: 'actions' }, preview, save, cancel), diff);
  }

  async function showDiff(btn, out) {
    await busy(btn, async () => {
      try {
        clear(out, h('pre', { id: 'message-diff' }, (await api.get(`/api/v1/messages/${id}/diff`, { text: true })) || '(no difference)'));
      } catch (e) {
        clear(out, errorBox(e));
      }
    });
  }

  // Re-rendering replaces the buttons: keep the keyboard focus where it was (or on the h1).
  async function load(prefer) {
    const active = document.activeElement;
    const focusId = prefer || (active && body.contains(active) ? active.id : null);
    await fill();
    if (focusId) (document.getElementById(focusId) || title).focus();
  }

  async function fill() {
    let account = null;
    let preflight = null;
    try {
      [m, preflight] = await Promise.all([
        api.get(`/api/v1/messages/${encodeURIComponent(id)}`),
        api.get(`/api/v1/messages/${encodeURIComponent(id)}/preflight`).catch((e) => ({ error: e })),
      ]);
    } catch (e) {
      title.textContent = e.status === 404 ? 'Message not found' : 'Message';
      setTitle(title.textContent);
      clear(body, errorBox(e));
      return;
    }
    if (m.source === 'imap') {
      account = itemsOf(await api.get('/api/v1/accounts').catch(() => null)).find((a) => a.id === m.account_id) || null;
    }
    const subject = m.subject || '(no subject)';
    title.textContent = subject;
    setTitle(subject);
    const env = m.envelope || {};
    const warnings = [...(m.content_warnings || [])];
    clear(body,
      facts([
        ['Status', [h('span', { id: 'message-status' }, badge(m.status)), m.attempts ? ` after ${m.attempts} attempt(s)` : '']],
        m.failure_reason ? ['Failure', h('span', { id: 'failure-reason', class: 'msg-error' }, m.failure_reason)] : null,
        ['From', m.from || ''],
        ['To', m.to || ''],
        ['Received', time(m.received_at)],
        m.released_at ? ['Released', time(m.released_at)] : null,
        ['Size', size(m.size)],
        ['Source', m.source + (account ? ` (account ${account.name})` : '')],
        ['Message-ID', m.message_id || ''],
        ['Id', String(m.id)],
      ]),
      section(m.status === 'relayed' || m.status === 'relay_failed' ? 'Why it was let through' : 'Why held', 'why-held', whyHeld(m, account)),
      section('Actions', 'actions', actions()),
      section('Before release', 'preflight',
        preflight?.error ? errorBox(preflight.error, 'The release check failed')
          : (preflight?.warnings?.length
            ? h('ul', { id: 'preflight-warnings' }, preflight.warnings.map((w) => h('li', { class: 'warning-text' }, w)))
            : h('p', { id: 'preflight-warnings' }, 'No warnings.'))),
      section('Envelope', 'envelope', facts([
        ['MAIL FROM', env.mail_from || '(empty)'],
        ['RCPT TO', (env.rcpt_to || []).join(', ') || '—'],
        m.release_to?.length ? ['Released to', m.release_to.join(', ')] : null,
      ])),
      section('Headers', 'headers', table('All headers, in order', ['Name', 'Value'],
        (m.headers || []).map(([k, v]) => [{ cell: k, class: 'nowrap' }, { cell: v, class: 'wrap' }]), 'No headers.')),
      section('Text', 'text',
        htmlPart(),
        warnings.length ? h('ul', { id: 'content-warnings' }, warnings.map((w) => h('li', {}, w))) : null,
        m.spool_error ? h('p', { class: 'msg-error' }, `The stored message could not be read: ${m.spool_error}`) : null,
        m.text ? h('pre', { id: 'message-text' }, m.text) : h('p', { class: 'muted' }, 'No text part.'),
        m.text_truncated ? h('p', { class: 'muted' }, 'The text is cut short here; download the message for all of it.') : null),
      section('Attachments', 'attachments', table('Attached files', ['File name', 'Type', 'Size'],
        (m.attachments || []).map((a) => [{ cell: a.filename || '(no name)', class: 'wrap' }, a.content_type || '', { cell: size(a.size), class: 'num' }]),
        'No attachments.')),
      versionsSection());
  }

  // The HTML part, on request, in a frame that may run nothing: an empty sandbox (no scripts,
  // a unique origin) and the daemon's policy for it (no requests; only data: images).
  function htmlPart() {
    if (!m.html_present) return null;
    const area = h('div', { id: 'html-area' });
    const toggle = button('', { id: 'html-show', 'aria-controls': 'html-area' });
    const show = () => {
      toggle.textContent = htmlShown ? 'Hide HTML' : 'Show HTML (sandboxed)';
      clear(area, htmlShown ? h('iframe', {
        id: 'html-frame', class: 'html-frame', sandbox: '', referrerpolicy: 'no-referrer',
        title: 'HTML part of the message', src: `/api/v1/messages/${encodeURIComponent(id)}/html`,
      }) : null);
    };
    toggle.addEventListener('click', () => { htmlShown = !htmlShown; show(); });
    show();
    return [h('div', { class: 'actions' },
      h('p', { class: 'warning-text', id: 'html-note' }, 'This message also has an HTML part; it is shown as text here.'), toggle), area];
  }

  function versionsSection() {
    const versions = m.versions || [];
    const out = h('div');
    const diffBtn = versions.length > 1 ? button('Show changes from the original', { id: 'show-diff' }) : null;
    if (diffBtn) diffBtn.addEventListener('click', () => showDiff(diffBtn, out));
    return section('Versions', 'versions',
      table('Stored versions', ['Version', 'Created', 'By', 'Size', 'SHA-256'],
        versions.map((v) => [String(v.version), time(v.created_at), v.created_by || '', { cell: size(v.size), class: 'num' }, { cell: h('code', {}, v.sha256 || ''), class: 'wrap' }]),
        'No versions recorded.'),
      h('p', { class: 'actions' },
        h('a', { href: `/api/v1/messages/${m.id}/raw`, download: `message-${m.id}.eml` }, 'Download current version (.eml)'),
        versions.length > 1 ? h('a', { href: `/api/v1/messages/${m.id}/raw?version=original`, download: `message-${m.id}-original.eml` }, 'Download original') : null,
        diffBtn),
      out);
  }

  await load();
  return subscribe((events) => {
    // Refresh when this message changed, unless an edit is open (it would be lost).
    if (editing) return;
    const mine = (e) => (e.type === 'message' && String(e.data?.id) === String(id)) || e.type === 'reconnect' || e.type === 'poll';
    if (events.some(mine)) load();
  });
}

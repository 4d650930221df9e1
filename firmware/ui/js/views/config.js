// /config: the configuration file's problems (GET /healthz/config) and the live checks.
import { api } from '../api.js';
import { h, clear, badge, table } from '../dom.js';
import { heading, errorBox } from '../ui.js';
import { subscribe } from '../events.js';

export async function render(root) {
  const body = h('div');
  clear(root, heading('Configuration'), body);
  async function load() {
    let c;
    try {
      c = await api.get('/healthz/config');
    } catch (e) {
      clear(body, errorBox(e, 'The configuration check could not be read'));
      return;
    }
    const problems = c.problems || [];
    const checks = Object.entries(c.checks || {});
    clear(body,
      h('h2', {}, 'Problems'),
      problems.length
        ? table('Configuration problems', ['Key', 'Problem', 'Hint'],
          problems.map((p) => [h('code', {}, p.key), { cell: p.problem, class: 'wrap' }, { cell: p.hint || '', class: 'wrap' }]))
        : h('p', { id: 'config-ok', class: 'msg-ok' }, 'No configuration problems'),
      h('p', { class: 'hint' }, 'The same list as mailgated --check-config gives for the file on disk now.'),
      h('h2', {}, 'Checks'),
      table('Health checks', ['Check', 'State', 'Detail'],
        checks.map(([name, x]) => [name, badge(x.state), { cell: x.detail || '', class: 'wrap' }]), 'No checks reported.'));
  }
  await load();
  return subscribe((evs) => { if (evs.some((e) => e.type !== 'message')) load(); });
}

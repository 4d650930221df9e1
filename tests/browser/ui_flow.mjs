// The browser half of test_ui.py: Debian's chromium through playwright-core against the
// status page. Peers are asked for over stdout ("@@cmd {json}") and answer on stdin. Every
// check prints one line; the last line is "all checks passed" or the process exits non-zero.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.MG_URL.replace(/\/$/, '');
const origin = new URL(base).origin;
const artifacts = process.env.MG_ARTIFACTS;
const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function peer(cmd, arg = {}) {
  process.stdout.write(`@@${cmd} ${JSON.stringify(arg)}\n`);
  const { value } = await stdinLines.next();
  const answer = JSON.parse(value);
  if (answer.error) throw new Error(`peer ${cmd}: ${answer.error}`);
  return answer;
}

function check(ok, what) {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const leftTheBox = [];
const dialogs = [];
const pageErrors = [];
// Anything not for the appliance itself is refused and remembered: nothing may leave.
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin + '/') || url === origin) return route.continue();
  leftTheBox.push(url);
  return route.abort();
});
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error' && !/status of (401|403|404|409|429)/.test(m.text())) pageErrors.push(m.text()); });

const axeSeen = new Set();
async function audit(name) {
  // Through the DevTools protocol, which the page's CSP (rightly) does not let a <script> tag do.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  axe ${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  axeSeen.add(name);
  check(bad.length === 0, `axe on ${name}: no serious or critical violations (screenshot ${name}.png)`);
}

async function title() {
  return (await page.locator('#view-title').first().textContent({ timeout: 15000 })) || '';
}

async function open(pathname, expectTitle) {
  const response = await page.goto(base + pathname);
  await page.locator('#view-title').first().waitFor({ timeout: 15000 });
  if (expectTitle) await page.waitForFunction((t) => document.querySelector('#view-title')?.textContent.includes(t), expectTitle, { timeout: 15000 });
  await page.waitForLoadState('networkidle').catch(() => {});
  return response;
}

async function login(user, password) {
  await page.goto(base + '/login');
  await page.fill('#login-username', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForFunction(() => location.pathname !== '/login', null, { timeout: 15000 });
}

try {
  // 1. First start: the page sends a new box to its setup form; the code makes the admin.
  await page.goto(base + '/');
  await page.waitForURL('**/setup', { timeout: 15000 });
  check(true, 'a box without operators opens at /setup');
  await page.locator('#setup-code').waitFor();
  await audit('setup');
  await page.fill('#setup-code', process.env.MG_SETUP_CODE);
  await page.fill('#setup-username', 'admin');
  await page.fill('#setup-password', 'admin password 1');
  await page.fill('#setup-password2', 'admin password 1');
  await page.click('#setup-submit');
  await page.waitForFunction(() => location.pathname === '/', null, { timeout: 15000 });
  await page.locator('#held-count').waitFor({ timeout: 15000 });
  check(true, 'setup with the code logs the new admin in, on the dashboard');
  await audit('dashboard');

  // 2. Mail sent over SMTP appears on the dashboard without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  const before = Number(await page.textContent('#held-count'));
  const { id } = await peer('send', { subject: 'browser quarterly report', body: 'Figures attached.\r\nRegards\r\n' });
  await page.waitForFunction((t) => document.querySelector('#latest-held')?.textContent.includes(t), 'browser quarterly report', { timeout: 20000 });
  await page.waitForFunction((n) => Number(document.querySelector('#held-count')?.textContent) === n, before + 1, { timeout: 20000 });
  check(await page.evaluate(() => window.__sameDocument === true), `message ${id} shown on the dashboard without a reload`);

  // 3. Held list → message → edit with the diff shown → release; the sink gets the edit.
  await open('/held', 'Held');
  await audit('held');
  await page.click(`a[href="/messages/${id}"]`);
  await page.waitForFunction((t) => document.querySelector('#view-title')?.textContent.includes(t), 'browser quarterly report', { timeout: 15000 });
  await page.locator('#why-held-text').waitFor();
  check((await page.textContent('#why-held-text')).includes('default action'), 'the message view says why it is held');
  await audit('message');
  await page.click('#edit');
  await page.fill('#edit-subject', 'browser quarterly report (checked)');
  await page.fill('#edit-text', 'Figures attached and checked.\nRegards\n');
  await page.click('#edit-preview');
  await page.locator('#edit-diff').waitFor({ state: 'visible' });
  const diff = await page.textContent('#edit-diff');
  check(/^-.*Figures attached\./m.test(diff) && /^\+.*Figures attached and checked\./m.test(diff), 'the diff is shown before saving');
  await audit('message-edit');
  await page.click('#edit-save');
  await page.waitForFunction(() => /Saved|saved|version/i.test(document.querySelector('#action-result')?.textContent || '') || document.querySelector('#edit-result-diff'), null, { timeout: 15000 });
  await page.locator('#release').waitFor({ timeout: 15000 });
  await page.click('#release');
  await page.waitForFunction(() => /Released/.test(document.querySelector('#action-result')?.textContent || ''), null, { timeout: 30000 });
  check(true, 'released from the message view');
  const got = await peer('sink-has', { text: 'browser quarterly report (checked)' });
  check(got.count === 1, 'the upstream sink got the edited version, once');

  // 4. The audit log shows the edit and the release, and its chain verifies.
  await open('/audit', 'Audit');
  await page.waitForFunction(() => /release/.test(document.querySelector('#audit-table')?.textContent || '') &&
                                   /edit/.test(document.querySelector('#audit-table')?.textContent || ''), null, { timeout: 15000 });
  check(true, 'the audit log lists the edit and the release');
  await page.click('#audit-verify');
  await page.waitForFunction(() => /verified/i.test(document.querySelector('#audit-verify-result')?.textContent || ''), null, { timeout: 15000 });
  check(true, `audit chain: ${(await page.textContent('#audit-verify-result')).trim()}`);
  await audit('audit');

  // 5. Every other page, as admin.
  for (const [p, t] of [['/accounts', 'Accounts'], ['/rules', 'Rules'], ['/notifications', 'Notifications'],
                        ['/config', 'Config'], ['/backups', 'Backups'], ['/users', 'Users'], ['/tokens', 'Tokens']]) {
    const r = await open(p);
    check(r.status() === 200, `${p} opens for an admin (${r.status()}, "${(await title()).trim()}")`);
    await audit(p.slice(1));
  }

  // 6. An HTML message with script, handlers and a remote image runs and loads nothing.
  const html = await peer('send-html', { subject: 'browser html invoice' });
  await open(`/messages/${html.id}`, 'browser html invoice');
  await page.waitForTimeout(0);
  await page.waitForLoadState('networkidle');
  check(dialogs.length === 0, 'no dialog opened on the HTML message');
  check(leftTheBox.length === 0, `no request left the box (${leftTheBox.join(', ') || 'none'})`);
  check((await page.locator('#message-view img, main img').count()) === 0, 'no image element from the message');

  // 7. A reviewer: no admin pages (403), no admin controls.
  await peer('add-reviewer', { name: 'rita' });
  await page.click('#logout');
  await page.waitForURL('**/login', { timeout: 15000 });
  await audit('login');
  await login('rita', process.env.MG_REVIEWER_PASSWORD);
  for (const p of ['/users', '/tokens']) {
    const r = await open(p);
    check(r.status() === 403 && /403/.test(await title()), `${p} answers 403 to a reviewer and says so`);
  }
  await audit('users-as-reviewer');
  check(await page.locator('nav a[href="/users"]').isHidden(), 'the reviewer sees no Users link');
  await open('/accounts', 'Accounts');
  check((await page.locator('#account-add, [id^="account-remove-"], [id^="account-edit-"]').count()) === 0, 'no account controls for a reviewer');
  await open('/rules', 'Rules');
  check((await page.locator('#rule-add, [id^="rule-remove-"], [id^="rule-edit-"]').count()) === 0, 'no rule controls for a reviewer');
  await open('/backups', 'Backups');
  check((await page.locator('#backup-now').count()) === 0, 'no backup button for a reviewer');

  // 8. Stopping the watched account's Dovecot shows the banner, without a reload.
  await open('/', 'Status');
  await page.evaluate(() => { window.__sameDocument = true; });
  check(await page.locator('#banner').isHidden(), 'no banner while the watcher is online');
  await peer('stop-dovecot');
  await page.waitForFunction((n) => !document.querySelector('#banner').hidden &&
                                    document.querySelector('#banner').textContent.includes(n), process.env.MG_ACCOUNT_NAME, { timeout: 60000 });
  check(await page.evaluate(() => window.__sameDocument === true), `banner: ${(await page.textContent('#banner')).trim()}`);
  await page.screenshot({ path: path.join(artifacts, 'dashboard-banner.png'), fullPage: true });

  check(pageErrors.length === 0, `no script errors on any page (${pageErrors.slice(0, 3).join(' | ') || 'none'})`);
  console.log(`pages audited: ${[...axeSeen].join(', ')}`);
  console.log('all checks passed');
  await browser.close();
  process.exit(0);
} catch (e) {
  console.log(String(e && e.stack || e));
  await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
  await browser.close().catch(() => {});
  process.exit(1);
}

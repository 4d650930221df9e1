// The browser half of test_ui.py: Debian's chromium through playwright-core against the
// status page. Peers are asked for over stdout ("@@cmd {json}") and answer on stdin. Every
// check prints one line; the last line is "all checks passed" or the process exits non-zero.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
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

// RFC 4648 base32 → bytes; RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits), as the phone app does.
function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${s}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// A code of a 30-s step later than `after`, with at least 3 s of it left (still current when
// the daemon checks it): waits for the next step boundary when needed.
async function freshCode(secret, after = -1) {
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / 30000);
    const left = (step + 1) * 30000 - now;
    if (step > after && left >= 3000) return { step, code: totp(secret, step) };
    await new Promise((resolve) => setTimeout(resolve, left + 20));
  }
}

// A QR code image → its text (zbar-tools; missing is a failure, install-deps installs it).
const zbar = (file) => execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const leftTheBox = [];
const dialogs = [];
const pageErrors = [];
const htmlPartBlocked = []; // what chromium refused inside the sandboxed HTML part (expected)
// Anything not for the appliance itself is refused and remembered: nothing may leave.
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin + '/') || url === origin) return route.continue();
  leftTheBox.push(url);
  return route.abort();
});
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  if (/\/api\/v1\/messages\/[^/]+\/html$/.test(m.location()?.url || '')) { htmlPartBlocked.push(m.text()); return; }
  if (m.type() === 'error' && !/status of (401|403|404|409|429)/.test(m.text())) pageErrors.push(m.text());
});

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
  // Its HTML part, on request, in a frame with an empty sandbox and the part's own policy:
  // still no dialog, and the remote image (203.0.113.7) is never asked for.
  const htmlPath = `/api/v1/messages/${html.id}/html`;
  const partAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === htmlPath, { timeout: 15000 });
  const partFrame = page.waitForEvent('framenavigated', { predicate: (f) => f !== page.mainFrame() && new URL(f.url()).pathname === htmlPath, timeout: 15000 });
  await page.click('#html-show');
  const part = await partAnswer;
  await (await partFrame).waitForLoadState('load');
  const frame = page.frame({ url: (u) => u.pathname === htmlPath }) || (await partFrame);
  const partPolicy = part.headers()['content-security-policy'] || '';
  check(part.status() === 200 && /\bsandbox\b/.test(partPolicy) && /default-src 'none'/.test(partPolicy),
    `the HTML part is served with its own policy (${part.status()}, ${partPolicy})`);
  check((await page.getAttribute('#html-frame', 'sandbox')) === '', 'the HTML frame has the sandbox attribute, empty');
  check((await frame.locator('h1').first().textContent({ timeout: 15000 })) === 'Invoice', 'the frame shows the HTML part (its heading "Invoice")');
  await page.waitForLoadState('networkidle');
  check(dialogs.length === 0, `no dialog opened with the HTML part shown (${dialogs.join(', ') || 'none'})`);
  check(leftTheBox.length === 0 && !leftTheBox.some((u) => u.includes('203.0.113.7')),
    `no request left the box with the HTML part shown (${leftTheBox.join(', ') || 'none'})`);
  console.log(`  chromium refused in the HTML part: ${htmlPartBlocked.join(' | ') || 'nothing reported'}`);
  await audit('message-html');

  // 7. 2-step login for the admin: the QR code read by zbarimg, the first code turns it on,
  // logging in then asks for a code; new recovery codes; the admin's reset; turned off again.
  const adminPassword = 'admin password 1';
  await open('/account', 'Account');
  check((await page.textContent('#totp-status')).trim() === 'off', '2-step login is off at first');
  await page.fill('#totp-password', adminPassword);
  await page.click('#totp-start');
  await page.locator('#totp-qr').waitFor({ timeout: 15000 });
  const qrFile = path.join(artifacts, 'totp-qr.png');
  await page.locator('#totp-qr').screenshot({ path: qrFile });
  const uri = zbar(qrFile);
  const secret = (await page.textContent('#totp-secret')).trim();
  check(uri.startsWith('otpauth://totp/') && new URL(uri).searchParams.get('secret') === secret,
    `the QR code (totp-qr.png) decodes to the otpauth URI with the key shown: ${uri}`);
  await audit('account-enrol');
  const enrolled = await freshCode(secret);
  await page.fill('#totp-code', enrolled.code);
  await page.click('#totp-confirm');
  await page.locator('#recovery-codes li').first().waitFor({ timeout: 15000 });
  const recovery = (await page.locator('#recovery-codes li').allTextContents()).map((c) => c.trim());
  check(recovery.length === 10 && new Set(recovery).size === 10, `10 recovery codes shown (${recovery[0]}, …)`);
  check((await page.textContent('#totp-status')).trim() === 'on', '2-step login is on after the first code');
  await page.click('#logout');
  await page.waitForURL('**/login', { timeout: 15000 });
  await page.fill('#login-username', 'admin');
  await page.fill('#login-password', adminPassword);
  await page.click('#login-submit');
  await page.locator('#login-totp').waitFor({ state: 'visible', timeout: 15000 });
  check(await page.evaluate(() => location.pathname === '/login'),
    `the password alone does not log in; the code is asked for ("${(await page.textContent('#login-error')).trim()}")`);
  await audit('login-totp');
  const waitStart = Date.now();
  const fresh = await freshCode(secret, enrolled.step); // the daemon refuses a step already used
  await page.fill('#login-totp', fresh.code);
  await page.click('#login-submit');
  await page.waitForFunction(() => location.pathname === '/', null, { timeout: 15000 });
  await page.locator('#held-count').waitFor({ timeout: 15000 });
  check(true, `password + the code of the next 30-s step log in, on the dashboard (${Math.round((Date.now() - waitStart) / 1000)} s for the step)`);
  await open('/account', 'Account');
  check((await page.textContent('#totp-status')).trim() === 'on', 'the account page says 2-step login is on');
  await audit('account');
  await page.fill('#totp-password', adminPassword);
  await page.click('#totp-new-codes');
  await page.waitForFunction((old) => {
    const now = [...document.querySelectorAll('#recovery-codes li')].map((li) => li.textContent.trim());
    return now.length === 10 && !now.includes(old);
  }, recovery[0], { timeout: 15000 });
  check(true, 'new recovery codes replace the old ones');
  await open('/users', 'Users');
  const adminRow = page.locator('#users-table tbody tr').filter({ has: page.locator('td:first-child', { hasText: /^admin$/ }) });
  check((await adminRow.locator('[id^="user-2step-"]').textContent()).trim() === 'on', 'the users page shows 2-step on for admin');
  await audit('users-totp');
  await adminRow.locator('[id^="user-totp-reset-"]').click();
  await page.click('#dialog-confirm');
  await page.waitForFunction(() => [...document.querySelectorAll('#users-table tbody tr')]
    .some((tr) => tr.cells[0]?.textContent.trim() === 'admin' && tr.querySelector('[id^="user-2step-"]')?.textContent.trim() === 'off'), null, { timeout: 15000 });
  check((await adminRow.locator('[id^="user-totp-reset-"]').count()) === 0, `"Reset 2-step" turns it off (${(await page.textContent('#user-result')).trim()})`);
  // Set up again (a new key), then "Turn off" with the password: step 8 logs in without codes.
  await open('/account', 'Account');
  check((await page.textContent('#totp-status')).trim() === 'off', 'the account page says 2-step login is off after the reset');
  await page.fill('#totp-password', adminPassword);
  await page.click('#totp-start');
  await page.locator('#totp-secret').waitFor({ timeout: 15000 });
  const secret2 = (await page.textContent('#totp-secret')).trim();
  check(secret2 !== secret, 'setting up again gives a new key');
  await page.fill('#totp-code', (await freshCode(secret2, fresh.step)).code);
  await page.click('#totp-confirm');
  await page.locator('#recovery-codes li').first().waitFor({ timeout: 15000 });
  await page.fill('#totp-password', adminPassword);
  await page.click('#totp-disable');
  await page.waitForFunction(() => document.querySelector('#totp-status')?.textContent.trim() === 'off', null, { timeout: 15000 });
  check(true, `"Turn off" with the password ends 2-step login (${(await page.textContent('#account-result')).trim()})`);

  // 8. A reviewer: no admin pages (403), no admin controls.
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
  await open('/account', 'Account');
  check((await page.textContent('#account-role')).trim() === 'reviewer' && (await page.locator('#totp-start').count()) === 1,
    'a reviewer has the account page, with the 2-step set-up');

  // 9. Stopping the watched account's Dovecot shows the banner, without a reload.
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

// The UI's QR encoder (firmware/ui/js/qr.js) against an independent decoder: each string is
// encoded, drawn as a PGM with the 4-module quiet zone, read back with zbarimg (zbar-tools),
// and must come back byte for byte. Also: the version chosen matches ISO/IEC 18004's byte
// capacities at level M, and too long a text is refused. ctest browser.qr; exits 1 on failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { qrMatrix } from '../../firmware/ui/js/qr.js';

// Byte-mode capacity at level M of versions 1..40 (ISO/IEC 18004 table 7).
const CAPACITY = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504,
  560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722,
  1809, 1911, 1989, 2099, 2213, 2331];
const SCALE = 4;

const failures = [];
const fail = (what) => { failures.push(what); console.log(`FAILED: ${what}`); };

try {
  execFileSync('zbarimg', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  console.log(`FAILED: zbarimg cannot be run (${e.code || e.message}); install zbar-tools (tools/install-deps.sh does)`);
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'qr-check-'));
let n = 0;

function toPgm(rows, file) {
  const side = (rows.length + 8) * SCALE;
  const px = Buffer.alloc(side * side, 255);
  rows.forEach((row, y) => row.forEach((dark, x) => {
    if (!dark) return;
    for (let dy = 0; dy < SCALE; dy++) px.fill(0, ((y + 4) * SCALE + dy) * side + (x + 4) * SCALE, ((y + 4) * SCALE + dy) * side + (x + 5) * SCALE);
  }));
  writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${side} ${side}\n255\n`), px]));
}

function zbar(file) {
  try {
    const out = execFileSync('zbarimg', ['--raw', '-q', file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
    return { text: out.toString('utf8').replace(/\n$/, '') };
  } catch (e) {
    return { error: e.status === 4 ? 'no code found' : `zbarimg failed (${e.status ?? e.code}): ${String(e.stderr || '').trim()}` };
  }
}

const expectedVersion = (bytes) => CAPACITY.findIndex((c) => bytes <= c) + 1;

function roundTrip(name, text, mask = null) {
  const bytes = new TextEncoder().encode(text).length;
  let rows;
  try {
    rows = qrMatrix(text, mask);
  } catch (e) {
    fail(`${name} (${bytes} bytes): qrMatrix threw ${e.message}`);
    return;
  }
  const version = (rows.length - 17) / 4;
  const want = expectedVersion(bytes);
  if (!rows.every((r) => r.length === rows.length && r.every((d) => typeof d === 'boolean'))) {
    fail(`${name}: the matrix is not square rows of booleans`);
    return;
  }
  if (version !== want) fail(`${name} (${bytes} bytes): version ${version}, expected ${want} at level M`);
  const file = path.join(dir, `${String(++n).padStart(3, '0')}.pgm`);
  toPgm(rows, file);
  const got = zbar(file);
  if (got.error) fail(`${name} (${bytes} bytes, version ${version}): ${got.error} in ${file}`);
  else if (got.text !== text) fail(`${name} (${bytes} bytes, version ${version}): decoded ${JSON.stringify(got.text)}, expected ${JSON.stringify(text)} (${file})`);
  else console.log(`ok: ${name}: ${bytes} bytes, version ${version}, decoded by zbarimg`);
}

// Printable ASCII from a fixed seed: varied content, so different masks get chosen.
function filler(len, seed) {
  let x = seed * 2654435761 >>> 0;
  let s = '';
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += String.fromCharCode(33 + ((x >>> 16) % 94));
  }
  return s;
}

roundTrip('short', 'hello');
roundTrip('17 bytes', 'mailgate 17 bytes');
roundTrip('version 1 full', 'abcdefghijklmn');
roundTrip('version 1 full + 1', 'abcdefghijklmno');
roundTrip('otpauth URI', 'otpauth://totp/mailgate:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=mailgate&algorithm=SHA1&digits=6&period=30');
roundTrip('200 bytes', filler(200, 7));
roundTrip('non-ASCII', 'größe ✓');
roundTrip('empty', '');
// Each of the 8 masks forced (the penalty picks only some of them for the texts above).
for (let mask = 0; mask < 8; mask++) {
  roundTrip(`mask ${mask}, version 2`, filler(20, 200 + mask), mask);
  roundTrip(`mask ${mask}, version 8`, filler(140, 300 + mask), mask);
}
// Every version at its exact capacity, and one byte more (the next version).
for (let v = 1; v <= 40; v++) {
  roundTrip(`version ${v} full`, filler(CAPACITY[v - 1], v));
  if (v < 40 && v % 4 === 1) roundTrip(`version ${v} full + 1`, filler(CAPACITY[v - 1] + 1, 100 + v));
}

try {
  qrMatrix('x'.repeat(CAPACITY[39] + 1));
  fail(`${CAPACITY[39] + 1} bytes: no error thrown for a text longer than version 40 holds`);
} catch (e) {
  if (/too long/.test(e.message)) console.log(`ok: ${CAPACITY[39] + 1} bytes refused: ${e.message}`);
  else fail(`${CAPACITY[39] + 1} bytes: unclear error ${e.message}`);
}

if (failures.length) {
  console.log(`${failures.length} check(s) failed; images kept in ${dir}`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
console.log('all QR checks passed');

// QR Code (ISO/IEC 18004) for the TOTP enrolment: byte mode, error correction level M,
// versions 1..40, the mask with the lowest penalty. No DOM at import (tests run it in node).

// Level M per version: [EC codewords per block, blocks] (ISO/IEC 18004 table 9).
const EC = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
  26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
const BLOCKS = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17,
  18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
const MAX_VERSION = 40;

// GF(256) with the polynomial x^8+x^4+x^3+x^2+1 (0x11d).
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = EXP[i + 255] = x;
  LOG[x] = i;
  x = (x << 1) ^ (x & 0x80 ? 0x11d : 0);
}
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

// Reed-Solomon: the n EC codewords of data (remainder of data·x^n by prod (x - α^i)).
function rsEncode(data, n) {
  let gen = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(gen.length + 1).fill(0);
    gen.forEach((c, j) => { next[j] ^= c; next[j + 1] ^= mul(c, EXP[i]); });
    gen = next;
  }
  const rem = new Array(n).fill(0);
  for (const d of data) {
    const f = d ^ rem.shift();
    rem.push(0);
    for (let j = 0; j < n; j++) rem[j] ^= mul(gen[j + 1], f);
  }
  return rem;
}

// BCH remainder of value·2^bits by poly (format: 10 bits, 0x537; version: 12 bits, 0x1f25).
function bch(value, bits, poly) {
  const deg = 31 - Math.clz32(poly);
  let r = value << bits;
  while (31 - Math.clz32(r) >= deg) r ^= poly << (31 - Math.clz32(r) - deg);
  return (value << bits) | r;
}

// The function patterns of a version: fn marks reserved modules, dark their colour.
function layout(v) {
  const size = 17 + 4 * v;
  const fn = new Uint8Array(size * size);
  const dark = new Uint8Array(size * size);
  const set = (x, y, d) => { fn[y * size + x] = 1; dark[y * size + x] = d ? 1 : 0; };
  for (let i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx, y = cy + dy, r = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && y >= 0 && x < size && y < size) set(x, y, r !== 2 && r !== 4);
      }
    }
  }
  if (v > 1) {
    const n = Math.floor(v / 7) + 2;
    const step = v === 32 ? 26 : Math.ceil((4 * v + 4) / (2 * n - 2)) * 2;
    const pos = [6];
    for (let p = size - 7; pos.length < n; p -= step) pos.splice(1, 0, p);
    const last = n - 1;
    pos.forEach((ay, i) => pos.forEach((ax, j) => {
      if ((i === 0 && (j === 0 || j === last)) || (j === 0 && i === last)) return; // finders
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }));
  }
  for (let i = 0; i < 9; i++) if (i !== 6) { set(8, i, 0); set(i, 8, 0); } // format areas, per mask
  for (let i = 0; i < 8; i++) { set(size - 1 - i, 8, 0); set(8, size - 1 - i, 0); }
  set(8, size - 8, 1);                                            // the dark module
  if (v >= 7) {
    const bits = bch(v, 12, 0x1f25);
    for (let i = 0; i < 18; i++) {
      const a = size - 11 + (i % 3), b = Math.floor(i / 3), d = (bits >> i) & 1;
      set(a, b, d);
      set(b, a, d);
    }
  }
  let free = 0;
  for (const f of fn) free += 1 - f;
  return { size, fn, dark, codewords: free >> 3 };
}

// The data codewords: mode 0100, count, bytes, terminator, then 0xEC/0x11 padding.
function dataCodewords(bytes, v, capacity) {
  const bits = [];
  const put = (val, len) => { for (let i = len - 1; i >= 0; i--) bits.push((val >>> i) & 1); };
  put(4, 4);
  put(bytes.length, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const out = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

const MASKS = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

// Penalty rules N1..N4 of ISO/IEC 18004 §7.8.3.
function penalty(m, size) {
  let score = 0;
  const at = (x, y) => m[y * size + x];
  const finder = [1, 0, 1, 1, 1, 0, 1];
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < size; a++) {
      const line = [];
      for (let b = 0; b < size; b++) line.push(pass ? at(a, b) : at(b, a));
      for (let b = 0, run = 0; b <= size; b++) {               // N1: runs of 5+
        if (b < size && b > 0 && line[b] === line[b - 1]) run++;
        else { if (run >= 5) score += run - 2; run = 1; }
      }
      const pad = [0, 0, 0, 0, ...line, 0, 0, 0, 0];            // N3: 1:1:3:1:1 next to 4 light
      for (let b = 0; b + 7 <= pad.length; b++) {
        if (!finder.every((f, k) => pad[b + k] === f)) continue;
        const before = b >= 4 && pad.slice(b - 4, b).every((x) => !x);
        const after = b + 11 <= pad.length && pad.slice(b + 7, b + 11).every((x) => !x);
        score += 40 * (before + after);
      }
    }
  }
  let darkCount = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      darkCount += at(x, y);
      if (x && y) {                                              // N2: 2×2 blocks
        const c = at(x, y);
        if (c === at(x - 1, y) && c === at(x, y - 1) && c === at(x - 1, y - 1)) score += 3;
      }
    }
  }
  return score + Math.floor(Math.abs((darkCount * 100) / (size * size) - 50) / 5) * 10; // N4
}

// text → rows of booleans (true = dark), without the quiet zone. mask (0..7) forces one
// mask instead of the one with the lowest penalty (for tests).
export function qrMatrix(text, mask = null) {
  const bytes = new TextEncoder().encode(String(text));
  let L = null, v = 1, capacity = 0;
  for (; v <= MAX_VERSION; v++) {
    L = layout(v);
    capacity = L.codewords - EC[v] * BLOCKS[v];
    if (4 + (v < 10 ? 8 : 16) + 8 * bytes.length <= capacity * 8) break;
  }
  if (v > MAX_VERSION) {
    throw new Error(`QR code: ${bytes.length} bytes is too long (at most ${capacity - 3} at version ${MAX_VERSION}, level M)`);
  }
  const { size, fn } = L;

  // Split into blocks (the short ones first), add EC, interleave.
  const data = dataCodewords(bytes, v, capacity);
  const nb = BLOCKS[v], short = Math.floor(capacity / nb), longCount = capacity % nb;
  const blocks = [];
  for (let b = 0, off = 0; b < nb; b++) {
    const len = short + (b >= nb - longCount ? 1 : 0);
    const d = data.slice(off, off + len);
    off += len;
    blocks.push({ d, e: rsEncode(d, EC[v]) });
  }
  const words = [];
  for (let i = 0; i <= short; i++) for (const b of blocks) if (i < b.d.length) words.push(b.d[i]);
  for (let i = 0; i < EC[v]; i++) for (const b of blocks) words.push(b.e[i]);

  // Zigzag placement in column pairs from the right, skipping the timing column.
  const base = L.dark.slice();
  let k = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const up = ((right + 1) & 2) === 0;
    for (let n = 0; n < size; n++) {
      const y = up ? size - 1 - n : n;
      for (const x of [right, right - 1]) {
        if (fn[y * size + x]) continue;
        base[y * size + x] = k < words.length * 8 ? (words[k >> 3] >> (7 - (k & 7))) & 1 : 0;
        k++;
      }
    }
  }

  let best = null, bestScore = Infinity;
  for (let k = 0; k < 8; k++) {
    if (mask != null && k !== mask) continue;
    const m = base.slice();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) if (!fn[y * size + x] && MASKS[k](y, x)) m[y * size + x] ^= 1;
    }
    const f = bch(k, 10, 0x537) ^ 0x5412;   // level M = 00
    const bit = (i) => (f >> i) & 1;
    for (let i = 0; i < 15; i++) {
      const a = i < 6 ? [8, i] : i < 8 ? [8, i + 1] : i === 8 ? [7, 8] : [14 - i, 8];
      const b = i < 8 ? [size - 1 - i, 8] : [8, size - 15 + i];
      m[a[1] * size + a[0]] = bit(i);
      m[b[1] * size + b[0]] = bit(i);
    }
    const s = penalty(m, size);
    if (s < bestScore) { bestScore = s; best = m; }
  }
  const rows = [];
  for (let y = 0; y < size; y++) rows.push(Array.from(best.subarray(y * size, (y + 1) * size), (d) => d === 1));
  return rows;
}

// A canvas with the code drawn at scale px per module inside a 4-module white quiet zone.
export function qrCanvas(text, scale = 4) {
  const rows = qrMatrix(text);
  const n = rows.length + 8;
  const c = document.createElement('canvas');
  c.width = c.height = n * scale;
  c.className = 'qr';
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', 'QR code for the authenticator app');
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#000';
  rows.forEach((row, y) => row.forEach((d, x) => { if (d) g.fillRect((x + 4) * scale, (y + 4) * scale, scale, scale); }));
  return c;
}

// A line diff computed in the browser (LCS), for previewing an edit before it is saved.
// Output lines: "  same", "- removed", "+ added"; long runs of unchanged lines are
// collapsed to 2 lines of context around each change.

const CONTEXT = 2;
const MAX_CELLS = 4e6; // beyond this the LCS table is too big for a phone: replace wholesale

function lcsOps(a, b) {
  const n = a.length, m = b.length;
  if (n * m > MAX_CELLS) return [...a.map((l) => ['-', l]), ...b.map((l) => ['+', l])];
  // len[i][j] = LCS length of a[i..] and b[j..], in one flat typed array.
  const w = m + 1;
  const len = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * w + j] = a[i] === b[j] ? len[(i + 1) * w + j + 1] + 1 : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
    }
  }
  const ops = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { ops.push([' ', a[i]]); i++; j++; }
    else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  while (i < n) ops.push(['-', a[i++]]);
  while (j < m) ops.push(['+', b[j++]]);
  return ops;
}

// → array of [op, line]; common head and tail are cut off first (the usual edit is small).
export function diffLines(oldText, newText) {
  const a = String(oldText ?? '').split(/\r?\n/);
  const b = String(newText ?? '').split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const mid = lcsOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...a.slice(0, head).map((l) => [' ', l]), ...mid, ...a.slice(a.length - tail).map((l) => [' ', l])];
}

// → text for a <pre>; '' when nothing changed.
export function formatDiff(ops) {
  if (!ops.some(([op]) => op !== ' ')) return '';
  const keep = ops.map(() => false);
  ops.forEach(([op], i) => {
    if (op === ' ') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(ops.length - 1, i + CONTEXT); k++) keep[k] = true;
  });
  const out = [];
  let skipped = false;
  ops.forEach(([op, line], i) => {
    if (!keep[i]) { skipped = true; return; }
    if (skipped) { out.push('  …'); skipped = false; }
    out.push(`${op} ${line}`);
  });
  if (skipped) out.push('  …');
  return out.join('\n');
}

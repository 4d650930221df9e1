// Building the page without innerHTML: held mail is hostile (subjects, headers, bodies and
// file names may contain markup), so every piece of data goes in as a text node.

// h('a', {href: '/x', class: 'c'}, 'text', node, [more]) → element.
// Keys: class, text (textContent), on<event> (a function, added as a listener),
// value/checked/disabled (set as properties), anything else as an attribute.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  add(el, children);
  return el;
}

// Appends strings (as text, never markup), nodes and nested arrays; skips null/false.
export function add(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return add(el, children);
}

const pad = (n) => String(n).padStart(2, '0');

// ISO time → <time> showing local "YYYY-MM-DD HH:MM", the full ISO in datetime and title.
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', {}, String(iso));
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return h('time', { datetime: iso, title: iso }, local);
}

// Bytes → "512 B", "3.4 KB", "12.0 MB" (binary units).
export function size(n) {
  if (n == null || Number.isNaN(Number(n))) return '—';
  let v = Number(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// Seconds → "2 d 3 h", "4 h 12 min", "35 s".
export function duration(seconds) {
  let s = Math.max(0, Math.floor(Number(seconds) || 0));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hr = Math.floor(s / 3600); s -= hr * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d) return `${d} d ${hr} h`;
  if (hr) return `${hr} h ${m} min`;
  if (m) return `${m} min`;
  return `${s} s`;
}

export const ageOf = (iso) => (iso ? duration((Date.now() - new Date(iso).getTime()) / 1000) : '—');

// A status/state badge; the class name is reduced to safe characters.
export function badge(state) {
  const s = state == null || state === '' ? 'unknown' : String(state);
  return h('span', { class: `badge badge-${s.toLowerCase().replace(/[^a-z_]/g, '')}` }, s);
}

// A table in a scrollable, keyboard-focusable region (a narrow screen scrolls it sideways).
// rows: arrays of cells; a cell is a string/node, or {cell, class} for a classed <td>.
export function table(caption, headers, rows, empty = 'Nothing to show.') {
  const body = h('tbody');
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty)));
  for (const r of rows) {
    const tr = h('tr');
    for (const c of r) {
      const isSpec = c && typeof c === 'object' && !(c instanceof Node) && !Array.isArray(c) && 'cell' in c;
      tr.append(isSpec ? h('td', { class: c.class }, c.cell) : h('td', {}, c));
    }
    body.append(tr);
  }
  const t = h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    body);
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' }, t);
}

// A labelled control: field('Name', input) — the control must carry an id.
export function field(label, control, hint) {
  const check = control.type === 'checkbox';
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const lab = h('label', { for: control.id }, label);
  return h('div', { class: check ? 'field field-check' : 'field' }, check ? [control, lab] : [lab, control], hintEl);
}

// <select> from [[value, text], …] or ['value', …].
export function select(id, options, value) {
  const s = h('select', { id, name: id });
  for (const o of options) {
    const [v, t] = Array.isArray(o) ? o : [o, o];
    s.append(h('option', { value: v }, t));
  }
  if (value != null) s.value = String(value);
  return s;
}

// A button whose visible text is completed by a hidden part for screen readers
// ("Edit" + " account INBOX"), so a table of "Edit" buttons stays distinguishable.
export function button(text, attrs = {}, hiddenSuffix) {
  return h('button', { type: 'button', class: 'btn', ...attrs }, text,
    hiddenSuffix ? h('span', { class: 'visually-hidden' }, ` ${hiddenSuffix}`) : null);
}

export const link = (href, text, attrs = {}) => h('a', { href, ...attrs }, text);

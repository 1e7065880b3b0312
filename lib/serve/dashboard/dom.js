// Building DOM nodes without HTML strings: names and payloads are data, never markup.

/** An element: `h('div', { class: 'x', onclick }, 'text', child, ...)`. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element, as `h` does. */
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false || value === null) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** 12345 → "12,345"; 1234.5 → "1,235"; 0.5 → "0.5". */
export function num(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A count in at most five characters: 950, 9,500, 45.9k, 1.2M. */
export function compact(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)}k`;
  return num(value);
}

/** A duration in ms, short: "0.42 ms", "12 ms", "1.3 s". */
export function ms(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** "14:02:07" for a clock time in ms. */
export function clockTime(at) {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

/** A pill: `pill('open')` with the state as its class. */
export function pill(text, kind = text) {
  return h('span', { class: `pill ${kind}` }, text);
}

/** Shows a short message in the corner for a few seconds. */
export function toast(message, error = false) {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast${error ? ' error' : ''}`, role: error ? 'alert' : 'status' }, message);
  box.append(item);
  setTimeout(() => item.remove(), error ? 7000 : 3500);
}

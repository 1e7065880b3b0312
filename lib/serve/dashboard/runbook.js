// The runbook (docs/operations.md, shipped with the dashboard) as a page, so that every alert,
// health problem and breaker trip on the dashboard links to its entry (`/runbook#alert-…`).
// A small Markdown reader: headings with GitHub's anchors, paragraphs, lists, code, tables.
import { h } from './dom.js';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** Inline Markdown: `code`, **bold**, [links](url); everything else is text. */
function inline(text) {
  const parts = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index));
    if (match[1] !== undefined) parts.push(h('code', {}, match[1]));
    else if (match[2] !== undefined) parts.push(h('strong', {}, ...inline(match[2])));
    else parts.push(h('a', { href: match[4].startsWith('#') ? match[4] : match[4].replace(/^operations\.md/, '') }, match[3]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function render(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      out.push(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (/^#{1,6} /.test(line)) {
      const level = line.indexOf(' ');
      const text = line.slice(level + 1);
      out.push(h(`h${level}`, { id: slug(text) }, ...inline(text)));
      i++;
    } else if (line.startsWith('|')) {
      const rows = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) if (!/^\|[\s|:-]+\|$/.test(lines[i])) rows.push(lines[i]);
      const cells = (row) =>
        row
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim());
      out.push(
        h(
          'table',
          {},
          h(
            'tr',
            {},
            cells(rows[0]).map((c) => h('th', {}, ...inline(c))),
          ),
          rows.slice(1).map((row) =>
            h(
              'tr',
              {},
              cells(row).map((c) => h('td', {}, ...inline(c))),
            ),
          ),
        ),
      );
    } else if (/^\s*[-*] /.test(line)) {
      const items = [];
      for (; i < lines.length && /^\s*([-*] |\s{2,}\S)/.test(lines[i]); i++) {
        if (/^\s*[-*] /.test(lines[i])) items.push(lines[i].replace(/^\s*[-*] /, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      out.push(
        h(
          'ul',
          {},
          items.map((item) => h('li', {}, ...inline(item))),
        ),
      );
    } else if (line.trim() === '') {
      i++;
    } else {
      const text = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(#|```|\||\s*[-*] )/.test(lines[i]); i++) text.push(lines[i]);
      out.push(h('p', {}, ...inline(text.join(' '))));
    }
  }
  return out;
}

const box = document.getElementById('runbook');
try {
  const response = await fetch('/dashboard/operations.md');
  if (!response.ok) throw new Error(`${response.status}`);
  box.replaceChildren(...render(await response.text()));
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  target?.scrollIntoView();
} catch (error) {
  box.textContent = `The runbook is not available (${error.message}).`;
}

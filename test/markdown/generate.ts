/**
 * Seeded generator of Markdown documents that stress the block scanner: tables with tricky cells
 * next to code fences, lists, quotes, HTML blocks, headings of both kinds, CRLF and odd padding.
 */
import { rng } from '../helpers.js';

const CELLS = [
  '[ ]',
  '[DONE]',
  '[BLOCKED]',
  '[IN PROGRESS: Dev 2]',
  '**5-1**',
  '`T-1`',
  '5-1 ✅, 5-2 ✅',
  '5-1 [DONE]',
  'None',
  '—',
  'plain words',
  'a `|` b',
  'x \\| y',
  '**bold** tail',
  'head **bold**',
  '*em*',
  '_em_',
  'snake_case_id',
  '~~gone~~',
  '[link](http://x.y)',
  '<br>',
  'a<br>b',
  '<http://a.b>',
  '&amp; ok',
  'Q&A',
  '`code`',
  '`` a`b ``',
  '` spaced `',
  '**DONE (DEV-1)** — `spikes/x`',
  'CLAIMED [date]',
  '✅ 完了',
  '🔲 未着手',
  '',
  ' ',
  '**',
  '***x***',
  '*a*b',
  'a*b*',
  '**a**b',
  '(**x**)',
  'www.example.com/a_b',
  'mail@x.org',
  '[x]',
  '[^1]',
  '\\*not\\*',
  '`unclosed',
  '![img](a.png)',
  'é **ü** ñ',
  'tab\there',
];
const LINES = [
  'Just a paragraph line.',
  '**Goal**: ship it',
  '---',
  '***',
  '- item',
  '* item',
  '1. first',
  '2) second',
  '> quote',
  '> | not | table |',
  '<!-- queue:ready -->',
  '<!--',
  '-->',
  '<details>',
  '</details>',
  '<div>',
  '</div>',
  '<img src="x">',
  '    indented code | x |',
  '```',
  '```js',
  '~~~',
  '````',
  '# Heading',
  '## Tier 2 ✅ COMPLETE',
  '### **Bold** heading ###',
  '#NoSpace',
  'Setext',
  '===',
  '- [ ] task',
  '  - nested',
  '   continuation',
  '| lone | row |',
  'a | b',
  '|---|---|',
  '| --- |',
  '<<<<<<< HEAD',
  '=======',
  '>>>>>>> branch',
  '\t- tabbed',
  '[done]: http://x',
  '10. tenth',
  '-',
  '+ plus item',
  '- ```',
  '  ```',
  '',
];

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function table(r: () => number): string[] {
  const cols = 1 + Math.floor(r() * 5);
  const pad = r() < 0.5;
  const outer = r() < 0.85;
  const row = (cells: string[]) => {
    const body = cells.map((c) => (pad ? ` ${c} ` : c)).join('|');
    return outer ? `|${body}|${r() < 0.1 ? '  ' : ''}` : body;
  };
  const head = Array.from({ length: cols }, (_, i) => pick(r, ['Status', 'Story', 'Description', 'Depends On', `H${i}`, '#', 'ID']));
  const lines = [(r() < 0.1 ? '  ' : '') + row(head), row(head.map(() => pick(r, ['---', ':--', '--:', ':-:', '-'])))];
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const width = r() < 0.15 ? cols + (r() < 0.5 ? -1 : 1) : cols;
    lines.push(row(Array.from({ length: Math.max(1, width) }, () => pick(r, CELLS))));
  }
  return lines;
}

/** A document for `seed`; the same seed gives the same bytes. */
export function generateDocument(seed: number): string {
  const r = rng(seed);
  const out: string[] = [];
  const blocks = 3 + Math.floor(r() * 12);
  for (let b = 0; b < blocks; b++) {
    const k = r();
    if (k < 0.4) out.push(...table(r));
    else {
      const m = 1 + Math.floor(r() * 4);
      for (let i = 0; i < m; i++) out.push(pick(r, LINES));
    }
    if (r() < 0.7) out.push('');
  }
  const eol = r() < 0.15 ? '\r\n' : '\n';
  return out.join(eol) + (r() < 0.8 ? eol : '');
}

const TASK_LINES = [
  '- [ ] T-1 task',
  '- [x] **T-2** done task',
  '  - [ ] nested task',
  '- [X] `code` first',
  '1. [ ] ordered task',
  '- [ ]  two spaces',
  '- [ ]',
  '- [ ] trailing spaces  ',
  '    - [ ] deep',
  '- [ ] *em* start',
  '- [ ] mail@x.org',
  '- [ ] www.x.org/a',
  '  continuation of a task',
  '- [x] tagged [IN PROGRESS: Dev 2]',
  '> - [ ] quoted task',
  '* [ ] star task',
  '- [ ] a <br> b',
  '- [ ] `a` then text',
  '- [ ]\ttab',
  '- [ ] **T-9** — tail (depends on: T-1)',
  '  1. [x] nested ordered',
  '- plain item',
  '  - plain nested',
  '   lazy-ish line',
  '  ```',
  '      indented code',
  '- [ ] `` a`b `` x',
  '- [ ] `unclosed',
  '- [ ] <b>html</b> first',
  '- [ ] _under_ score',
  '- [ ] **bold**',
  '---',
  '# Heading',
  '## Tasks',
  '',
  '',
  '2. [ ] two',
  '- [ ] pipe | inside',
  '+ [x] plus',
  '- [ ] ~~struck~~ x',
  '- [ ] T-3 Parser (depends on: T-1, T-2)',
  '  - [x] sub **done**',
  '    - [ ] sub sub',
  'Paragraph text.',
];

/**
 * A task-list document for `seed`, from lines common in task-list queues and their edge cases
 * (nesting, continuation, code or emphasis first, spacing, quotes). A stream of its own, so the
 * seeds of {@link generateDocument} keep generating what they always did.
 */
export function generateTaskDocument(seed: number): string {
  const r = rng(seed);
  const out: string[] = [];
  const n = 3 + Math.floor(r() * 20);
  for (let i = 0; i < n; i++) out.push(pick(r, TASK_LINES));
  const eol = r() < 0.15 ? '\r\n' : '\n';
  return out.join(eol) + (r() < 0.8 ? eol : '');
}

// A lower bound for any reader written in JavaScript, not a reader: the cheapest pass over a queue
// file that still makes one object per story. It reads the file, splits each line that starts
// with `|` at its pipes (no escapes, code spans, inline Markdown, statuses or diagnostics), and
// keeps each row's cells with a map by its second cell. bench/first-read.mjs runs it as a whole
// process beside `queue ready`, so that the targets can be read against what no reader can beat.
//   node bench/minimal-read.mjs FILE   (prints the number of rows)
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8');
const rows = [];
for (let pos = 0; pos < text.length; ) {
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = text.length;
  if (text.charCodeAt(pos) === 124) {
    const cells = text.slice(pos + 1, eol).split('|');
    rows.push({ cells, start: pos, end: eol, deps: (cells[3] ?? '').split(',') });
  }
  pos = eol + 1;
}
const byKey = new Map();
for (const r of rows) byKey.set(r.cells[1], r);
console.log(rows.length, byKey.size);

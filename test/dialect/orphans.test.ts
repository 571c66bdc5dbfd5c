import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';

const read = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);

describe('rows of no table', () => {
  it('are each run reported where a note, a blank line or a place before the header cuts them from their table; a code block’s are not', async () => {
    const q = await read(
      [
        '# Queue',
        '',
        '| H0 | Before the header | OPEN |',
        '| id | item | status |',
        '|---|---|---|',
        '| H1 | Stop hook | DONE |',
        '',
        '*The rows below were merged from another section.*',
        '',
        '| H2 | Liveness alarm | OPEN |',
        '| H3 | Callsign lock \\| escaped | OPEN |',
        '',
        '```',
        '| X1 | an example | OPEN |',
        '```',
        '',
        'A | B is prose, and so is | this.',
        '|lone',
        '',
      ].join('\n'),
    );
    expect(q.stories.map((s) => s.id)).toEqual(['H1']);
    expect(q.diagnostics.filter((d) => d.code === 'orphan_rows').map((d) => [d.line, d.message.slice(0, 44)])).toEqual([
      [3, 'line 3 is written as a table row of no table'],
      [10, 'lines 10-11 are written as table rows of no '],
    ]);
  });

  it('say nothing in a document without tables', async () => {
    const q = await read('# Notes\n\n| a | b |\n| c | d |\n\n- [ ] T-1 task\n');
    expect(q.diagnostics.filter((d) => d.code === 'orphan_rows')).toEqual([]);
  });
});

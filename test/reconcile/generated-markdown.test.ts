/**
 * Generated Markdown through mdast: a title with `|`, backticks, emphasis, inline HTML and a link
 * keeps its markup in the ready and plan blocks and on the status board (the serializer escapes
 * the `|`); the blocks are idempotent and read back as no story. The GitHub rendering of the same
 * blocks is checked with cmark-gfm in test/render/github.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { renderDecision } from '../../src/reconcile/reconcile.js';
import { updateBoard } from '../../src/reconcile/board.js';
import { inline, markdownLines, table } from '../../src/markdown/generate.js';
import { handoffFile } from '../../src/edit/handoff.js';
import { readHandoff } from '../../src/workspace/handoff.js';
import { MARKED_QUEUE, renderedMarkedQueue } from './marked.js';

/** The marked-up title as the serializer writes it in a table cell. */
const IN_CELL = 'Split `a \\| b` with _emphasis_, <kbd>Ctrl</kbd> and [a link](https://example.com)';

describe('generated Markdown through mdast', () => {
  it('a title keeps its code span, emphasis, HTML and link in the ready and plan blocks; `|` is escaped; render twice changes nothing; no phantom story', async () => {
    const out = await renderedMarkedQueue();
    const ready = /<!-- queue:ready -->\n([\s\S]*?)<!-- \/queue:ready -->/.exec(out)![1];
    expect(ready).toBe(`\n| Story | Description | Depends On |\n|-------|-------------|------------|\n| **A** | ${IN_CELL} | None |\n\n`);
    const plan = /<!-- queue:plan agents=1 -->\n([\s\S]*?)<!-- \/queue:plan -->/.exec(out)![1];
    expect(plan).toContain(`| **A** | ${IN_CELL} | `);
    expect(plan).toContain('| **B** | 2\\*3 is `six` | ');
    expect(plan).toContain('| **C** | Claimed `c\\|d` (claimed) | ');
    const again = await readQueue([{ file: 'WORK_QUEUE.md', text: out }]);
    expect(renderDecision(again, 'queue').unchanged).toBe(true);
    const before = await readQueue([{ file: 'WORK_QUEUE.md', text: MARKED_QUEUE }]);
    expect(again.stories.map((s) => [s.id, s.title, s.status.raw])).toEqual(before.stories.map((s) => [s.id, s.title, s.status.raw]));
  });

  it('the board names the task with the title as written', async () => {
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text: MARKED_QUEUE.replace('| [ ] | **A** |', '| [IN PROGRESS: Dev 1] | **A** |') }]);
    const board = updateBoard(null, queue, new Date('2026-11-21T14:05:00Z'))!.content;
    // Outside a table a `|` needs no escape, in a code span or out.
    expect(board).toContain(
      '## Dev 1 Status\n**Last Updated**: 2026-11-21 14:05\n**Current Task**: A — Split `a | b` with _emphasis_, <kbd>Ctrl</kbd> and [a link](https://example.com)\n',
    );
    expect(board).toContain('**Current Task**: C — Claimed `c|d`\n');
    expect(updateBoard(board, queue, new Date('2026-11-22T00:00:00Z'))).toBeNull();
  });

  it("a handoff's body: the title and names as text, next steps and blockers as the Markdown people wrote, the notes byte for byte; the front matter unchanged", async () => {
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text: MARKED_QUEUE }]);
    const f = handoffFile('deployment', {
      from: 'Dev 1',
      to: 'Dev 2',
      story: queue.graph.byId.get('B')!,
      notes: 'Mind *the cache*:\n\n- one\n- two',
      next: ['run `make test`'],
      blockers: ['keys for <staging>'],
      now: '2026-11-21T14:05:00.000Z',
      satisfied: (d) => queue.graph.satisfied(d),
    });
    const body = f.content.slice(f.content.indexOf('\n---\n') + 5);
    // The heading has the title's plain text (a handoff request carries the story, not its row):
    // the `*` escaped, the code span's backticks gone.
    expect(body).toBe(
      [
        '',
        '# Handoff: B — 2\\*3 is six',
        '',
        'From **Dev 1** to **Dev 2**, 2026-11-21T14:05:00.000Z.',
        '',
        '## Next steps',
        '',
        '- run `make test`',
        '',
        '## Blockers',
        '',
        '- keys for <staging>',
        '',
        '## Notes',
        '',
        'Mind *the cache*:',
        '',
        '- one',
        '- two',
        '',
      ].join('\n'),
    );
    expect(readHandoff(f.content, f.path).handoff).toMatchObject({
      fromAgent: 'Dev 1',
      toAgent: 'Dev 2',
      nextSteps: ['run `make test`'],
      notes: 'Mind *the cache*:\n\n- one\n- two',
    });
  });

  it('the serializer escapes what would read as markup in a cell, and keeps the table format', () => {
    expect(inline('a *b* `c`').map((n) => n.type)).toEqual(['text', 'emphasis', 'text', 'inlineCode']);
    expect(inline('# not a heading')).toEqual([{ type: 'text', value: '# not a heading' }]);
    expect(
      markdownLines([
        table(
          ['Id', 'Text'],
          [
            ['x|y', '*'],
            ['1', inline('`p|q`')],
          ],
        ),
      ]),
    ).toEqual(['| Id | Text |', '|----|------|', '| x\\|y | \\* |', '| 1 | `p\\|q` |']);
  });
});

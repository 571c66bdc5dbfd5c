import { describe, expect, it } from 'vitest';
import { parseDeps, parseDepsReference } from '../../src/dialect/deps.js';
import { remarkBlocks } from '../../src/markdown/remark.js';
import { corpusFiles, fixtureFiles, read, withoutCorpus } from '../helpers.js';

const refs = (s: string) => parseDeps(s).deps.map((d) => `${d.ref}${d.markedDone ? '✓' : ''}`);

describe('dependency grammar', () => {
  it.each([
    ['None', []],
    ['Không', []],
    ['Nenhuma', []],
    ['Нет', []],
    ['_None_', []],
    ['**None**', []],
    ['_None_.', []],
    ['*_None_*', []],
    ['_None._', []],
    ['None (see notes)', []],
    ['_None_ (see notes)', []],
    // What the parentheses after "none" say is a note, as after a dependency (`5-1 (partial)`).
    ['None (since 2024)', []],
    ['— (phase 2)', []],
    ['Нет зависимостей', []],
    ['暂无', []],
    ['Keine Abhängigkeiten', []],
    ['No dependencies', []],
    ['—', []],
    ['-', []],
    ['', []],
    ['5-1', ['5-1']],
    ['5-1 [DONE]', ['5-1✓']],
    ['5-1 ✅', ['5-1✓']],
    ['5-1 ✅, 5-2 ✅', ['5-1✓', '5-2✓']],
    ['Epic 2 ✅', ['Epic 2✓']],
    ['D1,D2', ['D1', 'D2']],
    ['D-003,D-005,D-009', ['D-003', 'D-005', 'D-009']],
    ['STAB-1, STAB-2, STAB-3', ['STAB-1', 'STAB-2', 'STAB-3']],
    ['A1 A5', ['A1', 'A5']],
    ['MODEL-01, REPLAY-01', ['MODEL-01', 'REPLAY-01']],
    ['GOV-001..GOV-005', ['GOV-001', 'GOV-002', 'GOV-003', 'GOV-004', 'GOV-005']],
    ['T-8..10', ['T-8', 'T-9', 'T-10']],
    ['GOV-001 `DONE`; AUTONOMY.md; WORKFLOW.md', ['GOV-001✓']],
    ['Story 5-1', ['5-1']],
    ['5-1 (partial)', ['5-1']],
    // A note inside the placeholder's emphasis, an HTML comment (GitHub shows neither as a
    // reference), and a note on the lines after a placeholder.
    ['_None (see notes)_', []],
    ['**None (since 2024)**', []],
    ['S-1 <!-- c -->', ['S-1']],
    ['<!-- none yet --> S-1, S-2', ['S-1', 'S-2']],
    ['None <!-- until S-3 lands -->', []],
    ['None (x)<br>y', []],
    ['None<br/>see the plan', []],
    ['S-1<br>S-2', ['S-1', 'S-2']],
    // GitHub shows the text between HTML tags, and a bracketed id is an id; a bracketed status is not.
    ['<b>S-1</b>', ['S-1']],
    ['<code>S-1</code>, <span class="x">S-2</span> ✅', ['S-1', 'S-2✓']],
    ['[S-1], [S-2][]', ['S-1', 'S-2']],
    ['[S-1] ✅', ['S-1✓']],
    ['S-1 [BLOCKED]', ['S-1']],
    ['[x] S-1', ['S-1✓']],
    // `<S-1>` is no element GitHub shows: read as written, and so reported as no story.
    ['<S-1>', ['<S-1>']],
    // A reference in parentheses alone; ids on either side of a slash (a path is a document).
    ['(S-1)', ['S-1']],
    ['S-1/S-5', ['S-1', 'S-5']],
    ['S-1 / S-5 ✅', ['S-1✓', 'S-5✓']],
    ['docs/plan', []],
    // "and" between references splits them; inside an id it is part of it.
    ['S-1 and S-2', ['S-1', 'S-2']],
    ['SS-badges-and-links', ['SS-badges-and-links']],
    ['SS-badges-and-links, A-AND-B ✅, x.and.y', ['SS-badges-and-links', 'A-AND-B✓', 'x.and.y']],
  ])('%j', (text, expected) => {
    expect(refs(text)).toEqual(expected);
  });

  it('keeps file references apart from dependencies', () => {
    expect(parseDeps('GOV-002 `DONE`; EXECUTION.md').documents).toEqual(['EXECUTION.md']);
  });
});

/** The fast dependency grammar gives the general one's answer for every table cell of `files`; how many cells. */
function sameDeps(files: string[]): number {
  let cells = 0;
  for (const file of files) {
    for (const table of remarkBlocks(read(file)).tables) {
      for (const row of [table.header, ...table.rows]) {
        for (const cell of row.cells) {
          cells++;
          expect(parseDeps(cell.text), `${file}: ${cell.text}`).toEqual(parseDepsReference(cell.text));
        }
      }
    }
  }
  return cells;
}

describe('fast path', () => {
  it("gives the general grammar's answer for every table cell of the fixtures", () => {
    expect(sameDeps(fixtureFiles())).toBeGreaterThan(200);
  });

  it.skipIf(withoutCorpus('the fast dependency grammar over every table cell of ../shared/corpus'))("gives the general grammar's answer for every table cell in the corpus", () => {
    expect(sameDeps(corpusFiles())).toBeGreaterThan(10_000);
  });

  it.each(['done', 'Done ✅', 'README.md', 'a.md ✅', '5-1.', 'GOV-1..GOV-3', 'task 5', 'none', 'x ✅', '1.2', '5-1✅', 'S_1 ✅ ✅'])('agrees on %j', (text) =>
    expect(parseDeps(text)).toEqual(parseDepsReference(text)),
  );
});

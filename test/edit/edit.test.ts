import { describe, expect, it } from 'vitest';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, type Operation } from '../../src/edit/decide.js';
import { applyEdits, keepPadding, widthFor, type Edit } from '../../src/edit/splice.js';
import { statusStyle } from '../../src/edit/style.js';
import { decideAdd, decideDep } from '../../src/edit/structure.js';
import type { Decision } from '../../src/edit/decide.js';
import { corpusFiles, fixtureFiles, withoutCorpus } from '../helpers.js';
import { statusChanges } from './status-changes.js';
import { QueueError } from '../../src/domain/errors.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);
const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';

async function run(text: string, op: Operation | ((queue: Queue) => Decision)): Promise<string> {
  const queue = await q(text);
  return (await applyDecision(queue, typeof op === 'function' ? op(queue) : decide(queue, op))).content;
}

async function refusal(text: string, op: Operation | ((queue: Queue) => Decision)): Promise<QueueError> {
  try {
    await run(text, op);
  } catch (e) {
    if (e instanceof QueueError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('splice', () => {
  it('replaces ranges in any order and refuses overlaps', () => {
    expect(
      applyEdits('abcdef', [
        { start: 4, end: 5, text: 'E' },
        { start: 0, end: 1, text: 'AA' },
      ]),
    ).toBe('AAbcdEf');
    expect(() =>
      applyEdits('abc', [
        { start: 0, end: 2, text: '' },
        { start: 1, end: 3, text: '' },
      ]),
    ).toThrow(/overlapping/);
  });

  const pad = async (src: string, edits: Edit[]) => applyEdits(src, keepPadding(src, edits, await widthFor(src, edits)));

  it('keeps an aligned row aligned and leaves an unaligned one unpadded', async () => {
    const aligned = '| [ ]                  | A |';
    expect(await pad(aligned, [{ start: 2, end: 5, text: '[IN PROGRESS: Dev 2]' }])).toBe('| [IN PROGRESS: Dev 2] | A |');
    const back = '| [IN PROGRESS: Dev 2] | A |';
    expect(await pad(back, [{ start: 2, end: 22, text: '[DONE]' }])).toBe('| [DONE] | A |');
    const padded = '| [IN PROGRESS: Dev 2]   | A |';
    expect(await pad(padded, [{ start: 2, end: 22, text: '[DONE]' }])).toBe('| [DONE]                 | A |');
    // A cell an earlier write overflowed goes back to the column where the table closes it, when the
    // table is aligned: [table, the cell's text, what replaces it, what is written for it].
    const cases: Array<[string, string, string, string]> = [
      ['| Status      | Story |\n|-------------|-------|\n| In progress (Dev 1) | A     |\n| Done        | B     |\n', 'In progress (Dev 1)', 'Todo', 'Todo       '],
      // Wide characters in the rows around it: measured in columns.
      [
        '| ID  | Title      | Status   | Deps |\n| --- | ---------- | -------- | ---- |\n| A-1 | 日本語の題 | In progress (Dev 1) | —    |\n| A-2 | beta       | Todo     | A-1  |\n',
        'In progress (Dev 1)',
        'Todo',
        'Todo    ',
      ],
      // Rows that agree by chance in a table whose header does not: no padding.
      ['| Status | Story |\n|--------|-------|\n| [BLOCKED] | **C** |\n| [BLOCKED] | **D** |\n| [BLOCKED] | **E** |\n', '[BLOCKED]', '[ ]', '[ ]'],
      // A first column as wide as its header by chance, the other columns not aligned: no padding.
      [
        '| Status | Story | Description | Depends On |\n|--------|-------|-------------|------------|\n| [DONE] | **D** | d | None |\n| [DONE] | **A** | a | D ✅ |\n| [BLOCKED] | **B** | b | A ✅ |\n',
        '[BLOCKED]',
        '[ ]',
        '[ ]',
      ],
      // A row near it that a mark made overflow in a later cell still says where this cell closes.
      [
        '| Status | Story   | Deps        |\n| ------ | ------- | ----------- |\n| [DONE] | **S-0** | None        |\n| [done] | **S-1** | S-0 ✅      |\n| [ ]    | **S-2** | S-1 ✅, S-0 ✅ |\n| [ ]    | **S-3** | S-0 ✅      |\n',
        '[done]',
        '[ ]',
        '[ ]   ',
      ],
      // Rows around it that disagree: no padding.
      ['| Status | Story |\n|---|---|\n| In progress (Dev 1) | A |\n| Done        | B |\n', 'In progress (Dev 1)', 'Todo', 'Todo'],
    ];
    for (const [table, cell, text, written] of cases) {
      const at = table.indexOf(cell);
      expect(await pad(table, [{ start: at, end: at + cell.length, text }]), table).toBe(`${table.slice(0, at)}${written}${table.slice(at + cell.length)}`);
    }
  });

  it('measures emoji and CJK as two columns when it re-pads', async () => {
    // The cell is 20 columns: '⏳ Todo' (6 UTF-16 units, 7 columns) and 13 spaces. '🔄 In Progress (A)'
    // is 18 units and 18 columns, so 2 spaces remain; counting units would leave 1 and shift the pipe.
    const padded = '| ⏳ Todo             | A |';
    expect(await pad(padded, [{ start: 2, end: 8, text: '🔄 In Progress (A)' }])).toBe('| 🔄 In Progress (A)  | A |');
    const wide = '| 完了     | A |';
    // '完了' is two characters and four columns; '[ ]' is three: one space more keeps the pipe.
    expect(await pad(wide, [{ start: 2, end: 4, text: '[ ]' }])).toBe('| [ ]      | A |');
    expect((await widthFor('abc', [{ start: 0, end: 1, text: 'x' }]))('完了')).toBe(2);
  });

  it('takes a mark beside a reference from the padding before its cell’s |, only so that removing it gives the bytes back', async () => {
    const head = '| Status | Story | Depends On   |\n|--------|-------|--------------|\n';
    const table = (cell: string) => `${head}| [ ]    | A     | ${cell}|\n`;
    const src = table('S-1, S-3     ');
    const at = (text: string, ref: string) => text.lastIndexOf(ref) + ref.length;
    const mark = (text: string, ref: string, m = ' ✅') => ({ start: at(text, ref), end: at(text, ref), text: m });
    const unmark = (text: string, ref: string, m = ' ✅') => ({ start: at(text, ref), end: at(text, ref) + m.length, text: '' });
    // ' ✅' is three columns: one fits in the five spaces (one is kept), and comes back when it goes.
    const one = table('S-1 ✅, S-3  ');
    expect(await pad(src, [mark(src, 'S-1')])).toBe(one);
    expect(await pad(src, [mark(src, 'S-3')])).toBe(table('S-1, S-3 ✅  '));
    expect(await pad(one, [unmark(one, 'S-1')])).toBe(src);
    // Two do not fit whole: the cell overflows by both, the padding kept, and each removed gives its
    // columns back only up to where the header closes the cell.
    const two = table('S-1 ✅, S-3 ✅     ');
    expect(await pad(src, [mark(src, 'S-1'), mark(src, 'S-3')])).toBe(two);
    const less = await pad(two, [unmark(two, 'S-1')]);
    expect(less).toBe(table('S-1, S-3 ✅     '));
    expect(await pad(less, [unmark(less, 'S-3')])).toBe(src);
    expect(await pad(src, [mark(src, 'S-1', ' [DONE]')])).toBe(table('S-1 [DONE], S-3     '));
    // A mark added and another removed in one cell: the same width, the same padding.
    const mixed = table('S-1, S-3 ✅  ');
    expect(await pad(mixed, [mark(mixed, 'S-1'), unmark(mixed, 'S-3')])).toBe(one);
    // Not in a table whose head does not close the cell at one column, nor in an unpadded cell, nor
    // for a line inserted before a row; an escaped backslash before a | leaves it the cell's end.
    const unaligned = '| Status | Story | Depends On |\n|---|---|---|\n| [ ] | A | S-1, S-3     |\n';
    expect(await pad(unaligned, [mark(unaligned, 'S-1')])).toBe(unaligned.replace('S-1,', 'S-1 ✅,'));
    const tight = table('S-1, S-3 ');
    expect(await pad(tight, [mark(tight, 'S-1')])).toBe(table('S-1 ✅, S-3 '));
    expect(await pad(`x\n${src}`, [{ start: 2, end: 2, text: '| new |  |\n' }])).toBe(`x\n| new |  |\n${src}`);
    const slashed = '| Deps         | Notes |\n|--------------|-------|\n| S-1 \\\\| z    | b     |\n';
    expect(await pad(slashed, [mark(slashed, 'S-1')])).toBe(slashed.replace('S-1 ', 'S-1 ✅ '));
  });

  it('lays out rows appended to an aligned table in its columns, and leaves other tables as written', async () => {
    const append = async (table: string, ...rows: string[]) => {
      const end = table.trimEnd().length;
      const eol = table.includes('\r\n') ? '\r\n' : '\n';
      return (await pad(table, [{ start: end, end, text: rows.map((r) => eol + r).join('') }]))
        .slice(end)
        .split(/\r?\n/)
        .slice(1, rows.length + 1);
    };
    const aligned = '| Status    | Story | Description      | Deps |\n| --------- | ----- | ---------------- | ---- |\n| [DONE]    | S-1   | Set up           | None |\n';
    expect(await append(aligned, '| [ ] | S-2 | Parse it | S-1 |')).toEqual(['| [ ]       | S-2   | Parse it         | S-1  |']);
    // Too wide for its column: one space each side, and the cells after it go back where they can.
    expect(await append(aligned, '| [ ] | S-2 | A title much wider than the column | S-1 |')).toEqual(['| [ ]       | S-2   | A title much wider than the column | S-1 |']);
    const roomy =
      '| Status | Story | Description | Notes                |\n| ------ | ----- | ----------- | -------------------- |\n| [DONE] | S-1   | First       | None                 |\n';
    expect(await append(roomy, '| [ ] | S-12345 | d | n |')).toEqual(['| [ ]    | S-12345 | d         | n                    |']);
    // Right-aligned and centred columns, as the delimiter row says (the odd space after the text).
    const sides = '| Status | Points | Story |\n| :----- | -----: | :---: |\n| [DONE] |      3 |  A-1  |\n';
    expect(await append(sides, '| [ ] | 13 | B-2 |')).toEqual(['| [ ]    |     13 |  B-2  |']);
    expect(await append(sides, '| [ ] | 1 | B-22 |')).toEqual(['| [ ]    |      1 | B-22  |']);
    // Wide characters, measured in columns; an empty cell padded; two rows in one edit, CRLF kept.
    const wide = '| 状态    | Story | File |\r\n| ------- | ----- | ---- |\r\n| ✅ 完成 | A-1   | a.md |\r\n';
    expect(await append(wide, '| ⬜ 待办 | A-2 |  |', '| [ ] | A-3 | c.md |')).toEqual(['| ⬜ 待办 | A-2   |      |', '| [ ]     | A-3   | c.md |']);
    // Not aligned: rows unpadded under a header and delimiter that agree (rgrid's form), a table with
    // no rows yet (its head says nothing of its rows), rows that disagree, no leading pipe, a row
    // with another count of cells.
    expect(await append('| Status | Story |\n|--------|-------|\n', '| [ ] | A |')).toEqual(['| [ ] | A |']);
    const rgrid = '| Status | Story | Description |\n|--------|-------|-------------|\n| [DONE] | **S-0** | First story |\n';
    expect(await append(rgrid, '| [ ] | **S-1** | d |')).toEqual(['| [ ] | **S-1** | d |']);
    const ragged = '| Status | Story |\n| ------ | ----- |\n| [DONE] | A-1 |\n| [DONE]   | A-2   |\n';
    expect(await append(ragged, '| [ ] | A-3 |')).toEqual(['| [ ] | A-3 |']);
    const bare = 'Status | Story\n------ | -----\n[DONE] | A-1\n';
    expect(await append(bare, '| [ ] | A-2 |')).toEqual(['| [ ] | A-2 |']);
    expect(await append(aligned, '| [ ] | S-2 | Parse it |')).toEqual(['| [ ] | S-2 | Parse it |']);
  });

  it('add without an id gives the next of its table’s ids: prefix and zeros kept, past every id taken', async () => {
    const added = async (md: string, req: Partial<Parameters<typeof decideAdd>[1]> = {}) => {
      const queue = await q(md);
      const d = decideAdd(queue, { title: 'new', deps: [], agent: 'X', ...req });
      const after = await q(await run(md, () => d));
      expect(after.graph.byId.get(d.id)?.title).toBe('new');
      return d.id;
    };
    const table = (...ids: string[]) => `${head}${ids.map((id) => `| [ ] | **${id}** | t | None |`).join('\n')}\n`;
    expect(await added(table('S-1', 'S-2', 'S-9'))).toBe('S-10');
    // The last row's prefix, past the highest number written after it anywhere in the queue.
    expect(await added(`${table('OPS-1', 'OPS-12')}\n## More\n\n${table('OPS-3', 'DOC-1')}`)).toBe('DOC-2');
    expect(await added(`${table('OPS-1', 'OPS-12')}\n## More\n\n${table('OPS-3')}`, { section: 'More' })).toBe('OPS-13');
    expect(await added(table('T-007', 'T-008'))).toBe('T-009');
    expect(await added(table('1-1', '1-2'))).toBe('1-3');
    // An id the next one would read as (the same in another case) is taken: skipped.
    expect(await added(`## One\n\n${table('S-1', 'S-2')}\n## Two\n\n${table('s-3')}`, { section: 'One' })).toBe('S-4');
    // A task list the same way; an id asked for is kept.
    expect(await added('- [ ] T-1 one\n- [ ] T-2 two\n')).toBe('T-3');
    expect(await added(table('S-1'), { id: 'X-9' })).toBe('X-9');
    // No numbered id to continue: refused, saying how.
    const none = await q(table('alpha', 'beta'));
    expect(() => decideAdd(none, { title: 'new', deps: [], agent: 'X' })).toThrow(/no story of the queue has a numbered id.*pass --id/);
  });

  it('writes the row `queue add` appends, and the Completed log row `queue done` appends, in an aligned table’s columns', async () => {
    const md = [
      '## Completed',
      '',
      '| Story         | Description | Agent | Wave |',
      '| ------------- | ----------- | ----- | ---- |',
      '| [DONE] **A**  | First       | Dev 1 | 1    |',
      '',
      '## Tier 1',
      '',
      '| Status               | Story | Description | Depends On |',
      '| -------------------- | ----- | ----------- | ---------- |',
      '| [DONE]               | **A** | First       | None       |',
      '| [IN PROGRESS: Dev 2] | **B** | Second      | A ✅       |',
      '',
    ].join('\n');
    const added = await run(md, (queue) => decideAdd(queue, { id: 'C', title: 'Third', deps: ['B'], agent: 'X' }));
    expect(added).toBe(md.replace('| A ✅       |\n', '| A ✅       |\n| [BLOCKED]            | **C** | Third       | B          |\n'));
    const done = await run(md, { op: 'done', id: 'B', agent: 'Dev 2' });
    expect(done).toContain('| [DONE] **A**  | First       | Dev 1 | 1    |\n| [DONE] **B**  | Second      | Dev 2 | 2    |\n');
    expect(done).toContain('| [DONE]               | **B** | Second      | A ✅       |');
  });

  it('measures columns only where a padded cell is re-padded: an insertion or an unpadded cell keeps its edit as it is', async () => {
    const row = '| [ ] | A | B-1 |';
    const mark = { start: 15, end: 15, text: ' ✅' };
    // The length, not string-width (which gives 3 for ' ✅'): keepPadding leaves these edits alone.
    expect((await widthFor(row, [mark]))(' ✅')).toBe(2);
    expect((await widthFor(row, [{ start: 2, end: 5, text: '✅ Done' }]))('✅')).toBe(1);
    expect(await pad(row, [mark])).toBe('| [ ] | A | B-1 ✅ |');
    expect(await pad(row, [{ start: 2, end: 5, text: '✅ Done' }])).toBe('| ✅ Done | A | B-1 |');
    // A padded cell is measured in columns.
    const aligned = '| [ ]       | A |';
    expect((await widthFor(aligned, [{ start: 2, end: 5, text: '✅ Done' }]))('✅')).toBe(2);
    expect(await pad(aligned, [{ start: 2, end: 5, text: '✅ Done' }])).toBe('| ✅ Done   | A |');
  });
});

describe('status style', () => {
  it.each([
    [['[DONE]', '[ ]', '[IN PROGRESS: Dev 1]', '[BLOCKED]'], { category: 'in_progress', claimant: 'Dev 2' }, '[IN PROGRESS: Dev 2]'],
    [['[DONE]', '[ ]', '[CLAIMING: Dev 1]'], { category: 'in_progress', claimant: 'Dev 2' }, '[CLAIMING: Dev 2]'],
    [['[DONE]', '[ ]', '[CLAIMING: Dev 1]', '[IN PROGRESS: Dev 3]'], { category: 'in_progress', claimant: 'Dev 2' }, '[IN PROGRESS: Dev 2]'],
    [['[DONE]', '[ ]'], { category: 'in_progress', claimant: 'A' }, '[IN PROGRESS: A]'],
    [['[DONE]', '[ ]'], { category: 'blocked', reason: 'keys' }, '[BLOCKED: keys]'],
    [['Done', 'Todo', 'In Progress'], { category: 'done' }, 'Done'],
    [['Done', 'Todo'], { category: 'in_progress', claimant: 'A' }, 'In Progress (A)'],
    [['done', 'in_progress', 'todo'], { category: 'review', claimant: 'A' }, 'review (A)'],
    // The claimant's capitals are not the file's case.
    [['done', 'ready', 'in progress (Dev A)'], { category: 'review', claimant: 'A' }, 'review (A)'],
    [['✅ Done', '⏳ Todo'], { category: 'in_progress', claimant: 'A' }, '🔄 In Progress (A)'],
    [['**DONE**', '**TODO**'], { category: 'done' }, '**DONE**'],
    // The file's own word for a claim, written with no one beside it: the word, the claimant after it.
    [['CLAIMED', 'CLAIMED', 'READY', 'DONE'], { category: 'in_progress', claimant: 'Dev 1' }, 'CLAIMED (Dev 1)'],
    [['**WIP**', '**Done**'], { category: 'in_progress', claimant: 'A' }, '**WIP (A)**'],
    [[], { category: 'in_progress', claimant: 'Dev 2' }, '[IN PROGRESS: Dev 2]'],
  ] as const)('%j + %j → %s', (cells, wish, expected) => {
    expect(statusStyle(cells).write(wish)).toBe(expected);
  });
});

describe('decide', () => {
  const md =
    head +
    [
      '| [DONE] | **A** | a | None |',
      '| [ ] | **B** | b | A ✅ |',
      '| [BLOCKED] | **C** | c | B |',
      '| [IN PROGRESS: Dev 1] | **D** | d | A |',
      '| [BLOCKED: legal] | **E** | e | None |',
    ].join('\n') +
    '\n';

  it("claims a ready story in the file's dialect, a one-line change", async () => {
    const out = await run(md, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toBe(md.replace('| [ ] | **B**', '| [IN PROGRESS: Dev 2] | **B**'));
  });

  it('a note written after the status in its cell is kept: only the status is replaced, inside the bold that runs on over the note', async () => {
    const text = [
      head.trimEnd(),
      '| [DONE] | **A** | a | None |',
      '| [ ] since the spec landed | **B** | b | A |',
      '| **OPEN — reported, needs the cutover.** `bash check.sh` refuses | **C** | c | A |',
      '| **TODO** — see the notes | **D** | d | A |',
      '| Done; shipped in 1.2 | **E** | e | None |',
      // Brackets are the file's prevailing style.
      '| [ ] | **F** | f | None |',
      '| [ ] | **G** | g | None |',
      '| [DONE] | **H** | h | None |',
      '',
    ].join('\n');
    const claim = (id: string) => run(text, { op: 'claim', id, agent: 'Dev 2', maxClaims: 1 });
    expect(await claim('B')).toBe(text.replace('| [ ] since the spec landed |', '| [IN PROGRESS: Dev 2] since the spec landed |'));
    expect(await claim('C')).toBe(text.replace('| **OPEN — reported', '| **[IN PROGRESS: Dev 2] — reported'));
    expect(await claim('D')).toBe(text.replace('| **TODO** — see the notes |', '| [IN PROGRESS: Dev 2] — see the notes |'));
    const reopened = await run(text, { op: 'reopen', id: 'E', agent: 'Dev 2' });
    expect(reopened).toBe(text.replace('| Done; shipped in 1.2 |', '| [ ]; shipped in 1.2 |'));
    // The file's forms are learned from the statuses alone, never with another row's note.
    const held = await run(text.replace('| [ ] since the spec landed |', '| [IN PROGRESS: Dev 9] since Monday |'), { op: 'release', id: 'B', agent: 'Dev 9' });
    expect(held).toContain('| [ ] since Monday | **B** |');
  });

  it('a file that lists its status values on one line (or in a legend) gets its own word for a status no row shows yet', async () => {
    const text = `# Q\n\nStatus values: \`PENDING\` | \`IN_PROGRESS\` | \`DONE\` | \`BLOCKED\`\n\n| ID | Title | Status | Depends On |\n|---|---|---|---|\n| T-1 | a | DONE | None |\n| T-2 | b | PENDING | T-1 |\n`;
    const claimed = await run(text, { op: 'claim', id: 'T-2', agent: 'Dev 1', maxClaims: 1 });
    expect(claimed).toBe(text.replace('| T-2 | b | PENDING |', '| T-2 | b | IN_PROGRESS (Dev 1) |'));
    expect(await run(claimed, { op: 'release', id: 'T-2', agent: 'Dev 1' })).toBe(text);
    // A legend's word, the same way.
    const legend = `# Q\n\n## Status legend\n\n| State | Meaning |\n|---|---|\n| Doing | someone is working on it |\n| Open | nobody has started |\n\n| ID | Title | Status |\n|---|---|---|\n| T-1 | a | Open |\n`;
    expect(await run(legend, { op: 'claim', id: 'T-1', agent: 'Dev 1', maxClaims: 1 })).toContain('| T-1 | a | Doing (Dev 1) |');
    // A form a row shows still wins over the declared one.
    const shown = text.replace('| T-1 | a | DONE | None |', '| T-1 | a | DONE | None |\n| T-0 | z | WIP (Dev 9) | None |');
    expect(await run(shown, { op: 'claim', id: 'T-2', agent: 'Dev 1', maxClaims: 2 })).toContain('| T-2 | b | WIP (Dev 1) |');
    // The list as a sentence (a full stop after it), and a history cell (no form) beside it.
    const sentence = `# Q\n\nStatus values: \`TODO\`, \`IN_PROGRESS\`, \`COMPLETE\`.\n\n| ID | Title | Status |\n|---|---|---|\n| A1 | a | IN_PROGRESS (Dev 1) |\n| A2 | b | REOPENED then COMPLETE |\n| A3 | c | TODO |\n`;
    expect(await run(sentence, { op: 'done', id: 'A1', agent: 'Dev 1' })).toContain('| A1 | a | COMPLETE |');
    // Not lists of the file's values: a story's own Status line, prose, code; and a bare word in a file of brackets.
    const brackets = `${head}| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A |\n`;
    for (const line of [
      'Status: in progress, waiting on review',
      'States: Claimed by Alice, Bob',
      '- Status: WIP / blocked',
      '```\nStatuses: Started, Finished\n```',
      'Status values: `PENDING` | `IN_PROGRESS` | `DONE`',
    ]) {
      const t = `# Q\n\n${line}\n\n${brackets}`;
      expect(await run(t, { op: 'claim', id: 'B', agent: 'Dev 1', maxClaims: 1 }), line).toContain('| [IN PROGRESS: Dev 1] | **B** |');
    }
    // A declared bracket form is the file's own.
    const declaredBrackets = `# Q\n\nStatuses: \`[ ]\` | \`[WORKING: name]\` | \`[DONE]\`\n\n${brackets}`;
    expect(await run(declaredBrackets, { op: 'claim', id: 'B', agent: 'Dev 1', maxClaims: 1 })).toContain('| [WORKING: Dev 1] | **B** |');
  });

  it('a cell that tells a history (REOPENED then DONE, Next / In progress) is no form for other rows', async () => {
    const text = [
      '| ID | Title | Status |',
      '|---|---|---|',
      '| N-1 | a | Next / In progress |',
      '| N-2 | b | REOPENED then DONE |',
      '| N-3 | c | Ready |',
      '| N-4 | d | Done |',
      '',
    ].join('\n');
    const claimed = await run(text, { op: 'claim', id: 'N-3', agent: 'Dev 1', maxClaims: 1 });
    expect(claimed).toContain('| N-3 | c | In Progress (Dev 1) |');
    const done = await run(claimed, { op: 'done', id: 'N-3', agent: 'Dev 1' });
    expect(done).toContain('| N-3 | c | Done |');
    expect(done).toContain('| N-2 | b | REOPENED then DONE |');
  });

  it('a note glued to the status (no space between) is kept too, whatever its bytes: the write replaces the status alone or is refused', async () => {
    for (const note of ['x', 'é', '\uFFFD', '\u0000', '/merged', '#12']) {
      const text = `${head}| [DONE] | **A** | a | None |\n| [ ]${note} | **B** | b | A |\n`;
      const out = await run(text, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 }).catch((e: QueueError) => e);
      if (out instanceof QueueError) expect(out.code, JSON.stringify(note)).toBe('parse_error');
      else expect(out, JSON.stringify(note)).toBe(text.replace(`| [ ]${note} |`, `| [IN PROGRESS: Dev 2]${note} |`));
    }
    // A word status with a byte after it (here the replacement character a bad byte decodes to).
    const words = `| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Done | **A** | a | None |\n| Todo\uFFFD | **B** | b | A |\n`;
    const out = await run(words, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toContain('| In Progress (Dev 2)\uFFFD | **B** |');
    // Marks that say the status again are the status's (`[DONE]✅`), as with a space.
    const marked = `${head}| [DONE]✅ | **A** | a | None |\n| [IN PROGRESS: Dev 2]🚧 | **B** | b | A |\n`;
    expect(await run(marked, { op: 'done', id: 'B', agent: 'Dev 2' })).toContain('| [DONE]✅ | **B** |');
    const ticked = `${head}| Done✅ merged | **A** | a | None |\n| Done | **B** | b | None |\n`;
    expect(await run(ticked, { op: 'reopen', id: 'A', agent: 'Dev 2' })).toContain('| Todo merged | **A** |');
    // Code or a link around the status are the status's: the cell is replaced whole, as before. A
    // line break (`<br>`) or a comment after it starts the note.
    for (const [cell, written] of [
      ['`Todo`', '[IN PROGRESS: Dev 2]'],
      ['**Todo**<br>n', '[IN PROGRESS: Dev 2]<br>n'],
      ['Todo<br/>needs review', '[IN PROGRESS: Dev 2]<br/>needs review'],
      ['Todo<!-- x --> y', '[IN PROGRESS: Dev 2]<!-- x --> y'],
      // A footnote reference after the status, and a non-breaking space before it, are the person's.
      ['Todo[^1]', '[IN PROGRESS: Dev 2][^1]'],
      ['**Todo**[^2] see below', '[IN PROGRESS: Dev 2][^2] see below'],
      ['&nbsp;Todo', '&nbsp;[IN PROGRESS: Dev 2]'],
      ['&nbsp;**Todo** note', '&nbsp;[IN PROGRESS: Dev 2] note'],
      // An entity after the status is the note's, never cut inside; a tag in capitals is a tag.
      ['Todo&nbsp;<br>x', '[IN PROGRESS: Dev 2]&nbsp;<br>x'],
      ['Todo&amp;x', '[IN PROGRESS: Dev 2]&amp;x'],
      ['Todo<BR>x', '[IN PROGRESS: Dev 2]<BR>x'],
      // A non-breaking space between a mark and its word is inside the status.
      ['⬜&nbsp;Pending', '[IN PROGRESS: Dev 2]'],
      ['🔜 Next up', '[IN PROGRESS: Dev 2]'],
    ]) {
      const t = `${head}| [DONE] | **A** | a | None |\n| ${cell} | **B** | b | A |\n`;
      expect(await run(t, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 }), cell).toContain(`| ${written} | **B** |`);
    }
    const linked = `${head}| [DONE] | **A** | a | None |\n| [IN PROGRESS: Dev 2](https://example.com/1) | **B** | b | A |\n`;
    expect(await run(linked, { op: 'done', id: 'B', agent: 'Dev 2' })).toContain('| [DONE] | **B** |');
  });

  it('a note never begins inside a group the cell closes later, bold closed before a mark is the status, and an emoji after a space is the note', async () => {
    const words = (rows: string) => `| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Done | **Z** | z | None |\n${rows}`;
    // `TODO(Dev 1)` is one status: no claim leaves ` 1)` behind.
    const paren = words('| TODO(Dev 1) | **A** | a | None |\n| Blocked (waiting on legal) since Tuesday | **B** | b | None |\n');
    expect(await run(paren, { op: 'claim', id: 'A', agent: 'Dev 2', maxClaims: 1 })).toContain('| In Progress (Dev 2) | **A** |');
    // The other todo row's parentheses are no form for it.
    expect(await run(paren, { op: 'unblock', id: 'B', agent: 'Dev 2' })).toContain('| Todo since Tuesday | **B** |');
    // An entity between a claimed status and its note comes back through a release.
    const entity = words('| In Progress (Dev 2)&nbsp;x | **A** | a | None |\n| In Progress (Dev 2)&lt;b&gt; | **B** | b | None |\n');
    expect(await run(entity, { op: 'release', id: 'A', agent: 'Dev 2' })).toContain('| Todo&nbsp;x | **A** |');
    expect(await run(entity, { op: 'release', id: 'B', agent: 'Dev 2' })).toContain('| Todo&lt;b&gt; | **B** |');
    // A note after a line break is the person's: kept through a round trip, and no form for other rows.
    const broken = words('| Todo | **A** | a | None |\n| Todo<br>needs review | **B** | b | None |\n');
    const claimedBr = await run(broken, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(claimedBr).toContain('| In Progress (Dev 2)<br>needs review | **B** |');
    expect(await run(claimedBr, { op: 'release', id: 'B', agent: 'Dev 2' })).toBe(broken);
    const claimedA = await run(broken, { op: 'claim', id: 'A', agent: 'Dev 2', maxClaims: 1 });
    expect(await run(claimedA, { op: 'release', id: 'A', agent: 'Dev 2' })).toBe(broken);
    // So is one in any HTML element that opens right after the status: a claim never cuts a tag.
    const tagged = words('| Todo | **A** | a | None |\n| Todo<sub>since Mon</sub> | **B** | b | None |\n| [ ]<img src="x.png"> | **C** | c | None |\n');
    const claimedSub = await run(tagged, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(claimedSub).toContain('| In Progress (Dev 2)<sub>since Mon</sub> | **B** |');
    expect(await run(claimedSub, { op: 'release', id: 'B', agent: 'Dev 2' })).toBe(tagged);
    expect(await run(tagged, { op: 'claim', id: 'C', agent: 'Dev 2', maxClaims: 1 })).toContain('| In Progress (Dev 2)<img src="x.png"> | **C** |');
    // Bold that closes before the status's own mark (`__TODO__✅`) is replaced with it: no stray `__`.
    const bold = words('| __TODO__✅ ok | **A** | a | None |\n');
    expect(await run(bold, { op: 'claim', id: 'A', agent: 'Dev 2', maxClaims: 1 })).toContain('| In Progress (Dev 2) ok | **A** |');
    // An emoji after a space is the person's, whatever it says: a round trip gives it back.
    const marked = words('| **Done** ✅ — specs | **A** | a | None |\n| Todo 🚧 needs design | **B** | b | None |\n');
    expect(await run(marked, { op: 'reopen', id: 'A', agent: 'Dev 2' })).toContain('| Todo ✅ — specs | **A** |');
    const claimedB = await run(marked, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(claimedB).toContain('| In Progress (Dev 2) 🚧 needs design | **B** |');
    expect(await run(claimedB, { op: 'release', id: 'B', agent: 'Dev 2' })).toBe(marked);
    // A group the status leaves open ends with the status's own bracket (`[BLOCKED: p95 < 200ms]`,
    // `vendor :(`), and is no group when never closed: the note after it is kept, whatever closers it
    // holds, through round trips queue makes itself; a long reason's words do not use up the search.
    const open = `${head}| [DONE] | **Z** | z | None |\n| [ ] since Mon -> QA | **A** | a | None |\n| [ ] see 1) logs | **B** | b | None |\n| [BLOCKED: vendor :(] since Monday (ask Ana) | **C** | c | None |\n`;
    for (const [id, reason] of [
      ['A', 'p95 < 200ms'],
      ['B', 'vendor :('],
      ['A', 'waiting on the vendor to ship the new API'],
    ]) {
      const blocked = await run(open, { op: 'block', id, agent: 'Dev 2', reason });
      expect(blocked, reason).toContain(`| [BLOCKED: ${reason}] ${id === 'A' ? 'since Mon -> QA' : 'see 1) logs'} | **${id}** |`);
      expect(await run(blocked, { op: 'unblock', id, agent: 'Dev 2' }), reason).toBe(open);
    }
    expect(await run(open, { op: 'unblock', id: 'C', agent: 'Dev 2' })).toContain('| [ ] since Monday (ask Ana) | **C** |');
    // An emoticon after a status is a note, not a colon before a name.
    const emoticons = words('| Done :( regressed once | **A** | a | None |\n| Done :/ hmm | **B** | b | None |\n');
    expect(await run(emoticons, { op: 'reopen', id: 'A', agent: 'Dev 2' })).toContain('| Todo :( regressed once | **A** |');
    expect(await run(emoticons, { op: 'reopen', id: 'B', agent: 'Dev 2' })).toContain('| Todo :/ hmm | **B** |');
    // Bold and italic together close in the reverse order (`**_TODO_**`).
    const mixed = words('| **_TODO_** note | **A** | a | None |\n| _**TODO**_ note | **B** | b | None |\n');
    expect(await run(mixed, { op: 'claim', id: 'A', agent: 'Dev 2', maxClaims: 1 })).toContain('| In Progress (Dev 2) note | **A** |');
    expect(await run(mixed, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 })).toContain('| In Progress (Dev 2) note | **B** |');
  });

  it('inside bold that runs on over the note, a status the file writes in bold is written bare: one bold, not two', async () => {
    const text = [
      head.trimEnd(),
      '| **DONE** — shipped | **A** | a | None |',
      '| **DONE** — merged | **B** | b | None |',
      '| **IN PROGRESS (Dev 2) — re-verified, the gap widened.** `check.sh` refuses | **C** | c | A |',
      '',
    ].join('\n');
    const done = await run(text, { op: 'done', id: 'C', agent: 'Dev 2' });
    expect(done).toBe(text.replace('| **IN PROGRESS (Dev 2) — re-verified', '| **DONE — re-verified'));
    // Italic runs on the same way.
    const italic = text.replace('**IN PROGRESS (Dev 2) — re-verified, the gap widened.**', '_IN PROGRESS (Dev 2) — re-verified, the gap widened._');
    expect(await run(italic, { op: 'done', id: 'C', agent: 'Dev 2' })).toBe(italic.replace('| _IN PROGRESS (Dev 2) — re-verified', '| _DONE — re-verified'));
  });

  it("a story held under one of the agent's aliases is the agent's: done, the claim limit, a claim by the alias", async () => {
    const text = `${head}| [IN PROGRESS: deva@example.com] | **A** | a | None |\n| [ ] | **B** | b | None |\n`;
    const queue = await q(text);
    const agents = { devA: ['deva@example.com'] };
    expect(decide(queue, { op: 'done', id: 'A', agent: 'devA' }, agents).changes[0].expect.category).toBe('done');
    // Without the aliases, the address is another agent.
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as QueueError).code;
      }
      return null;
    };
    expect(codeOf(() => decide(queue, { op: 'done', id: 'A', agent: 'devA' }))).toBe('not_claimant');
    expect(() => decide(queue, { op: 'claim', id: 'B', agent: 'devA', maxClaims: 1 }, agents)).toThrow(/devA already holds A \(limit 1\)/);
    expect(decide(queue, { op: 'claim', id: 'A', agent: 'devA', maxClaims: 1 }, agents).unchanged).toBe(true);
  });

  it('a name written as a mention (@dev1) is that agent: a claim held in an Owner cell so written is done by dev1 and counts toward its limit', async () => {
    const text = '| Status | Story | Description | Depends On | Owner |\n|---|---|---|---|---|\n| In Progress | **A** | a | None | @dev1 |\n| Todo | **B** | b | None | |\n';
    const queue = await q(text);
    expect(queue.graph.byId.get('A')?.claimant).toBe('@dev1');
    expect(decide(queue, { op: 'done', id: 'A', agent: 'Dev1' }).changes[0].expect.category).toBe('done');
    expect(() => decide(queue, { op: 'claim', id: 'B', agent: 'dev1', maxClaims: 1 })).toThrow(/dev1 already holds A \(limit 1\)/);
    // Aliases are written with or without the mark too.
    expect(decide(queue, { op: 'done', id: 'A', agent: 'devA' }, { devA: ['dev1'] }).changes[0].expect.category).toBe('done');
    expect(() => decide(queue, { op: 'done', id: 'A', agent: 'dev2' })).toThrow(/held by @dev1/);
  });

  it('claim without an id takes the best ready story', async () => {
    const out = await run(md, { op: 'claim', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toContain('| [IN PROGRESS: Dev 2] | **B**');
  });

  it('refuses with the codes of the contract', async () => {
    expect((await refusal(md, { op: 'claim', id: 'D', agent: 'Dev 2', maxClaims: 1 })).code).toBe('already_claimed');
    expect((await refusal(md, { op: 'claim', id: 'D', agent: 'Dev 2', maxClaims: 1 })).details.holder).toBe('Dev 1');
    const nr = await refusal(md, { op: 'claim', id: 'C', agent: 'Dev 2', maxClaims: 1 });
    expect([nr.code, nr.details.waitingOn]).toEqual(['not_ready', ['B']]);
    expect((await refusal(md, { op: 'claim', id: 'E', agent: 'Dev 2', maxClaims: 1 })).details.hold).toBe(true);
    expect((await refusal(md, { op: 'claim', id: 'Z', agent: 'Dev 2', maxClaims: 1 })).code).toBe('not_found');
    expect((await refusal(md, { op: 'done', id: 'D', agent: 'Dev 2' })).code).toBe('not_claimant');
    expect((await refusal(md, { op: 'claim', id: 'B', agent: 'Dev 1', maxClaims: 1 })).code).toBe('claim_limit');
    const none = `${head}| [DONE] | **A** | a | None |\n`;
    expect((await refusal(none, { op: 'claim', agent: 'X', maxClaims: 1 })).code).toBe('no_ready_story');
  });

  it('done by the holder, release, block with a reason, unblock, review, reopen', async () => {
    expect(await run(md, { op: 'done', id: 'D', agent: 'dev 1' })).toContain('| [DONE] | **D**');
    expect(await run(md, { op: 'release', id: 'D', agent: 'Dev 1' })).toContain('| [ ] | **D**');
    expect(await run(md, { op: 'review', id: 'D', agent: 'Dev 1' })).toContain('| [REVIEW: Dev 1] | **D**');
    expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason: 'waiting on keys' })).toContain('| [BLOCKED: waiting on keys] | **B**');
    // A reason reads back as given: an entity's `&` is written `&amp;`, and `$&` is no replacement pattern.
    expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason: 'see a &amp; b' })).toContain('| [BLOCKED: see a &amp;amp; b] | **B**');
    expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason: 'R&D' })).toContain('| [BLOCKED: R&D] | **B**');
    expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason: 'pay $& now' })).toContain('| [BLOCKED: pay $& now] | **B**');
    // Markup in a reason is escaped in a table cell, where it would be read as Markdown.
    for (const [reason, written] of [
      ['x *y* z', 'x \\*y\\* z'],
      ['a \\& b', 'a \\\\& b'],
      ['a <https://x.y> b', 'a \\<https://x.y> b'],
      ['under_score_x', 'under_score_x'],
    ]) {
      expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason })).toContain(`| [BLOCKED: ${written}] | **B**`);
    }
    // Nothing in a web address is escaped (GFM reads it literally); a file whose to-do cells are
    // code writes its other forms outside code, escaped all the same.
    for (const [reason, written] of [
      ['see <https://example.com/a_b?x=1&y=2>', 'see \\<https://example.com/a_b?x=1&y=2>'],
      ['see www.example.com/a_b *now*', 'see www.example.com/a_b \\*now\\*'],
    ]) {
      expect(await run(md, { op: 'block', id: 'B', agent: 'X', reason })).toContain(`| [BLOCKED: ${written}] | **B**`);
    }
    const ticks = `${head}| \`todo\` | **A** | a | None |\n| \`todo\` | **B** | b | A |\n`;
    expect(await run(ticks, { op: 'block', id: 'A', agent: 'X', reason: 'x *y* z' })).toContain('| blocked (x \\*y\\* z) | **A**');
    // A form whose reason would run on into the note after the status is passed over for one that ends.
    const colon = `${head}| Todo<sub>since Mon</sub> | **A** | a | None |\n| Blocked: legal | **B** | b | None |\n`;
    expect(await run(colon, { op: 'block', id: 'A', agent: 'X', reason: 'waiting on api' })).toContain('| Blocked (waiting on api)<sub>since Mon</sub> | **A**');
    // Where the text is read as written (a code span, a heading block's status line), it goes as given.
    const code = `${head}| \`todo\` | **A** | a | None |\n| \`blocked: x\` | **B** | b | None |\n`;
    expect(await run(code, { op: 'block', id: 'A', agent: 'X', reason: 'see a &amp; b' })).toContain('| `blocked: see a &amp; b` | **A**');
    const blocks = '### S-1 One\n- **Status**: Todo\n\n### S-2 Two\nStatus: `todo`\n';
    expect(await run(blocks, { op: 'block', id: 'S-1', agent: 'X', reason: 'see a &amp; b' })).toContain('- **Status**: Blocked (see a &amp; b)\n');
    expect(await run(blocks, { op: 'claim', id: 'S-2', agent: 'R&amp;D', maxClaims: 1 })).toContain('Status: `In Progress (R&amp;D)`\n');
    expect(await run(md, { op: 'unblock', id: 'E', agent: 'X' })).toContain('| [ ] | **E**');
    expect(await run(md, { op: 'reopen', id: 'A', agent: 'X' })).toContain('| [ ] | **A**');
  });

  it('a decision that breaks a claim rule is refused when the config is given (the rules behind every write)', async () => {
    const queue = await q(md);
    const c = queue.graph.byId.get('C')!;
    const span = c.occurrences[0].spans.status!;
    const d: Decision = {
      op: 'claim',
      id: 'C',
      changes: [{ id: 'C', expect: { category: 'in_progress', claimant: 'Dev 2' } }],
      document: queue.documents[0],
      edits: [{ start: span.start, end: span.end, text: '[IN PROGRESS: Dev 2]' }],
      subject: 'queue: claim C (Dev 2)',
      trailers: [
        ['Queue-Op', 'claim'],
        ['Queue-Story', 'C'],
        ['Queue-Agent', 'Dev 2'],
      ],
      unchanged: false,
    };
    expect((await applyDecision(queue, d)).story?.claimant).toBe('Dev 2');
    const { parseConfig } = await import('../../src/domain/config.js');
    const err = await applyDecision(queue, d, parseConfig('{}').config).catch((e) => e);
    expect([err.code, err.details.violations.map((v: { rule: string }) => v.rule)]).toEqual(['rule_violation', ['claim_not_ready']]);
  });

  it('refuses a file with conflict markers, and a story written in two rows', async () => {
    const conflicted = `${md}<<<<<<< HEAD\n=======\n>>>>>>> other\n`;
    const e = await refusal(conflicted, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect([e.code, e.message]).toEqual(['parse_error', expect.stringMatching(/WORK_QUEUE\.md:8:1: merge conflict/)]);
    const twice = `${md}| [ ] | **B** | b again | None |\n`;
    expect((await refusal(twice, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 })).code).toBe('parse_error');
  });

  it('keeps CRLF, BOM and a missing final newline', async () => {
    const crlf = `\uFEFF${md.trimEnd().replace(/\n/g, '\r\n')}`;
    const out = await run(crlf, { op: 'claim', id: 'B', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toBe(crlf.replace('| [ ] | **B**', '| [IN PROGRESS: Dev 2] | **B**'));
  });

  it('done appends the story to the Completed log with its agent and its own wave (its level in the graph: D waits on A, so 2), whatever the last row says', async () => {
    const log = `## Completed\n\n| Story | Description | Agent | Wave |\n|---|---|---|---|\n| [DONE] **A** | a | Dev 1 | 3 |\n\n## Tier\n\n${md}`;
    const out = await run(log, { op: 'done', id: 'D', agent: 'Dev 1' });
    expect(out).toBe(log.replace('| Dev 1 | 3 |\n', '| Dev 1 | 3 |\n| [DONE] **D** | d | Dev 1 | 2 |\n').replace('| [IN PROGRESS: Dev 1] | **D**', '| [DONE] | **D**'));
    const marked = log.replace('| [IN PROGRESS: Dev 1] | **D** | d |', '| [IN PROGRESS: Dev 1] | **D** | `d` in code |');
    expect(await run(marked, { op: 'done', id: 'D', agent: 'Dev 1' })).toContain('| [DONE] **D** | `d` in code | Dev 1 | 2 |');
    const empty = `## Completed\n\n| Story | Description | Agent | Wave |\n|-------|-------------|-------|------|\n\n## Tier\n\n${md}`;
    expect(await run(empty, { op: 'done', id: 'D', agent: 'Dev 1' })).toContain('|-------|-------------|-------|------|\n| [DONE] **D** | d | Dev 1 | 2 |\n');
  });

  it('reopen takes the story out of the Completed log', async () => {
    const log = `## Completed\n\n| Story | Description | Agent | Wave |\n|---|---|---|---|\n| [DONE] **A** | a | Dev 1 | 1 |\n\n## Tier\n\n${md}`;
    const out = await run(log, { op: 'reopen', id: 'A', agent: 'X' });
    expect(out).not.toContain('[DONE] **A**');
    expect(out).toContain('| [ ] | **A** | a | None |');
    // A log that ends the file without a final newline: the file still ends without one.
    const last = `${md}\n## Completed\n\n| Story | Description | Agent | Wave |\n|---|---|---|---|\n| [DONE] **B** | b | Dev 1 | 1 |\n| [DONE] **A** | a | Dev 1 | 1 |`;
    expect(await run(last, { op: 'reopen', id: 'A', agent: 'X' })).toBe(last.replace('\n| [DONE] **A** | a | Dev 1 | 1 |', '').replace('| [DONE] | **A**', '| [ ] | **A**'));
    // Two rows of the story there, one after the other: both go, in one edit.
    const twice = `${last}\n| [DONE] **A** | a again | Dev 2 | 2 |`;
    expect(await run(twice, { op: 'reopen', id: 'A', agent: 'X' })).toBe(last.replace('\n| [DONE] **A** | a | Dev 1 | 1 |', '').replace('| [DONE] | **A**', '| [ ] | **A**'));
  });
});

describe('add and dep', () => {
  const md = `## Tier 1\n\n${head}| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A |\n\n## Tier 2\n\n${head}| [ ] | **C** | c | None |\n`;

  it("add appends a row in the table's conventions: bold id, None, blocked by an open dependency", async () => {
    const out = await run(md, (queue) => decideAdd(queue, { id: 'D', title: 'd | pipe', deps: [], agent: 'X' }));
    expect(out.endsWith('| [ ] | **C** | c | None |\n| [ ] | **D** | d \\| pipe | None |\n')).toBe(true);
    const beside = await run(md, (queue) => decideAdd(queue, { id: 'E', title: 'e', deps: ['B'], agent: 'X' }));
    expect(beside).toContain('| [ ] | **B** | b | A |\n| [BLOCKED] | **E** | e | B |\n\n## Tier 2');
    const section = await run(md, (queue) => decideAdd(queue, { id: 'F', title: 'f', deps: ['A'], section: 'tier 2', agent: 'X' }));
    expect(section.endsWith('| [ ] | **F** | f | A |\n')).toBe(true);
  });

  it('in a file that mixes line endings, a row added after a CRLF row ends CRLF and the row before keeps its own; a done row goes to the log the same way', async () => {
    // LF first (the file's first ending), then a table written on Windows.
    const mixed = `# Q\n\n## Tier 1\r\n\r\n${head.replace(/\n/g, '\r\n')}| [DONE] | **A** | a | None |\r\n| [ ] | **B** | b | A |\r\n\r\n## Notes\n\nkept\n`;
    const out = await run(mixed, (queue) => decideAdd(queue, { id: 'D', title: 'd', deps: [], agent: 'X' }));
    expect(out).toBe(mixed.replace('| [ ] | **B** | b | A |\r\n', '| [ ] | **B** | b | A |\r\n| [ ] | **D** | d | None |\r\n'));
    const log = `# Q\n\n## Completed\r\n\r\n| Story | Description | Agent |\r\n|---|---|---|\r\n| [DONE] **A** | a | Dev 1 |\r\n\r\n## Tier\n\n${head}| [DONE] | **A** | a | None |\n| [IN PROGRESS: Dev 1] | **B** | b | A |\n`;
    const done = await run(log, { op: 'done', id: 'B', agent: 'Dev 1' });
    expect(done).toContain('| [DONE] **A** | a | Dev 1 |\r\n| [DONE] **B** | b | Dev 1 |\r\n\r\n## Tier\n');
  });

  it('a file whose only [BLOCKED] rows are holds gets a story that waits in its todo word: [BLOCKED] means a hold there', async () => {
    const holds = `${head}| [ ] | **A** | a | None |\n| [BLOCKED] | **H** | needs the keys | None |\n`;
    const out = await run(holds, (queue) => decideAdd(queue, { id: 'W', title: 'w', deps: ['A'], agent: 'X' }));
    expect(out).toBe(`${holds}| [ ] | **W** | w | A |\n`);
    // With no hold and no todo that waits, nothing says either way: [BLOCKED], as before.
    const plain = `${head}| [ ] | **A** | a | None |\n`;
    expect(await run(plain, (queue) => decideAdd(queue, { id: 'W', title: 'w', deps: ['A'], agent: 'X' }))).toBe(`${plain}| [BLOCKED] | **W** | w | A |\n`);
  });

  it('add refuses an existing id, an unknown dependency and an unknown section', async () => {
    expect((await refusal(md, (queue) => decideAdd(queue, { id: 'b', title: 'x', deps: [], agent: 'X' }))).code).toBe('invalid');
    expect((await refusal(md, (queue) => decideAdd(queue, { id: 'Z', title: 'x', deps: ['nope'], agent: 'X' }))).code).toBe('not_found');
    expect((await refusal(md, (queue) => decideAdd(queue, { id: 'Z', title: 'x', deps: [], section: 'Tier 9', agent: 'X' }))).code).toBe('not_found');
    // A table without an id column knows its stories by section and title: the id could not be written.
    const noId = '## Phases\n\n| Phase | Status |\n|---|---|\n| Phase 1 | Done |\n';
    const e = await refusal(noId, (queue) => decideAdd(queue, { id: 'Z-1', title: 'Phase 2', deps: [], agent: 'X' }));
    expect([e.code, e.message]).toEqual(['invalid', expect.stringContaining('WORK_QUEUE.md:3 under "Phases" has no id column, so Z-1 cannot be written')]);
  });

  it('add --story-file links the file the way the table does and creates it from a template', async () => {
    const t = '| Status | Story | Description | Depends On | Story File |\n|---|---|---|---|---|\n| [ ] | **A** | a | None | `stories/A.md` |\n';
    const queue = await q(t);
    const d = decideAdd(queue, { id: 'B-1', title: 'Make it so', deps: ['A'], agent: 'X', storyFile: { storiesDir: 'stories', queueDir: '' } });
    expect((await applyDecision(queue, d)).content).toContain('| [BLOCKED] | **B-1** | Make it so | A | `stories/B-1-make-it-so.md` |');
    expect(d.files).toEqual([{ path: 'stories/B-1-make-it-so.md', content: expect.stringMatching(/^# B-1: Make it so\n/) }]);
  });

  it('a status with no example in the file is written in the language of the statuses it has, and a full stop after a status stays', async () => {
    // Russian heading blocks, a status line ending a sentence: claim, then release, gives the file back.
    const ru =
      '# Очередь\n\n### T-1 — Первая\n\n- Статус: готово.\n\n### T-2 — Вторая\n\n- Статус: запланировано.\n- Зависимости: `T-1`\n\n### T-3 — Третья\n\n- Статус: запланировано.\n';
    const claimed = await run(ru, { op: 'claim', id: 'T-2', agent: 'Dev 1', maxClaims: 1 });
    expect(claimed).toBe(ru.replace('- Статус: запланировано.', '- Статус: в работе (Dev 1).'));
    const queue = await q(claimed);
    expect(queue.graph.byId.get('T-2')?.status).toMatchObject({ category: 'in_progress', claimant: 'Dev 1' });
    expect((await applyDecision(queue, decide(queue, { op: 'release', id: 'T-2', agent: 'Dev 1' }))).content).toBe(ru);
    // A Japanese table of emoji statuses: Japanese, with the file's emoji.
    const jp = '| ID | タスク | 状態 |\n|---|---|---|\n| A1 | 設計 | ✅ 完了 |\n| A2 | 実装 | 🔲 未着手 |\n';
    expect(await run(jp, { op: 'claim', id: 'A2', agent: 'Dev 1', maxClaims: 1 })).toContain('| A2 | 実装 | 🔄 進行中 (Dev 1) |');
    // One status in another language among English ones: English.
    const mixed = '| ID | Title | Status |\n|---|---|---|\n| A-1 | a | Todo |\n| A-2 | b | Done |\n| A-3 | c | Blocked |\n| A-4 | d | Blocked |\n| A-5 | e | Заблокировано |\n';
    expect(await run(mixed, { op: 'claim', id: 'A-1', agent: 'Dev 1', maxClaims: 1 })).toContain('| A-1 | a | In Progress (Dev 1) |');
    // The team's own word, from a legend that teaches it, comes first.
    const parked = `${head}| Done | **A** | a | None |\n| Todo | **B** | b | A |\n\n## Status meanings\n\n| State | Meaning |\n|---|---|\n| Hacking | someone is working on it |\n`;
    expect(await run(parked, { op: 'claim', id: 'B', agent: 'Dev 1', maxClaims: 1 })).toContain('| Hacking (Dev 1) | **B** |');
    // An English file is written in English, as before.
    expect(await run(`${head}| Done | **A** | a | None |\n| Todo | **B** | b | A |\n`, { op: 'claim', id: 'B', agent: 'Dev 1', maxClaims: 1 })).toContain(
      '| In Progress (Dev 1) | **B** |',
    );
  });

  it('dep add and rm edit the Depends On cell; a cycle is refused', async () => {
    expect(await run(md, (queue) => decideDep(queue, 'add', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | B |');
    expect(await run(md, (queue) => decideDep(queue, 'add', 'B', 'C', 'X'))).toContain('| [ ] | **B** | b | A, C |');
    expect(await run(md, (queue) => decideDep(queue, 'rm', 'B', 'A', 'X'))).toContain('| [ ] | **B** | b | None |');
    // A placeholder in a code span is a placeholder: replaced, not added to.
    const code = md.replace('| [ ] | **C** | c | None |', '| [ ] | **C** | c | `—` |');
    expect(await run(code, (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | A |');
    const cyc = await refusal(md, (queue) => decideDep(queue, 'add', 'A', 'B', 'X'));
    expect([cyc.code, cyc.details.cycle]).toEqual(['invalid', ['A', 'B', 'A']]);
    expect((await refusal(md, (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).code).toBe('not_found');
    // Lists written with other separators keep them: the reference goes with its separator, and
    // an added one follows the list's last.
    const list = (deps: string) => md.replace('| [ ] | **C** | c | None |\n', `| [ ] | **C** | c | ${deps} |\n| [ ] | **E** | e | None |\n`);
    expect(await run(list('A; B'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | B |');
    expect(await run(list('A; B'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A |');
    expect(await run(list('A; B<br>E'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A<br>E |');
    expect(await run(list('A; B'), (queue) => decideDep(queue, 'add', 'C', 'E', 'X'))).toContain('| [ ] | **C** | c | A; B; E |');
    // A note after the placeholder stays: after the dependency added in its place, and after the
    // placeholder again when the last one goes (unless it is about the one removed).
    expect(await run(list('None (see notes)'), (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | A (see notes) |');
    expect(await run(list('_None_ (since 2024)'), (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | A (since 2024) |');
    expect(await run(list('A (see notes)'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | None (see notes) |');
    expect(await run(list('A (after A ships)'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | None |');
    expect(await run(list('A (as in A-Team)'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | None (as in A-Team) |');
    // So does a note inside the placeholder's emphasis, and an HTML comment after the references.
    expect(await run(list('_None (see notes)_'), (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | A (see notes) |');
    expect(await run(list('A <!-- c -->'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | None <!-- c --> |');
    expect(await run(list('None <!-- c -->'), (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | A <!-- c --> |');
    expect(await run(list('A (see notes) <!-- c -->'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | None (see notes) <!-- c --> |');
    // After the last of several references, a note is the cell's too, and stays when that one goes;
    // not when it is about the one removed, or when each reference has a note of its own.
    expect(await run(list('A, B (see notes)'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A (see notes) |');
    expect(await run(list('A, B <!-- c -->'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A <!-- c --> |');
    expect(await run(list('A, B (after B ships)'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A |');
    expect(await run(list('A (after X), B (after Y)'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A (after X) |');
    expect(await run(list('A (after X), B (after Y)'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | B (after Y) |');
    expect(await run(list('A, B (see notes)'), (queue) => decideDep(queue, 'rm', 'C', 'A', 'X'))).toContain('| [ ] | **C** | c | B (see notes) |');
    // A list where only some references have a note of their own: the last note may be the cell's, and stays.
    expect(await run(list('A (x), E, B (see notes)'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A (x), E (see notes) |');
    // A comment is no note of a reference's own.
    expect(await run(list('A <!-- a -->, B (see notes)'), (queue) => decideDep(queue, 'rm', 'C', 'B', 'X'))).toContain('| [ ] | **C** | c | A <!-- a --> (see notes) |');
    // A note on the lines after a placeholder would read as a dependency once it is gone: refused.
    const broken = await refusal(list('None (x)<br>E'), (queue) => decideDep(queue, 'add', 'C', 'A', 'X'));
    expect([broken.code, broken.message]).toEqual(['parse_error', expect.stringContaining('line break')]);
    // A bare hold given a dependency would wait on it and go when it is done: refused, naming the
    // hold; a hold with a reason stays a hold, and takes the dependency.
    const held = md.replace('| [ ] | **C** | c | None |', '| [BLOCKED] | **C** | c | None |');
    const hold = await refusal(held, (queue) => decideDep(queue, 'add', 'C', 'A', 'X'));
    expect([hold.code, hold.details.hold, hold.message]).toEqual(['invalid', true, expect.stringContaining('queue block C --reason')]);
    const reasoned = md.replace('| [ ] | **C** | c | None |', '| [BLOCKED: vendor] | **C** | c | None |');
    expect(await run(reasoned, (queue) => decideDep(queue, 'add', 'C', 'A', 'X'))).toContain('| [BLOCKED: vendor] | **C** | c | A |');
  });

  it('a cell left with no dependency, or a row added with none, says so as most of the file does (—, -, nothing)', async () => {
    const table = (none: string) => `${head}| [DONE] | **A** | a | ${none} |\n| [ ] | **B** | b | A |\n| [ ] | **C** | c | ${none} |\n| [ ] | **D** | d | B |\n`;
    for (const none of ['—', '-', 'n/a', 'none']) {
      const text = table(none);
      expect(await run(text, (queue) => decideDep(queue, 'rm', 'B', 'A', 'X')), none).toContain(`| [ ] | **B** | b | ${none} |`);
      expect(await run(text, (queue) => decideAdd(queue, { id: 'E', title: 'e', deps: [], agent: 'X' })), none).toContain(`| [ ] | **E** | e | ${none} |`);
    }
    // Empty cells are the form too; the last row's dependency does not make the new row's.
    const empty = table('').replaceAll('|  |', '| |');
    expect(await run(empty, (queue) => decideAdd(queue, { id: 'E', title: 'e', deps: [], agent: 'X' }))).toMatch(/\| \[ \] \| \*\*E\*\* \| e \| +\|\n$/);
    expect(await run(empty, (queue) => decideDep(queue, 'rm', 'D', 'B', 'X'))).toMatch(/\| \[ \] \| \*\*D\*\* \| d \| +\|\n$/);
    // A file that shows no form writes None.
    expect(await run(md, (queue) => decideDep(queue, 'rm', 'B', 'A', 'X'))).toContain('| [ ] | **B** | b | None |');
  });

  it("dep add on a held story is its holder's, named by any of the holder's aliases; anyone else needs force", async () => {
    const held = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **A** | a | None |\n| [IN PROGRESS: dev2] | **B** | b | None |\n';
    const agents = { 'Dev 2': ['dev2'] };
    expect(await run(held, (queue) => decideDep(queue, 'add', 'B', 'A', 'Dev 2', false, agents))).toContain('| [IN PROGRESS: dev2] | **B** | b | A |');
    const other = await refusal(held, (queue) => decideDep(queue, 'add', 'B', 'A', 'Dev 3', false, agents));
    expect([other.code, other.details.holder]).toEqual(['not_claimant', 'dev2']);
    expect((await refusal(held, (queue) => decideDep(queue, 'add', 'B', 'A', 'Dev 2'))).code).toBe('not_claimant');
  });
});

/** Every status change of a table story of `files` changes exactly that story's line (and the Completed log's). */
function tableChanges(files: string[]) {
  return statusChanges(files, 'table', 8, (file, text, s, op, applied) => {
    const lines = text.split('\n');
    const after = applied.content.split('\n');
    // `done` appends the story to the file's Completed log, when there is one: that line aside.
    const log = op.op === 'done' ? applied.story!.occurrences.find((o) => o.kind === 'log') : undefined;
    if (log) after.splice(log.line - 1, 1);
    expect(after.length, `${file} ${s.id}`).toBe(lines.length);
    const changed = lines.map((l, k) => (l === after[k] ? -1 : k)).filter((k) => k !== -1);
    expect(changed, `${file} ${s.id}`).toEqual([s.line - 1]);
  });
}

describe('one-line diff over whole files', () => {
  it("the fixtures: every status change of a table story changes exactly that story's line", async () => {
    const { edits, refused } = await tableChanges(fixtureFiles());
    expect(edits).toBeGreaterThan(20);
    expect(refused).toBeLessThan(edits / 10);
  });

  it.skipIf(withoutCorpus('one-line table diffs over ../shared/corpus'))("the corpus: every status change of a table story changes exactly that story's line", async () => {
    const { edits, refused } = await tableChanges(corpusFiles());
    expect(edits).toBeGreaterThan(500);
    expect(refused).toBeLessThan(edits / 10);
  });
});

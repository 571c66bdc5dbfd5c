import { describe, expect, it } from 'vitest';
import { describeEffect } from '../../src/domain/effects.js';
import { QueueError } from '../../src/domain/errors.js';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { progressBar } from '../../src/reconcile/blocks.js';
import { reconcile, reconcileDependents, renderDecision, withFollow } from '../../src/reconcile/reconcile.js';
import { decideDep } from '../../src/edit/structure.js';
import { decide } from '../../src/edit/decide.js';
import { corpusFiles, fixture, fixtureFiles, read, withoutCorpus } from '../helpers.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);
const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';

async function render(text: string): Promise<string> {
  const queue = await q(text);
  const d = renderDecision(queue, 'queue');
  return d.unchanged ? text : (await applyDecision(queue, d)).content;
}

describe('reconcile', () => {
  const md =
    head +
    [
      '| [DONE] | **A** | a | None |',
      '| [BLOCKED] | **B** | waits on A | A |',
      '| [BLOCKED] | **C** | manual hold | None |',
      '| [BLOCKED: keys] | **D** | hold with reason | A |',
      '| [ ] | **E** | waits on F | F |',
      '| [IN PROGRESS: X] | **F** | f | A ✅ |',
    ].join('\n') +
    '\n';

  it('unblocks what its dependencies released, marks done dependencies, blocks todo that waits; holds stay', async () => {
    const out = await render(md);
    expect(out).toBe(
      md
        .replace('| [BLOCKED] | **B** | waits on A | A |', '| [ ] | **B** | waits on A | A ✅ |')
        .replace('| [ ] | **E** |', '| [BLOCKED] | **E** |')
        .replace('| [BLOCKED: keys] | **D** | hold with reason | A |', '| [BLOCKED: keys] | **D** | hold with reason | A ✅ |'),
    );
    expect(await render(out)).toBe(out);
  });

  it('a done releases its dependents in the same write: unblocked, marked; others, holds and waiting todo untouched', async () => {
    const text =
      head +
      [
        '| [DONE] | **Z** | z | None |',
        '| [IN PROGRESS: Dev 1] | **A** | a | Z ✅ |',
        '| [BLOCKED] | **B** | b | A |',
        '| [BLOCKED] | **C** | c | A, D |',
        '| [ ] | **D** | d | None |',
        '| [BLOCKED: legal] | **E** | e | A |',
        '| [BLOCKED] | **F** | not a dependent | Z |',
        '| [ ] | **G** | waits on A and D | A, D |',
      ].join('\n') +
      '\n';
    const queue = await q(text);
    const d = decide(queue, { op: 'done', id: 'A', agent: 'Dev 1' });
    d.follow = (after) => reconcileDependents(after, 'A')[0];
    const applied = await applyDecision(queue, d);
    const want = text
      .replace('| [IN PROGRESS: Dev 1] | **A** |', '| [DONE] | **A** |')
      .replace('| [BLOCKED] | **B** | b | A |', '| [ ] | **B** | b | A ✅ |')
      .replace('| [BLOCKED] | **C** | c | A, D |', '| [BLOCKED] | **C** | c | A ✅, D |')
      .replace('| [BLOCKED: legal] | **E** | e | A |', '| [BLOCKED: legal] | **E** | e | A ✅ |')
      .replace('| [ ] | **G** | waits on A and D | A, D |', '| [ ] | **G** | waits on A and D | A ✅, D |');
    expect(applied.content).toBe(want);
    expect(applied.derived.filter((e) => e.kind === 'unblock')).toEqual([{ kind: 'unblock', id: 'B' }]);
    // F is blocked though its dependency is done: not this done's business (render's).
    expect(applied.content).toContain('| [BLOCKED] | **F** | not a dependent | Z |');
    expect(applied.story?.status.category).toBe('done');
    // Nothing to release: the follow-up changes nothing and the write is the one-line done.
    const lone = `${head}| [IN PROGRESS: Dev 1] | **A** | a | None |\n| [ ] | **D** | d | None |\n`;
    const lq = await q(lone);
    const ld = decide(lq, { op: 'done', id: 'A', agent: 'Dev 1' });
    ld.follow = (after) => reconcileDependents(after, 'A')[0];
    const la = await applyDecision(lq, ld);
    expect([la.content, la.derived]).toEqual([lone.replace('[IN PROGRESS: Dev 1]', '[DONE]'), []]);
  });

  it('a done releases a task item from its [BLOCKED] tag and a heading block from its Blocked status; holds, waiting to-dos and section statuses stay', async () => {
    const tasks = [
      '- [ ] T-1 First [IN PROGRESS: Dev 1]',
      '- [ ] T-2 [BLOCKED] Second (depends on: T-1)',
      '- [ ] T-3 Third [BLOCKED: vendor] (depends on: T-1)',
      '- [ ] T-4 Fourth (depends on: T-1, T-5)',
      '- [ ] T-5 Fifth [BLOCKED] (depends on: T-6)',
      '- [ ] T-6 Sixth',
      '- [ ] T-7 `[BLOCKED]` Seventh (depends on: T-1)',
      '- [ ] T-8 Eighth **[BLOCKED]** (depends on: T-1)',
      '- [ ] T-9 Ninth (**[BLOCKED]**) (depends on: T-1)',
      '- [ ] **T-10 Tenth [BLOCKED]** (depends on: T-1)',
      '- [ ] T-11 Eleventh [BLOCKED]! (depends on: T-1)',
      '',
    ].join('\n');
    const block = (id: string, status: string, deps: string) => `### ${id} Story ${id}\n\n- **Status**: ${status}\n- **Depends on**: ${deps}\n\n`;
    // A `Blocked on:` line makes a blocked status a hold, as it does under a section that says blocked.
    const blocks = `${block('S-1', 'In Progress (Dev 1)', 'None')}${block('S-2', 'Blocked', 'S-1')}${block('S-3', 'Blocked (legal)', 'S-1')}${block('S-4', 'Todo', 'S-1, S-5')}${block('S-5', 'Todo', 'None')}${block('S-6', 'Blocked', 'S-1').replace('- **Depends on**', '- **Blocked on**: legal sign-off\n- **Depends on**')}${block('S-7', 'Blocked', 'S-1').replace('- **Depends on**', '- **Blocked on**: _N/A_\n- **Depends on**')}${block('S-8', 'Blocked', 'S-1').replace('- **Depends on**', '- **Blocked on**: S-1\n- **Depends on**')}`;
    for (const [text, id, want] of [
      [
        tasks,
        'T-1',
        tasks
          .replace('T-1 First [IN PROGRESS: Dev 1]', 'T-1 First')
          .replace('- [ ] T-1', '- [x] T-1')
          .replace('T-2 [BLOCKED] Second', 'T-2 Second')
          .replace('T-7 `[BLOCKED]` Seventh', 'T-7 Seventh')
          .replace('T-8 Eighth **[BLOCKED]** (', 'T-8 Eighth (')
          .replace('**T-10 Tenth [BLOCKED]**', '**T-10 Tenth**')
          .replace('Eleventh [BLOCKED]!', 'Eleventh!'),
      ],
      [
        blocks,
        'S-1',
        blocks
          .replace('In Progress (Dev 1)', 'Done')
          .replace('- **Status**: Blocked\n- **Depends on**: S-1', '- **Status**: Todo\n- **Depends on**: S-1')
          .replace('- **Status**: Blocked\n- **Blocked on**: _N/A_', '- **Status**: Todo\n- **Blocked on**: _N/A_')
          .replace('- **Status**: Blocked\n- **Blocked on**: S-1', '- **Status**: Todo\n- **Blocked on**: S-1'),
      ],
    ] as const) {
      const queue = await q(text);
      const d = decide(queue, { op: 'done', id, agent: 'Dev 1' });
      d.follow = (after) => reconcileDependents(after, id)[0];
      const applied = await applyDecision(queue, d);
      expect(applied.content).toBe(want);
      expect(applied.derived.filter((e) => e.kind === 'unblock').map((e) => e.id)).toEqual(id === 'T-1' ? ['T-2', 'T-7', 'T-8', 'T-10', 'T-11'] : ['S-2', 'S-7', 'S-8']);
      // Render agrees, and has nothing more to do: T-5 waits, and a list or block is never blocked.
      expect(await render(applied.content)).toBe(applied.content);
    }
    expect((await q(blocks)).graph.byId.get('S-6')!.status.reason).toBe('legal sign-off');
    // queue unblock lets go of such a hold: the line goes, and the block waits on its dependencies.
    const unblocked = await applyDecision(await q(blocks), decide(await q(blocks), { op: 'unblock', id: 'S-6', agent: 'X' }));
    expect(unblocked.content).toBe(blocks.replace('- **Blocked on**: legal sign-off\n', ''));
    expect(unblocked.after.graph.waitingOn(unblocked.after.graph.byId.get('S-6')!)).toEqual(['S-1']);
    // Every Blocked on: line goes, with the lines indented under it; the file ends as it did.
    const two = `${blocks}### S-9 Nine\n\n- **Status**: Blocked\n- **Depends on**: S-1\n- **Blocked on**: legal\n  ask Ana\n- **Blocked on**: vendor`;
    const twoq = await q(two);
    const lifted = await applyDecision(twoq, decide(twoq, { op: 'unblock', id: 'S-9', agent: 'X' }));
    expect(lifted.content).toBe(two.replace('\n- **Blocked on**: legal\n  ask Ana\n- **Blocked on**: vendor', ''));
    // Only the line that holds it: not a template's, not one past its field list or under a sub-heading.
    const far = '## S-2 Second\nStatus: Blocked\nBlocked on: legal review\n\nSome prose.\nBlocked on: the 2024 outage\n\n### Notes\n- Blocked on: history entry\n';
    const fq = await q(far);
    expect((await applyDecision(fq, decide(fq, { op: 'unblock', id: 'S-2', agent: 'X' }))).content).toBe(
      far.replace('Status: Blocked\nBlocked on: legal review\n', 'Status: Todo\n'),
    );
    const template = '## S-1 First\n- **Status**: Blocked (waiting on api)\n- **Depends on**: None\n- **Blocked on**: None\n';
    const tq = await q(template);
    expect((await applyDecision(tq, decide(tq, { op: 'unblock', id: 'S-1', agent: 'X' }))).content).toBe(template.replace('Blocked (waiting on api)', 'Todo'));
    // A dependency named in Blocked on: is waited on, whether or not Depends on: names it: a dep
    // added or removed never makes it a hold.
    const named = '## S-1 A\n\nStatus: In progress (b)\n\n## S-2 B\n\nStatus: Blocked\nDepends on: S-1\nBlocked on: S-1\n';
    const nq = await q(named);
    expect((await applyDecision(nq, withFollow(nq, decideDep(nq, 'rm', 'S-2', 'S-1', 'X'), { renderOnWrite: false }))).content).toBe(
      named.replace('Status: Blocked\nDepends on: S-1', 'Status: Todo\nDepends on: None'),
    );
    const bare = named.replace('Depends on: S-1\n', '');
    const bq0 = await q(bare);
    expect((await applyDecision(bq0, decideDep(bq0, 'add', 'S-2', 'S-1', 'X'))).content).toBe(bare.replace('Status: Blocked\n', 'Status: Blocked\nDepends on: S-1\n'));
    // A dependency added to a row whose bold runs on over a note leaves the note a note.
    const bold = `${head}| **TODO — assigned next sprint** | **A** | a | — |\n| [IN PROGRESS: Z] | **B** | b | — |\n| [BLOCKED] | **C** | c | B |\n`;
    const bq = await q(bold);
    const dep = await applyDecision(bq, withFollow(bq, decideDep(bq, 'add', 'A', 'B', 'X'), { renderOnWrite: false }));
    expect(dep.content).toBe(bold.replace('**TODO — assigned next sprint** | **A** | a | — |', '**[BLOCKED] — assigned next sprint** | **A** | a | B |'));
    // A block whose status is its section is a person's to move (queue unblock).
    const sections = '## Blocked\n\n### S-2 Two\n\n- **Depends on**: S-1\n\n## Done\n\n### S-1 One\n\n## Ready\n\n### S-3 Three\n';
    expect(await render(sections)).toBe(sections);
  });

  it('a reopen blocks again the dependents history shows blocked while they waited, each as it was written; no other', async () => {
    const text = `${head}| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A ✅ |\n| [ ] | **C** | c | A ✅ |\n| [BLOCKED] | **D** | d | None |\n`;
    const reopen = async (t: string, waiting: Record<string, string>) => {
      const queue = await q(t);
      const d = decide(queue, { op: 'reopen', id: 'A', agent: 'X', reopened: { former: null, waiting: new Map(Object.entries(waiting)) } });
      return (await applyDecision(queue, withFollow(queue, d, { renderOnWrite: false }))).content;
    };
    const reopened = text.replace('| [DONE] | **A** |', '| [ ] | **A** |').replaceAll('A ✅', 'A');
    // The one [BLOCKED] left is a hold: nothing in the file tells the convention; history does, of B only.
    expect(await reopen(text, {})).toBe(reopened);
    expect(await reopen(text, { B: '[BLOCKED]' })).toBe(reopened.replace('| [ ] | **B** |', '| [BLOCKED] | **B** |'));
    // Each in its own words, where the file still reads them so.
    expect(await reopen(text, { B: 'Blocked', C: 'BLOCKED' })).toBe(reopened.replace('| [ ] | **B** |', '| Blocked | **B** |').replace('| [ ] | **C** |', '| BLOCKED | **C** |'));
    expect(await reopen(text, { B: 'Blocked: vendor' })).toBe(reopened);
    // A note written since, which would read as a reason after the word: the file's form.
    const noted = text.replace('| [ ] | **B** |', '| [ ] (soon) | **B** |');
    expect(await reopen(noted, { B: 'Blocked' })).toBe(reopened.replace('| [ ] | **B** |', '| [BLOCKED] (soon) | **B** |'));
  });

  it('a table row released or blocked keeps the note after its status', async () => {
    const text = `${head}| [IN PROGRESS: X] | **A** | a | None |\n| Blocked<sub>since Tue</sub> | **B** | b | A |\n| [BLOCKED]<br>ask Ana | **C** | c | A |\n`;
    const queue = await q(text);
    const d = decide(queue, { op: 'done', id: 'A', agent: 'X' });
    d.follow = (after) => reconcileDependents(after, 'A')[0];
    const applied = await applyDecision(queue, d);
    expect(applied.content).toBe(
      text
        .replace('| [IN PROGRESS: X] | **A** |', '| [DONE] | **A** |')
        .replace('Blocked<sub>since Tue</sub>', '[ ]<sub>since Tue</sub>')
        .replace('[BLOCKED]<br>ask Ana', '[ ]<br>ask Ana'),
    );
    const waits = `${head}| [ ] | **A** | a | None |\n| [BLOCKED] | **B** | b | A |\n| [ ]<br>ask Ana | **C** | c | A |\n`;
    expect(await render(waits)).toBe(waits.replace('| [ ]<br>ask Ana |', '| [BLOCKED]<br>ask Ana |'));
  });

  it('leaves a story written in two rows alone (the write commands refuse it too)', async () => {
    const table = (rows: string[]) => `${head + rows.join('\n')}\n`;
    const text = `## T1\n\n${table(['| [DONE] | **A** | a | None |', '| [BLOCKED] | **B** | b | A |'])}\n## Sprint\n\n${table(['| [BLOCKED] | **B** | b | A |'])}`;
    expect(await render(text)).toBe(text);
    const queue = await q(text.replace('| [DONE] | **A** |', '| [IN PROGRESS: X] | **A** |'));
    const d = decide(queue, { op: 'done', id: 'A', agent: 'X' });
    d.follow = (after) => reconcileDependents(after, 'A')[0];
    const applied = await applyDecision(queue, d);
    expect(applied.derived).toEqual([]);
    expect(applied.after.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('removes a mark beside a story that is no longer done, and writes [DONE] marks where the file does', async () => {
    const reopened = `${head}| [ ] | **A** | a | None |\n| [BLOCKED] | **B** | b | A ✅ |\n`;
    expect(await render(reopened)).toBe(`${head}| [ ] | **A** | a | None |\n| [BLOCKED] | **B** | b | A |\n`);
    const bracket = `${head}| [DONE] | **A** | a | None |\n| [DONE] | **C** | c | None |\n| [ ] | **B** | b | C [DONE], A |\n`;
    expect(await render(bracket)).toBe(bracket.replace('C [DONE], A |', 'C [DONE], A [DONE] |'));
    const none = `${head}| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A |\n`;
    expect(await render(none)).toBe(none);
  });

  it('writes a mark after the code span, link or emphasis a reference ends, a range as one, never where a reader does not see it', async () => {
    // M ✅ says the file writes ✅. Done: A, B, C; open: D.
    const rows = ['| [DONE] | **M** | m | None |', '| [ ] | **N** | n | M ✅ |'];
    for (const id of ['A', 'B', 'C']) rows.push(`| [DONE] | **${id}** | x | None |`);
    rows.push('| [ ] | **D** | x | None |', '| [ ] | **A.1** | x | None |');
    const cases: Array<[string, string]> = [
      ['`A`, B', '`A` ✅, B ✅'],
      ['[A](stories/A.md)', '[A](stories/A.md) ✅'],
      ['**A**', '**A** ✅'],
      ['[**A**](x "t (a)"), `D`', '[**A**](x "t (a)") ✅, `D`'],
      // A range is one reference: marked after its end once every member is done, else not at all.
      ['A1..A3', 'A1..A3 ✅'],
      ['A01..03, B', 'A01..03 ✅, B ✅'],
      ['A1..A4', 'A1..A4'],
      ['A1..A4 ✅', 'A1..A4'],
      // Seen nowhere on GitHub: a link's destination, an HTML comment, an autolink.
      ['[see](stories/A.md), A', '[see](stories/A.md), A ✅'],
      ['<!-- A --> A', '<!-- A --> A ✅'],
      // Marks an earlier writer put inside a code span or link text are removed where they are.
      ['`D ✅`', '`D`'],
      ['[D ✅](x)', '[D](x)'],
      // Inside a span or link text that holds more, the mark stays beside its reference.
      ['`A, D`', '`A ✅, D`'],
      ['`D, A`', '`D, A` ✅'],
      ['[`A`](x.md)', '[`A`](x.md) ✅'],
      // Not before a parenthesis or bracket, which would make a bracketed mark a link.
      ['`A`(notes)', '`A ✅`(notes)'],
      // A link title with a parenthesis, a destination with parentheses two deep, prose with < and >.
      ['[A](x.md "a) b")', '[A](x.md "a) b") ✅'],
      ['[see](a/(b(c))/A.md), A', '[see](a/(b(c))/A.md), A ✅'],
      ['D (<3d), A (>1d)', 'D (<3d), A ✅ (>1d)'],
      // Emphasis by underscores; a longer id that starts with the reference; an ellipsis.
      ['_A_, __B__', '_A_ ✅, __B__ ✅'],
      ['A.1, A', 'A.1, A ✅'],
      ['A...', 'A ✅...'],
      // A story named alone and in a range; a range whose ends are wrapped apart gets no mark; a
      // mark an earlier writer put after a range's first member counts for the range.
      ['B, A1..A3', 'B ✅, A1..A3 ✅'],
      ['B, A1..A4', 'B ✅, A1..A4'],
      ['`A1`..`A4`', '`A1`..`A4`'],
      ['A1 ✅..A3', 'A1 ✅..A3'],
      ['A1 ✅..A4', 'A1..A4'],
      // After an HTML element or brackets that hold the reference alone (inside brackets a mark would
      // read as a tag, and the reference with it).
      ['<b>A</b>, <span>B, D</span>', '<b>A</b> ✅, <span>B ✅, D</span>'],
      ['[A1], [A01][]', '[A1] ✅, [A01][] ✅'],
    ];
    for (let k = 1; k <= 4; k++) rows.push(`| ${k < 4 ? '[DONE]' : '[ ]'} | **A${k}** | x | None |`, `| [DONE] | **A0${k}** | x | None |`);
    for (const [cell, want] of cases) {
      const above = `${head}${rows.join('\n')}\n`;
      const once = await render(`${above}| [ ] | **Z** | z | ${cell} |\n`);
      expect(once, cell).toBe(`${above}| [ ] | **Z** | z | ${want} |\n`);
      expect(await render(once), cell).toBe(once);
    }
  });

  it('writes the mark most Depends On cells hold, whatever the other cells hold; ✅ on a tie', async () => {
    // ✅ in titles (three rows) does not count: only the [DONE] beside C does.
    const titles = `${head}| [DONE] | **A** | a ✅ | None |\n| [DONE] | **C** | c ✅ | None |\n| [ ] | **D** | d ✅ | C [DONE] |\n| [ ] | **B** | b | A |\n`;
    expect(await render(titles)).toBe(titles.replace('| b | A |', '| b | A [DONE] |'));
    const most = `${head}| [DONE] | **A** | a | None |\n| [DONE] | **C** | c | None |\n| [ ] | **D** | d | C [DONE] |\n| [ ] | **E** | e | C [done] |\n| [ ] | **F** | f | C ✅ |\n| [ ] | **B** | b | A |\n`;
    expect(await render(most)).toBe(most.replace('| b | A |', '| b | A [DONE] |'));
    const tie = `${head}| [DONE] | **A** | a | None |\n| [DONE] | **C** | c | None |\n| [ ] | **D** | d | C [DONE] |\n| [ ] | **F** | f | C ✅ |\n| [ ] | **B** | b | A |\n`;
    expect(await render(tie)).toBe(tie.replace('| b | A |', '| b | A ✅ |'));
  });

  it('fills generated blocks between markers, and leaves them alone the second time', async () => {
    const text =
      '# Q\n\n<!-- queue:ready -->\n<!-- /queue:ready -->\n\n<!-- queue:progress -->\nold\n<!-- /queue:progress -->\n\n<!-- queue:graph -->\n<!-- /queue:graph -->\n\n## Tier 1\n\n' +
      head +
      '| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A ✅ |\n';
    const out = await render(text);
    expect(out).toContain('<!-- queue:ready -->\n\n| Story | Description | Depends On |\n|-------|-------------|------------|\n| **B** | b | A |\n\n<!-- /queue:ready -->');
    expect(out).toContain('| Tier 1 | 1/2 | █████░░░░░ 50% |');
    expect(out).toMatch(/```mermaid\ngraph TD\n {2}s0\["A: a"\]:::done\n {2}s1\["B: b"\]:::ready\n {2}s0 --> s1\n/);
    expect(await render(out)).toBe(out);
    expect((await q(out)).stories.map((s) => s.id)).toEqual(['A', 'B']);
  });

  it('progress bars', () => {
    expect([progressBar(0, 4), progressBar(1, 3), progressBar(4, 4), progressBar(0, 0)]).toEqual(['░░░░░░░░░░ 0%', '███░░░░░░░ 33%', '██████████ 100%', '░░░░░░░░░░ 0%']);
  });
});

/** Render every file of `files`: never a throw but a refusal, only the rows of the stories it names
 * change, and a second render finds nothing to do. Returns how many files it changed. */
async function renderEach(files: string[]): Promise<number> {
  let rendered = 0;
  for (const file of files) {
    const text = read(file);
    const queue = await q(text);
    const d = renderDecision(queue, 'queue');
    if (d.unchanged) continue;
    let out: string;
    try {
      out = (await applyDecision(queue, d)).content;
    } catch (e) {
      expect(e, file).toBeInstanceOf(QueueError);
      continue;
    }
    const again = await q(out);
    expect(
      reconcile(again).flatMap((r) => r.effects.map(describeEffect)),
      file,
    ).toEqual([]);
    // Only the rows of stories whose status or marks changed differ.
    const a = text.split('\n');
    const b = out.split('\n');
    expect(b.length, file).toBe(a.length);
    // `unblock B`, `block E (waits on F)` name the story second; `mark A ✅ in B` last.
    const changed = new Set(
      reconcile(queue)
        .flatMap((r) => r.effects.map(describeEffect))
        .map((x) => (/^(?:un)?block /.test(x) ? x.split(' ')[1] : x.split(' ').pop()!)),
    );
    for (let i = 0; i < a.length; i++)
      if (a[i] !== b[i])
        expect(
          [...changed].some((id) => a[i].includes(id)),
          `${file}:${i + 1}`,
        ).toBe(true);
    rendered++;
  }
  return rendered;
}

describe('render over whole files', () => {
  it('the fixtures: never throws anything but a refusal, edits only what it says, and is idempotent', async () => {
    expect(await renderEach(fixtureFiles())).toBeGreaterThan(2);
  });

  it.skipIf(withoutCorpus('render over ../shared/corpus'))(
    'the corpus: never throws anything but a refusal, edits only what it says, and is idempotent',
    async () => {
      expect(await renderEach(corpusFiles())).toBeGreaterThan(5);
    },
    120_000,
  );
});

describe('the Completed log takes stories marked done by hand', () => {
  const log = read(fixture('completed-log.md'));
  const byHand = log.replace('| [IN PROGRESS: Dev 1] | **OPS-4** |', '| [DONE] | **OPS-4** |');

  it('render appends a story done since the earlier state, with its own wave (its level in the graph), not the last row’s', async () => {
    const since = await q(log);
    const queue = await q(byHand);
    expect(queue.graph.depth('OPS-4')).toBe(3);
    const d = renderDecision(queue, 'queue', undefined, since);
    expect(d.effects).toContainEqual({ kind: 'log', id: 'OPS-4' });
    const out = (await applyDecision(queue, d)).content;
    // After the log's last row (OPS-3, wave 2), named for who held it before.
    expect(out).toContain('| [DONE] **OPS-3** | Structured logging | Dev 3 | 2 |\n| [DONE] **OPS-4** | Metrics exporter | Dev 1 | 3 |\n');
    // A second render, from the same earlier state, finds the story logged.
    const again = renderDecision(await q(out), 'queue', undefined, since);
    expect(again.unchanged).toBe(true);
  });

  it('stories done since then in one pass are appended in file order, each with its wave; without an earlier state the log is left alone', async () => {
    const two = byHand.replace('| [ ] | **OPS-5** |', '| [DONE] | **OPS-5** |');
    const queue = await q(two);
    const out = (await applyDecision(queue, renderDecision(queue, 'Dev 9', undefined, await q(log)))).content;
    expect(out).toContain('| [DONE] **OPS-4** | Metrics exporter | Dev 1 | 3 |\n| [DONE] **OPS-5** | Trace propagation | Dev 9 | 3 |\n');
    expect(renderDecision(queue, 'queue').effects.some((e) => e.kind === 'log')).toBe(false);
    // A story already done then is not a hand edit of this render's.
    expect(renderDecision(queue, 'queue', undefined, queue).effects.some((e) => e.kind === 'log')).toBe(false);
  });
});

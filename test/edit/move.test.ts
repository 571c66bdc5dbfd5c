import { describe, expect, it } from 'vitest';
import { describeEffect } from '../../src/domain/effects.js';
import { QueueError } from '../../src/domain/errors.js';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { sectionStatus } from '../../src/dialect/sections.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, type Operation } from '../../src/edit/decide.js';
import { decideDep } from '../../src/edit/structure.js';
import { formerOf } from '../../src/edit/former.js';
import { rankReady } from '../../src/model/rank.js';
import { join } from 'node:path';
import { fixture, read, REAL, withoutCorpus } from '../helpers.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);

async function run(text: string, op: Operation): Promise<string> {
  const queue = await q(text);
  return (await applyDecision(queue, decide(queue, op))).content;
}

async function refusal(text: string, op: Operation): Promise<QueueError> {
  const queue = await q(text);
  try {
    await applyDecision(queue, decide(queue, op));
  } catch (e) {
    if (e instanceof QueueError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** A queue in mav2287/work-queue-skill's form: status is the section the item lives in; an empty
 * section says `_None._`. */
const block = (id: string, title: string, extra = '') =>
  `### ${id} ${title}\n\n- **Type**: feature\n- **Priority**: P1${extra}\n\n**Acceptance**\n- [ ] ${title} works\n- [ ] tests cover it\n\n`;
const md =
  '# Work Queue\n\n## Queue Rules\n\n- Status is the section the item lives in.\n\n' +
  '## In progress\n\n_None._\n\n## Blocked\n\n' +
  block('WQ-3', 'Three', '\n- **Blocked on**: the API key') +
  '## Ready\n\n' +
  block('WQ-4', 'Four') +
  block('WQ-5', 'Five') +
  block('WQ-6', 'Six') +
  '## Done\n\n' +
  block('WQ-2', 'Two') +
  block('WQ-1', 'One') +
  '## Inbox\n\n_None._\n';

describe('a block moved in a file that mixes line endings', () => {
  it('keeps each line of the block, and the blank line after it, ending as written; a release gives the same bytes back', async () => {
    // The file's first ending is LF; WQ-5's block (its blank line after it too) was written on Windows.
    const five = block('WQ-5', 'Five');
    const mixed = md.replace(five, five.replace(/\n/g, '\r\n'));
    expect(mixed).not.toBe(md);
    const claimed = await run(mixed, { op: 'claim', id: 'WQ-5', agent: 'Dev 2', maxClaims: 1 });
    const moved = claimed.slice(claimed.indexOf('### WQ-5'), claimed.indexOf('## Blocked'));
    expect(moved).toBe(
      '### WQ-5 Five\r\n\r\n- **Type**: feature\r\n- **Priority**: P1\r\n- **Claimed by**: Dev 2\r\n\r\n**Acceptance**\r\n- [ ] Five works\r\n- [ ] tests cover it\r\n\r\n',
    );
    // Every line outside the block is as it was.
    expect(claimed.replace(moved, '').replace(/\r/g, '')).toBe(md.replace(block('WQ-5', 'Five'), '').replace('_None._\n\n', ''));
    expect(await run(claimed, { op: 'release', id: 'WQ-5', agent: 'Dev 2' })).toBe(mixed);
  });

  it('a field added after a CRLF field line ends CRLF, and the line before keeps its ending', async () => {
    const six = block('WQ-6', 'Six');
    const mixed = md.replace(six, six.replace('- **Priority**: P1\n', '- **Priority**: P1\r\n'));
    const out = await run(mixed, { op: 'claim', id: 'WQ-6', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toContain('- **Priority**: P1\r\n- **Claimed by**: Dev 2\r\n\n**Acceptance**');
  });
});

const heading = (text: string, depth = 2) => sectionStatus({ depth, text, line: 1, start: 0 });

describe('section headings that state a status', () => {
  it('reads a status phrase alone as exact, a phrase with a qualifier as a section status, and titles as nothing', () => {
    const of = (t: string) => {
      const s = heading(t);
      return s && [s.status.category, s.exact];
    };
    expect(of('Ready')).toEqual(['todo', true]);
    expect(of('🔄 In Progress')).toEqual(['in_progress', true]);
    expect(of('✅ Done (12)')).toEqual(['done', true]);
    expect(of('Needs refinement')).toEqual(['blocked', true]);
    expect(of('Blocked on the owner — nobody can build past these')).toEqual(['blocked', false]);
    expect(of('In progress — claimed')).toEqual(['in_progress', false]);
    expect(of('Waiting for user')).toEqual(['blocked', false]);
    // A collection noun after a phrase that is not an imperative: binary-100's `## Done log`.
    expect(of('Done log')).toEqual(['done', false]);
    expect(of('Blocked tasks')).toEqual(['blocked', false]);
    expect(of('Completed Tickets')).toEqual(['done', false]);
    for (const title of ['Review tasks', 'Next items', 'Ready list', 'Done logging']) expect(of(title), title).toBeNull();
    for (const title of [
      'Review Gate',
      'Active Sprint',
      'Active queue (ordered)',
      'Doneness criteria',
      'Ready to build — unclaimed',
      'Next Version Planning: v0.3.14',
      'Queue Rules',
    ]) {
      expect(of(title), title).toBeNull();
    }
    expect(heading('Done', 1)).toBeNull();
    expect(heading('Blocked on the owner')!.status.reason).toBe('Blocked on the owner');
  });
});

describe('heading blocks whose status is their section', () => {
  it('reads each id heading as a story with its section status; its check boxes are its checklist', async () => {
    const queue = await q(md);
    expect(queue.stories.map((s) => [s.id, s.status.category, s.status.raw])).toEqual([
      ['WQ-3', 'blocked', 'Blocked'],
      ['WQ-4', 'todo', 'Ready'],
      ['WQ-5', 'todo', 'Ready'],
      ['WQ-6', 'todo', 'Ready'],
      ['WQ-2', 'done', 'Done'],
      ['WQ-1', 'done', 'Done'],
    ]);
    const s3 = queue.graph.byId.get('WQ-3')!;
    expect([s3.status.reason, s3.priority, queue.graph.isReady(queue.graph.byId.get('WQ-4')!)]).toEqual(['the API key', 'P1', true]);
    expect(s3.checklist).toEqual([
      { text: 'Three works', done: false },
      { text: 'tests cover it', done: false },
    ]);
    expect(decide(queue, { op: 'claim', agent: 'A', maxClaims: 1 }).id).toBe('WQ-4');
  });

  it('claim moves the block to In progress, names the claimant in its field list, and swaps the placeholders', async () => {
    const claimed = await run(md, { op: 'claim', id: 'WQ-4', agent: 'Dev 2', maxClaims: 1 });
    const four = block('WQ-4', 'Four', '\n- **Claimed by**: Dev 2');
    expect(claimed).toBe(md.replace('## In progress\n\n_None._\n\n', `## In progress\n\n${four}`).replace(block('WQ-4', 'Four'), ''));
    const s = (await q(claimed)).graph.byId.get('WQ-4')!;
    expect([s.status.category, s.claimant]).toEqual(['in_progress', 'Dev 2']);
    // The last one out of Ready leaves the file's placeholder behind.
    const two = await run(await run(claimed, { op: 'done', id: 'WQ-4', agent: 'Dev 2' }), { op: 'claim', id: 'WQ-5', agent: 'Dev 2', maxClaims: 1 });
    expect(await run(two, { op: 'claim', id: 'WQ-6', agent: 'Dev 3', maxClaims: 1 })).toContain('## Ready\n\n_None._\n\n## Done');
  });

  it('done goes where the ids keep their order (newest first here), and keeps who did it', async () => {
    const claimed = await run(md, { op: 'claim', id: 'WQ-4', agent: 'Dev 2', maxClaims: 1 });
    const done = await run(claimed, { op: 'done', id: 'WQ-4', agent: 'Dev 2' });
    expect(done).toContain(`## Done\n\n${block('WQ-4', 'Four', '\n- **Claimed by**: Dev 2')}${block('WQ-2', 'Two')}`);
    expect(done).toContain('## In progress\n\n_None._\n\n## Blocked');
    expect((await q(done)).graph.byId.get('WQ-4')!.status.category).toBe('done');
    // Reopened, it goes back among the ready ones in their (ascending) order, without the claim:
    // the file reads as it did before the claim, byte for byte.
    const reopened = await run(done, { op: 'reopen', id: 'WQ-4', agent: 'X' });
    expect(reopened).toBe(md);
  });

  it('block writes the reason as Blocked on; unblock moves it back and drops it: the file reads as before', async () => {
    const held = await run(md, { op: 'block', id: 'WQ-5', agent: 'X', reason: 'waiting on WQ-3' });
    expect(held).toContain(`## Blocked\n\n${block('WQ-3', 'Three', '\n- **Blocked on**: the API key')}${block('WQ-5', 'Five', '\n- **Blocked on**: waiting on WQ-3')}## Ready`);
    expect((await q(held)).graph.byId.get('WQ-5')!.status.reason).toBe('waiting on WQ-3');
    expect(await run(held, { op: 'unblock', id: 'WQ-5', agent: 'X' })).toBe(md);
    const unheld = await run(md, { op: 'unblock', id: 'WQ-3', agent: 'X' });
    expect(unheld).toContain(`## Ready\n\n${block('WQ-3', 'Three')}${block('WQ-4', 'Four')}`);
  });

  it('refuses, with the sections it found, a status no section states', async () => {
    const claimed = await run(md, { op: 'claim', id: 'WQ-4', agent: 'A', maxClaims: 1 });
    const e = await refusal(claimed, { op: 'review', id: 'WQ-4', agent: 'A' });
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(/WORK_QUEUE\.md:\d+: .*"In progress", line 7.*no section beside it says in review \(sections: "In progress", "Blocked", "Ready", "Done", "Inbox"\)/);
  });

  it('with no section saying in progress, its stories are not offered, and validate says why', async () => {
    const backlog = '# Queue\n\n## Backlog\n\n### WQ-1 One\n- **Priority**: P1\n\n## Done\n\n### WQ-0 Zero\n- **Priority**: P2\n';
    const queue = await q(backlog);
    // Not ready (list and show say so), and listed as blocked with why.
    expect(queue.graph.ready().map((s) => s.id)).toEqual([]);
    expect(queue.graph.blocked().map((b) => [b.story.id, b.unclaimable])).toEqual([['WQ-1', true]]);
    expect(rankReady(queue.graph).map((s) => s.id)).toEqual([]);
    expect(queue.diagnostics.map((d) => [d.code, d.line])).toEqual([['no_claim_section', 3]]);
    expect((await refusal(backlog, { op: 'claim', id: 'WQ-1', agent: 'A', maxClaims: 1 })).code).toBe('invalid');
    // With one, they are.
    const ready = await q(backlog.replace('## Backlog', '## In progress\n\n_None._\n\n## Backlog'));
    expect(rankReady(ready.graph).map((s) => s.id)).toEqual(['WQ-1']);
    expect(ready.diagnostics).toEqual([]);
  });

  it('a block with no field list gets one, a list item right after its heading, and loses it again when released', async () => {
    // A blank line after the heading: the round trip gives the file back.
    const bare = md.replace(block('WQ-5', 'Five'), '### WQ-5 Five\n\nJust prose.\n\n');
    const claimed = await run(bare, { op: 'claim', id: 'WQ-5', agent: 'A', maxClaims: 1 });
    expect(claimed).toContain('## In progress\n\n### WQ-5 Five\n- **Claimed by**: A\n\nJust prose.\n\n## Blocked');
    expect(await run(claimed, { op: 'release', id: 'WQ-5', agent: 'A' })).toBe(bare);
    // Prose right under the heading: a blank line keeps the item from running on into it.
    const tight = md.replace(block('WQ-5', 'Five'), '### WQ-5 Five\nJust prose.\n\n');
    expect(await run(tight, { op: 'claim', id: 'WQ-5', agent: 'A', maxClaims: 1 })).toContain('### WQ-5 Five\n- **Claimed by**: A\n\nJust prose.\n');
    expect(await run(tight, { op: 'block', id: 'WQ-5', agent: 'A', reason: 'the vendor' })).toContain('### WQ-5 Five\n- **Blocked on**: the vendor\n\nJust prose.\n');
  });

  it('a block that ends a file without a final newline leaves it without one, and a release puts back the same bytes', async () => {
    const unended = '# Q\n\n## In progress\n\n_None._\n\n## Ready\n\n### WQ-1 One\nDo it.\n\n### WQ-2 Two\nMore.';
    const claimed = await run(unended, { op: 'claim', id: 'WQ-2', agent: 'A', maxClaims: 1 });
    expect(claimed).toBe('# Q\n\n## In progress\n\n### WQ-2 Two\n- **Claimed by**: A\n\nMore.\n\n## Ready\n\n### WQ-1 One\nDo it.');
    const former = formerOf(await q(unended), 'WQ-2');
    expect(await run(claimed, { op: 'release', id: 'WQ-2', agent: 'A', former })).toBe(unended);
    // The section's only block: the file's placeholder takes its place, still without a final
    // newline; with none, the section's heading ends the file.
    const alone = '# Q\n\n## In progress\n\n## Ready\n\n### WQ-2 Two\nMore.';
    const moved = '# Q\n\n## In progress\n\n### WQ-2 Two\n- **Claimed by**: A\n\nMore.\n\n';
    expect(await run(alone, { op: 'claim', id: 'WQ-2', agent: 'A', maxClaims: 1 })).toBe(`${moved}## Ready`);
    const placeheld = alone.replace('## Ready', '## Done\n\n_None._\n\n## Ready');
    expect(await run(placeheld, { op: 'claim', id: 'WQ-2', agent: 'A', maxClaims: 1 })).toBe(`${moved}## Done\n\n_None._\n\n## Ready\n\n_None._`);
  });

  it('a claim of a block whose last field is a Blocked on line that goes puts Claimed by in its place', async () => {
    const text = '# Q\n\n## In progress\n\n_None._\n\n## Ready\n\n### WQ-1 One\n- **Blocked on**: vendor\n';
    expect(await run(text, { op: 'claim', id: 'WQ-1', agent: 'A', maxClaims: 1 })).toBe('# Q\n\n## In progress\n\n### WQ-1 One\n- **Claimed by**: A\n\n## Ready\n\n_None._\n');
  });

  it("a field list in another language is written after, and an empty section's placeholder in it is known", async () => {
    const ru = '# Очередь\n\n## В работе\n\n_Нет._\n\n## Следующее\n\n### ORD-001 Каталог\n- **Приоритет**: P1\n\n### ORD-002 Оплата\n- **Приоритет**: P2\n';
    const claimed = await run(ru, { op: 'claim', id: 'ORD-001', agent: 'A', maxClaims: 1 });
    expect(claimed).toBe('# Очередь\n\n## В работе\n\n### ORD-001 Каталог\n- **Приоритет**: P1\n- **Claimed by**: A\n\n## Следующее\n\n### ORD-002 Оплата\n- **Приоритет**: P2\n');
  });

  it('dep adds a Depends on line after the field list, in its dress', async () => {
    const queue = await q(md);
    const out = (await applyDecision(queue, decideDep(queue, 'add', 'WQ-5', 'WQ-4', 'X'))).content;
    expect(out).toBe(md.replace(block('WQ-5', 'Five'), block('WQ-5', 'Five', '\n- **Depends on**: WQ-4')));
  });
});

describe('task items under a section that states a status', () => {
  const tasks =
    '# Queue\n\n## Blocked on the owner — nobody can build past these\n\n- [ ] Deploy to production\n- [ ] Open the bank account [IN PROGRESS: A]\n\n## Ready\n\n- [ ] Write the docs\n- [x] Set up CI\n';

  it('an open box takes the hold from its section; a tag or a checked box says more than the section', async () => {
    const queue = await q(tasks);
    expect(queue.stories.map((s) => [s.title, s.status.category, s.status.reason])).toEqual([
      ['Deploy to production', 'blocked', 'Blocked on the owner — nobody can build past these'],
      ['Open the bank account', 'in_progress', null],
      ['Write the docs', 'todo', null],
      ['Set up CI', 'done', null],
    ]);
  });

  it('a write that would need the item out of its section is refused, naming the section', async () => {
    const queue = await q(tasks);
    const id = queue.stories[0].id;
    expect((await refusal(tasks, { op: 'claim', id, agent: 'B', maxClaims: 1 })).code).toBe('not_ready');
    const e = await refusal(tasks, { op: 'unblock', id, agent: 'B' });
    expect([e.code, e.message]).toEqual([
      'invalid',
      expect.stringContaining('WORK_QUEUE.md:5:1: this item\'s status is the section it sits in ("Blocked on the owner — nobody can build past these", line 3)'),
    ]);
  });
});

/** The lines of `text` a move may not change: all but blank lines, placeholders and the fields it owns. */
const kept = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '' && l !== '_None._' && !/^- \*\*(?:Claimed by|Blocked on)\*\*:/.test(l))
    .sort();

/** Every ready story of `original` (at least `atLeast` of them) claims, finishes and reopens by moving
 * its block, every other line kept, and comes back among the ready ones. */
async function everyReadyStoryMoves(original: string, atLeast: number) {
  const before = await q(original);
  const ready = before.stories.filter((s) => before.graph.isReady(s));
  expect(ready.length).toBeGreaterThanOrEqual(atLeast);
  for (const s of ready) {
    let text = original;
    for (const op of [
      { op: 'claim', id: s.id, agent: 'Dev 2', maxClaims: 1 },
      { op: 'done', id: s.id, agent: 'Dev 2' },
      { op: 'reopen', id: s.id, agent: 'Dev 2' },
    ] as Operation[]) {
      const queue: Queue = await q(text);
      const applied = await applyDecision(queue, decide(queue, op));
      expect(kept(applied.content), `${op.op} ${s.id}`).toEqual(kept(text));
      expect(applied.after.stories.length).toBe(before.stories.length);
      text = applied.content;
    }
    // Back among the ready ones, in id order: the file is as it was but for the claim's field.
    const restored = (await q(text)).graph.byId.get(s.id)!;
    expect([restored.status.category, restored.sectionPath.at(-1)]).toEqual(['todo', s.sectionPath.at(-1)]);
  }
}

describe('every ready story of a section-status queue moves and comes back', () => {
  it('test/fixtures/sections.md: claim, done and reopen move the block, every other line kept', async () => {
    await everyReadyStoryMoves(read(fixture('sections.md')), 3);
  });

  it.skipIf(withoutCorpus('moves over mav2287/work-queue-skill (../shared/corpus)'))(
    'over ../shared/corpus: mav2287/work-queue-skill, every ready story claims, finishes and reopens by moving its block, every other line kept',
    async () => {
      await everyReadyStoryMoves(read(join(REAL, 'mav2287__work-queue-skill__WORK_QUEUE.md')), 21);
    },
  );
});

describe('listings: tables with no status column under a heading that states one', () => {
  const main = '| ID | Title | Status | Depends On |\n|---|---|---|---|\n| T-1 | One | DONE | None |\n| T-2 | Two | BLOCKED | T-1 |\n| T-3 | Three | PENDING | T-1 |\n';
  const text =
    '# Queue\n\n## Queue\n\n' +
    main +
    '\n## Completed\n\n| ID | Title | Completed |\n|---|---|---|\n| T-1 | One | 2026-06-07 |\n' +
    '\n## Blocked\n\n| ID | Title | Reason |\n|---|---|---|\n| T-2 | Two | waits on a key |\n' +
    '\n## In progress — claimed\n\n| Item | Session | Branch |\n|---|---|---|\n| Knowledge base | this session | `feature/kb` |\n' +
    '\n## Next — waiting for an accepted input\n\n| Work | Required input |\n|---|---|\n| UI-002 screen spec | UI-001 note |\n';

  it('reads each row as a story with the heading status; a row of the main table stays the primary', async () => {
    const queue = await q(text);
    const kb = queue.stories.find((s) => s.title === 'Knowledge base')!;
    expect([kb.status.category, kb.derivedId, kb.fields.Session, kb.occurrences[0].kind]).toEqual(['in_progress', true, 'this session', 'log']);
    const t2 = queue.graph.byId.get('T-2')!;
    expect(t2.occurrences.map((o) => [o.kind, o.line])).toEqual([
      ['table', 8],
      ['log', 21],
    ]);
    expect(queue.graph.byId.get('T-1')!.occurrences.map((o) => o.kind)).toEqual(['table', 'log']);
    // "Next — waiting for…" says what its items wait on: not a list of ready work.
    expect(queue.stories.some((s) => s.title.startsWith('UI-002'))).toBe(false);
    expect(queue.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(queue.stories).toHaveLength(4);
  });

  it.skipIf(withoutCorpus("binary-100's Done log (../shared/corpus)"))(
    'reads binary-100\'s "## Done log" table, and leaves its empty Inbox and Parked tables with no story',
    async () => {
      const queue = await q(read(join(REAL, 'binary-100__BSODAnalyzer__docs__WORK_QUEUE.md')));
      expect(queue.stories.map((s) => [s.id, s.status.category, s.occurrences[0].kind])).toEqual([
        ['WQ-003', 'in_progress', 'table'],
        ['WQ-001', 'done', 'log'],
        ['WQ-002', 'done', 'log'],
      ]);
      expect(queue.graph.byId.get('WQ-001')!.fields.Completed).toBe('2026-08-31');
    },
  );

  it('a listing that contradicts the main table is an error, not a silent pick', async () => {
    const queue = await q(text.replace('| T-2 | Two | waits on a key |', '| T-3 | Three | waits on a key |'));
    expect(queue.diagnostics.find((d) => d.code === 'duplicate_conflict')).toMatchObject({ line: 21, story: 'T-3' });
  });

  it('unblock and reopen drop the listing rows that no longer hold; done leaves a plain-id Completed table alone', async () => {
    const unblocked = await run(text, { op: 'unblock', id: 'T-2', agent: 'a' });
    expect(unblocked).toBe(text.replace('| T-2 | Two | BLOCKED |', '| T-2 | Two | PENDING |').replace('| T-2 | Two | waits on a key |\n', ''));
    const reopened = await run(text, { op: 'reopen', id: 'T-1', agent: 'a' });
    expect(reopened).toBe(text.replace('| T-1 | One | DONE |', '| T-1 | One | PENDING |').replace('| T-1 | One | 2026-06-07 |\n', ''));
    const claimed = await run(text, { op: 'claim', id: 'T-3', agent: 'a', maxClaims: 1 });
    const done = await run(claimed, { op: 'done', id: 'T-3', agent: 'a' });
    expect(done).toBe(text.replace('| T-3 | Three | PENDING |', '| T-3 | Three | DONE |'));
  });

  it("a story written only in a listing is refused a write, naming the table's heading", async () => {
    const queue = await q(text);
    const kb = queue.stories.find((s) => s.title === 'Knowledge base')!;
    const e = await refusal(text, { op: 'done', id: kb.id, agent: 'a' });
    expect(e.code).toBe('parse_error');
    expect(e.message).toMatch(/^WORK_QUEUE\.md:27:1: .* table under "## In progress — claimed" \(line 23\), which has no status column/);
  });

  it.skipIf(withoutCorpus("PunxsyProminence's and 00-Aryan's listings (../shared/corpus)"))(
    "over ../shared/corpus: PunxsyProminence's claimed item and 00-Aryan's Completed table",
    async () => {
      const punxsy = await q(read(join(REAL, 'PunxsyProminence__ppbf-platform__docs__WORK_QUEUE.md')));
      const claimed = punxsy.stories.filter((s) => s.status.category === 'in_progress');
      expect(claimed.map((s) => s.title)).toEqual(['Knowledge + feedback (drills, Rabbit Holes, feedback box)']);
      expect(punxsy.stories.filter((s) => punxsy.graph.isReady(s)).map((s) => s.id)).not.toContain(claimed[0].id);
      const aryan = await q(read(join(REAL, '00-Aryan__Content-Creation-Automation__WORK_QUEUE.md')));
      expect(aryan.stories).toHaveLength(8);
      // Its Blocked table's delimiter row has 3 cells for 4 headers: not a table (GitHub agrees).
      expect(aryan.graph.byId.get('TASK-003')!.occurrences.map((o) => o.kind)).toEqual(['table']);
      expect(aryan.graph.byId.get('TASK-004')!.occurrences.map((o) => o.kind)).toEqual(['table', 'log']);
      expect(aryan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    },
  );
});

describe('listings and the reconciler', () => {
  it('a story a listing holds as blocked is not unblocked by a render (that would contradict the listing)', async () => {
    const { reconcile } = await import('../../src/reconcile/reconcile.js');
    const text =
      '## Queue\n\n| ID | Title | Status | Depends On |\n|---|---|---|---|\n| T-1 | One | DONE | None |\n| T-2 | Two | BLOCKED | T-1 |\n| T-3 | Three | BLOCKED | T-1 |\n' +
      '\n## Blocked\n\n| ID | Reason |\n|---|---|\n| T-2 | waits on a key |\n';
    const actions = reconcile(await q(text)).flatMap((r) => r.effects.map(describeEffect));
    expect(actions).toContain('unblock T-3');
    expect(actions.filter((a) => a.includes('T-2'))).toEqual([]);
  });
});

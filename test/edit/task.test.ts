import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, type Operation } from '../../src/edit/decide.js';
import { decideAdd, decideDep, type AddRequest } from '../../src/edit/structure.js';
import { corpusFiles, fixtureFiles, withoutCorpus } from '../helpers.js';
import { statusChanges } from './status-changes.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);

async function run(text: string, op: Operation): Promise<string> {
  const queue = await q(text);
  return (await applyDecision(queue, decide(queue, op))).content;
}

async function refusal(text: string, op: Operation): Promise<QueueError> {
  const e = await run(text, op).catch((x) => x);
  if (e instanceof QueueError) return e;
  throw new Error(`expected a refusal, got ${String(e).slice(0, 200)}`);
}

describe('status writes on task-list items', () => {
  const md = [
    '# Queue',
    '',
    '## Now',
    '',
    '- [x] T-1 Scaffold the repo',
    '- [ ] T-2 Parser (depends on: T-1)',
    '- [ ] T-3 Watcher (depends on: T-2)',
    '- [ ] Write the README',
    '',
  ].join('\n');

  it('an item written with a box GitHub does not know is no story, and a warning says so (not in a code block)', async () => {
    const text = [
      '- [x] **A-1** Lexer',
      '- [~] **A-3** Half done',
      '  - [/] **A-5** Partial',
      '- [-] Excluded, no id',
      '- [ ] **A-4** Printer (depends on: A-3)',
      '',
      '```md',
      '- [~] **A-9** an example in a fence',
      '```',
      '',
    ].join('\n');
    const queue = await q(text);
    expect(queue.stories.map((x) => x.id)).toEqual(['A-1', 'A-4']);
    expect(queue.diagnostics.filter((d) => d.code === 'unknown_box').map((d) => `${d.line}:${d.column} ${d.message.slice(0, 53)}`)).toEqual([
      '2:1 "[~]" is no check box GitHub\'s Markdown knows, so A-3',
      '3:3 "[/]" is no check box GitHub\'s Markdown knows, so A-5',
      '4:1 "[-]" is no check box GitHub\'s Markdown knows, so thi',
    ]);
    // Beside a story table, an item without an id is not taken for a story gone unread.
    expect((await q(`| Status | Story |\n|---|---|\n| [ ] | A-1 |\n\n- [-] Excluded\n`)).diagnostics.map((d) => d.code)).not.toContain('unknown_box');
  });

  it('claim appends the tag to the item, a one-line change; the title, id and dependencies read as before', async () => {
    const out = await run(md, { op: 'claim', id: 'T-2', agent: 'Dev 2', maxClaims: 1 });
    expect(out).toBe(md.replace('- [ ] T-2 Parser (depends on: T-1)', '- [ ] T-2 Parser (depends on: T-1) [IN PROGRESS: Dev 2]'));
    const s = (await q(out)).graph.byId.get('T-2')!;
    expect([s.status.category, s.claimant, s.title, s.deps.map((d) => d.id)]).toEqual(['in_progress', 'Dev 2', 'Parser', ['T-1']]);
  });

  it('an item with no id keeps the id derived from its title when claimed and done', async () => {
    const before = (await q(md)).stories.find((s) => s.title === 'Write the README')!;
    expect(before.derivedId).toBe(true);
    const claimed = await run(md, { op: 'claim', id: before.id, agent: 'A', maxClaims: 1 });
    expect((await q(claimed)).graph.byId.get(before.id)?.claimant).toBe('A');
    const done = await run(claimed, { op: 'done', id: before.id, agent: 'A' });
    expect(done).toBe(md.replace('- [ ] Write the README', '- [x] Write the README'));
  });

  it('review, done, reopen, block with a reason, unblock and release each change the box or the tag only', async () => {
    const claimed = await run(md, { op: 'claim', id: 'T-2', agent: 'Dev 2', maxClaims: 1 });
    const line = (text: string) => text.split('\n')[5];
    expect(line(await run(claimed, { op: 'review', id: 'T-2', agent: 'Dev 2' }))).toBe('- [ ] T-2 Parser (depends on: T-1) [REVIEW: Dev 2]');
    expect(line(await run(claimed, { op: 'release', id: 'T-2', agent: 'Dev 2' }))).toBe('- [ ] T-2 Parser (depends on: T-1)');
    const done = await run(claimed, { op: 'done', id: 'T-2', agent: 'Dev 2' });
    expect(line(done)).toBe('- [x] T-2 Parser (depends on: T-1)');
    expect(line(await run(done, { op: 'reopen', id: 'T-2', agent: 'X' }))).toBe('- [ ] T-2 Parser (depends on: T-1)');
    const blocked = await run(md, { op: 'block', id: 'T-2', agent: 'X', reason: 'waiting on keys' });
    expect(line(blocked)).toBe('- [ ] T-2 Parser (depends on: T-1) [BLOCKED: waiting on keys]');
    expect((await refusal(blocked, { op: 'claim', id: 'T-2', agent: 'A', maxClaims: 1 })).details.hold).toBe(true);
    expect(await run(blocked, { op: 'unblock', id: 'T-2', agent: 'X' })).toBe(md);
  });

  it('refuses what a table story would refuse: not ready, already claimed, not the claimant', async () => {
    const nr = await refusal(md, { op: 'claim', id: 'T-3', agent: 'A', maxClaims: 1 });
    expect([nr.code, nr.details.waitingOn]).toEqual(['not_ready', ['T-2']]);
    const claimed = await run(md, { op: 'claim', id: 'T-2', agent: 'Dev 2', maxClaims: 1 });
    expect((await refusal(claimed, { op: 'claim', id: 'T-2', agent: 'Dev 3', maxClaims: 1 })).details.holder).toBe('Dev 2');
    expect((await refusal(claimed, { op: 'done', id: 'T-2', agent: 'Dev 3' })).code).toBe('not_claimant');
  });

  it('claim without an id takes the best ready task', async () => {
    const out = await run(md, { op: 'claim', agent: 'A', maxClaims: 1 });
    expect((await q(out)).stories.filter((s) => s.claimant === 'A').map((s) => s.id)).toEqual(['T-2']);
  });

  it('beside a story table, claim without an id takes a table story, never a checklist box; by id a box can be claimed', async () => {
    const text = '## Checklist\n\n- [ ] C-1 Run the tests\n\n## Tier 1\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **S-1** | one | None |\n';
    const out = await run(text, { op: 'claim', agent: 'A', maxClaims: 1 });
    expect(out).toContain('| [IN PROGRESS: A] | **S-1** |');
    expect(await refusal(out, { op: 'claim', agent: 'B', maxClaims: 1 })).toMatchObject({ code: 'no_ready_story' });
    expect(await run(text, { op: 'claim', id: 'C-1', agent: 'B', maxClaims: 1 })).toContain('- [ ] C-1 Run the tests [IN PROGRESS: B]');
  });

  it('spaces that end the item (a hard break, stray spaces) stay after the tag, so a release gives back the same bytes', async () => {
    const text = ['- [ ] T-1 A long item  ', '  that wraps onto a second line  ', '- [ ] T-2 Another\t', ''].join('\n');
    const claimed = await run(text, { op: 'claim', id: 'T-1', agent: 'A', maxClaims: 1 });
    expect(claimed).toBe(text.replace('second line  ', 'second line [IN PROGRESS: A]  '));
    expect(await run(claimed, { op: 'release', id: 'T-1', agent: 'A' })).toBe(text);
    const other = await run(text, { op: 'claim', id: 'T-2', agent: 'A', maxClaims: 1 });
    expect(other).toBe(text.replace('Another\t', 'Another [IN PROGRESS: A]\t'));
    expect(await run(other, { op: 'release', id: 'T-2', agent: 'A' })).toBe(text);
  });

  it('a multi-line item gets the tag at the end of its first paragraph; nested items and CRLF stay as written', async () => {
    // A nested plain box is T-1's checklist (a nested item with an id would be a child T-1 waits on).
    const text = ['- [ ] T-1 A long item', '  that wraps onto a second line', '  - [ ] a step of it', ''].join('\r\n');
    const claimed = await run(text, { op: 'claim', id: 'T-1', agent: 'A', maxClaims: 1 });
    expect(claimed).toBe(text.replace('second line', 'second line [IN PROGRESS: A]'));
    const done = await run(claimed, { op: 'done', id: 'T-1', agent: 'A' });
    expect(done).toBe(text.replace('- [ ] T-1', '- [x] T-1'));
    expect((await q(claimed)).graph.byId.get('T-1')!.title).toBe('A long item that wraps onto a second line');
  });

  it('a tag already in the item is replaced where it stands; a checked box with a leftover tag reads done, and reopen drops the tag', async () => {
    const text = '1. [ ] [WIP: bob] T-9 Ship it\n2. [X] T-8 Old [IN PROGRESS: amy]\n3. [X] T-7 Older\n';
    const s = (await q(text)).graph.byId.get('T-8')!;
    expect(s.status.category).toBe('done');
    expect(await run(text, { op: 'reopen', id: 'T-8', agent: 'X' })).toBe(text.replace('2. [X] T-8 Old [IN PROGRESS: amy]', '2. [ ] T-8 Old'));
    expect(await run(text, { op: 'review', id: 'T-9', agent: 'bob' })).toBe(text.replace('[WIP: bob]', '[REVIEW: bob]'));
    // The document checks its boxes with X: so does queue.
    expect(await run(text, { op: 'done', id: 'T-9', agent: 'bob' })).toBe(text.replace('1. [ ] [WIP: bob] T-9', '1. [X] T-9'));
  });

  it('a reason with brackets and markup reads back as the tag says', async () => {
    const out = await run(md, { op: 'block', id: 'T-2', agent: 'X', reason: 'needs [API] key *now* | soon' });
    expect(out.split('\n')[5]).toBe('- [ ] T-2 Parser (depends on: T-1) [BLOCKED: needs (API) key \\*now\\* \\| soon]');
    expect((await q(out)).graph.byId.get('T-2')!.status.reason).toBe('needs (API) key *now* | soon');
  });

  it('check boxes under a legend heading are no stories, so no claim can take one (asulwer/Rules)', async () => {
    const text = '## Status Legend\n\n- [ ] Not started\n- [x] Done\n\n## Backlog\n\n- [ ] T-1 Real work\n';
    const queue = await q(text);
    expect(queue.stories.map((s) => s.id)).toEqual(['T-1']);
    expect(queue.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([['info', 'legend', 3]]);
    expect((await q(await run(text, { op: 'claim', agent: 'A', maxClaims: 1 }))).graph.byId.get('T-1')!.claimant).toBe('A');
  });

  it('refuses a tag it cannot find in the source (split over two lines), writing nothing', async () => {
    const text = '- [ ] T-1 Item [IN\n  PROGRESS: A]\n';
    expect((await q(text)).graph.byId.get('T-1')!.claimant).toBe('A');
    const e = await refusal(text, { op: 'done', id: 'T-1', agent: 'A' });
    expect([e.code, e.message]).toEqual(['parse_error', expect.stringMatching(/^WORK_QUEUE\.md:1:1: .*not written plainly/)]);
  });
});

describe('queue add in a task list', () => {
  const add = async (text: string, req: Omit<AddRequest, 'agent'>) => {
    const queue = await q(text);
    return (await applyDecision(queue, decideAdd(queue, { ...req, agent: 'X' }))).content;
  };

  it('appends an item after the last task, in its conventions, with its dependencies', async () => {
    const text = '# Q\n\n- [x] **T-1** — Scaffold\n- [ ] **T-2** — Parser\n  - [ ] T-2a sub-step\n\nNotes.\n';
    const out = await add(text, { id: 'T-3', title: 'Watcher', deps: ['T-2'] });
    expect(out).toBe(text.replace('  - [ ] T-2a sub-step\n', '  - [ ] T-2a sub-step\n- [ ] **T-3** — Watcher (depends on: T-2)\n'));
    const s = (await q(out)).graph.byId.get('T-3')!;
    expect([s.title, s.deps.map((d) => d.id), s.status.category, s.parent]).toEqual(['Watcher', ['T-2'], 'todo', null]);
  });

  it('goes beside its first dependency, or under the section named; numbered lists count on', async () => {
    const text = '## A\n\n1. [ ] A-1: one\n2. [ ] A-2: two\n\n## B\n\n* [ ] B-1 three\n';
    expect(await add(text, { id: 'A-9', title: 'nine', deps: ['A-1'] })).toContain('1. [ ] A-1: one\n2. [ ] A-9: nine (depends on: A-1)\n2. [ ] A-2: two');
    expect(await add(text, { id: 'A-3', title: 'x', deps: [], section: 'a' })).toContain('2. [ ] A-2: two\n3. [ ] A-3: x\n');
    expect(await add(text, { id: 'B-2', title: 'y', deps: [] })).toBe(`${text}* [ ] B-2 y\n`);
  });

  it('refuses --story-file, an unknown section, and a dependency with no written id, writing nothing', async () => {
    const text = '- [ ] T-1 one\n- [ ] no id here\n';
    const queue = await q(text);
    expect(() => decideAdd(queue, { id: 'T-2', title: 't', deps: [queue.stories[1].id], agent: 'X' })).toThrow(
      /has no id written in WORK_QUEUE\.md .* nothing can name it as a dependency/,
    );
    expect(() => decideAdd(queue, { id: 'T-2', title: 't', deps: [], agent: 'X', storyFile: { storiesDir: 'stories', queueDir: '' } })).toThrow(/no Story File column/);
    expect(() => decideAdd(queue, { id: 'T-2', title: 't', deps: [], agent: 'X', section: 'Nope' })).toThrow(QueueError);
  });

  it('a title that would read back as a status is refused where the new item would go: file, line and column', async () => {
    const text = '# Queue\n\n## Tasks\n\n- [ ] **T-1** First task\n';
    const e = await add(text, { id: 'T-4', title: 'Sneaky [IN PROGRESS: Mallory]', deps: [] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueueError);
    expect((e as QueueError).code).toBe('parse_error');
    expect((e as QueueError).details).toMatchObject({ file: 'WORK_QUEUE.md', line: 6, column: 1, id: 'T-4' });
    expect((e as QueueError).message).toMatch(/^WORK_QUEUE\.md:6:1: editing T-4 would not read back as intended/);
  });
});

describe('queue dep in a task list', () => {
  const dep = async (text: string, action: 'add' | 'rm', a: string, b: string) => {
    const queue = await q(text);
    return (await applyDecision(queue, decideDep(queue, action, a, b, 'A'))).content;
  };
  const text = '- [x] T-1 one\n- [ ] T-2 two\n- [ ] T-3 three (after T-1) [IN PROGRESS: A]\n';

  it('adds a clause, extends one, removes one part, and the clause with its last part', async () => {
    expect(await dep(text, 'add', 'T-2', 'T-1')).toBe(text.replace('T-2 two', 'T-2 two (depends on: T-1)'));
    const two = await dep(text, 'add', 'T-3', 'T-2');
    expect(two).toBe(text.replace('(after T-1)', '(after T-1, T-2)'));
    expect((await q(two)).graph.byId.get('T-3')!.claimant).toBe('A');
    expect(await dep(two, 'rm', 'T-3', 'T-1')).toBe(text.replace('(after T-1)', '(after T-2)'));
    expect(await dep(text, 'rm', 'T-3', 'T-1')).toBe(text.replace(' (after T-1)', ''));
    // Spaces that end the item stay last, and the round trip gives the bytes back.
    const spaced = '- [x] T-1 one\n- [ ] T-2 two  \n';
    const added = await dep(spaced, 'add', 'T-2', 'T-1');
    expect(added).toBe('- [x] T-1 one\n- [ ] T-2 two (depends on: T-1)  \n');
    expect(await dep(added, 'rm', 'T-2', 'T-1')).toBe(spaced);
    // A clause that says none takes the dependency in its place.
    const none = '- [x] T-1 one\n- [ ] T-2 two (depends on: none)\n';
    expect(await dep(none, 'add', 'T-2', 'T-1')).toBe('- [x] T-1 one\n- [ ] T-2 two (depends on: T-1)\n');
  });

  it("adds a clause after parentheses that are the title's, as the reader takes them", async () => {
    const prose = '- [ ] T-1 one\n- [ ] T-4 Prose (dependencies updated) now\n- [ ] T-7 Something (after lunch) later\n';
    expect(await dep(prose, 'add', 'T-4', 'T-1')).toBe(prose.replace('now', 'now (depends on: T-1)'));
    expect(await dep(prose, 'add', 'T-7', 'T-1')).toBe(prose.replace('later', 'later (depends on: T-1)'));
  });

  it('refuses a cycle, and dependencies not written as a clause', async () => {
    expect(await dep(text, 'add', 'T-1', 'T-3').catch((e) => e.details.cycle)).toEqual(['T-1', 'T-3', 'T-1']);
    const bare = '- [x] T-1 one\n- [ ] T-2 two depends on: T-1\n';
    expect((await q(bare)).graph.byId.get('T-2')!.deps.map((d) => d.id)).toEqual(['T-1']);
    expect(await dep(bare, 'rm', 'T-2', 'T-1').catch((e) => e.code)).toBe('parse_error');
  });
});

/** Every status change of a task item of `files` changes only its box line or its first paragraph's last line. */
function taskChanges(files: string[]) {
  return statusChanges(files, 'task', 6, (file, text, s, _op, applied) => {
    const lines = text.split('\n');
    const after = applied.content.split('\n');
    expect(after.length, `${file} ${s.id}`).toBe(lines.length);
    const last = text.slice(0, s.occurrences[0].spans.title!.end).split('\n').length - 1;
    const changed = lines.map((l, k) => (l === after[k] ? -1 : k)).filter((k) => k !== -1);
    expect(changed.length, `${file} ${s.id}`).toBeGreaterThan(0);
    for (const k of changed) expect([s.line - 1, last], `${file} ${s.id} line ${k + 1}`).toContain(k);
  });
}

describe('task-list writes over whole files', () => {
  it("the fixtures: every status change of a task item changes only its box line or its first paragraph's last line", async () => {
    const { edits, refused } = await taskChanges(fixtureFiles());
    expect(edits).toBeGreaterThan(10);
    expect(refused).toBeLessThan(edits / 10);
  });

  it.skipIf(withoutCorpus('task-list writes over ../shared/corpus'))(
    "the corpus: every status change of a task item changes only its box line or its first paragraph's last line",
    async () => {
      const { edits, refused } = await taskChanges(corpusFiles());
      expect(edits).toBeGreaterThan(150);
      expect(refused).toBeLessThan(edits / 10);
    },
  );
});

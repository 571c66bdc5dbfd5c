/**
 * Small answers that must be true: what queue says about a queue, or about why it refuses, in the
 * cases where it used to say something wrong. Real git and real processes where the answer
 * depends on them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { add, claim, dependency, openSession, QueueError, readQueue } from '../../src/index.js';
import { formatDuration } from '../../src/domain/config.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import { applyEdits } from '../../src/edit/splice.js';
import { git, queue, setup } from '../git/repos.js';
import { tempDir } from '../helpers.js';
import { rankReady } from '../../src/model/rank.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|--------|-------|-------------|------------|',
  '| [ ] | **A** | first | None |',
  '| [ ] | **B** | second | None |',
  '| [BLOCKED] | **C** | third | A |',
  '',
].join('\n');

describe('answers', () => {
  it('an empty queue file is reported, not silently empty', async () => {
    for (const text of ['', '\n\n  \n']) {
      const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
      expect(q.stories).toEqual([]);
      expect(q.diagnostics.map((d) => [d.code, d.line])).toEqual([['no_stories', 1]]);
    }
  });

  it('a graph block too large to draw says so where people read it, not only in a mermaid comment', async () => {
    const rows = Array.from({ length: 170 }, (_, i) => `| [ ] | **S-${i}** | story ${i} | ${i ? `S-${i - 1}` : 'None'} |`);
    const text = ['<!-- queue:graph -->', '<!-- /queue:graph -->', '', '| Status | Story | Description | Depends On |', '|---|---|---|---|', ...rows, ''].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const [r] = reconcile(q);
    const out = applyEdits(text, r.edits);
    const block = out.slice(0, out.indexOf('<!-- /queue:graph -->'));
    expect(block).toContain('%% 20 more stories not drawn');
    // Outside the code fence: GitHub shows it.
    expect(block).toMatch(/```\n\n_20 more stories are not drawn here: `queue graph` draws them all\._\n/);
    // And rendering again changes nothing.
    const [again] = reconcile(await readQueue([{ file: 'WORK_QUEUE.md', text: out }]));
    expect(again.edits).toEqual([]);
  });

  it('ages read in the unit that matters', () => {
    expect([0, 42_000, 17 * 60_000, 2 * 3600_000 + 5 * 60_000, 3 * 86400_000 + 4 * 3600_000, -5].map(formatDuration)).toEqual(['0s', '42s', '17m', '2h 05m', '3d 4h', '0s']);
  });

  it('an id that starts with "-" is refused with a message that says why', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const s = await openSession({ cwd: clones[0], agent: 'Dev 1' });
    const e = await add(s, { id: '-x', title: 'dash' }).catch((x) => x);
    expect(e).toBeInstanceOf(QueueError);
    expect(e.code).toBe('usage');
    expect(e.message).toContain('starts with a letter or digit');
  });

  it('changing the dependencies of a story another agent holds needs --force, and the commit says it was forced', async () => {
    const { clones, remote } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const holder = await openSession({ cwd: clones[0], agent: 'Dev 1' });
    await claim(holder, { id: 'B' });
    const other = await openSession({ cwd: clones[0], agent: 'Dev 2' });
    const refused = await dependency(other, { action: 'add', id: 'B', on: 'A' }).catch((x) => x);
    expect(refused).toBeInstanceOf(QueueError);
    expect(refused.code).toBe('not_claimant');
    // The holder may; so may another agent with force, said in a trailer.
    const forced = await dependency(other, { action: 'add', id: 'B', on: 'A', force: true });
    expect(forced.changed).toBe(true);
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Queue-Force,valueonly)', 'main').trim()).toBe('true');
    expect((await dependency(holder, { action: 'rm', id: 'B', on: 'A' })).changed).toBe(true);
  });

  it('stale outside a repository says leases need git history, not to pass the --no-commit it was given', async () => {
    const dir = tempDir('queue-norepo-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
    const r = await queue(dir, ['stale', '--no-commit', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('usage');
    expect(r.json.error.message).toContain('git history');
    expect(r.json.error.message).not.toContain('--no-commit');
  });

  it('reads 130,000 stories: nothing in the read path grows the stack with the input', async () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => `| ${i % 2 ? '[ ]' : '[DONE]'} | **S-${i}** | story ${i} | ${i ? `S-${i - 1}` : 'None'} |`);
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text: `| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n` }]);
    expect(q.stories).toHaveLength(130_000);
    // Every open story's dependency is a done one.
    expect(q.stories.filter((s) => q.graph.isReady(s))).toHaveLength(65_000);
  }, 60_000);

  it('a usage error is said once, with where to find help', async () => {
    const dir = tempDir('queue-usage-');
    const r = await queue(dir, ['claim', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/unknown option '--bogus'/g)).toHaveLength(1);
    expect(r.stderr).toContain('--help');
    expect(r.stdout).toBe('');
  });

  it('a marker inside a title is text, not a generated block: render still renders the real one', async () => {
    const text = [
      '- [ ] T-1 render the ready list <!-- queue:ready -->',
      '',
      '<!-- queue:ready -->',
      '<!-- /queue:ready -->',
      '',
      '- [ ] T-2 explain <!-- queue:ready --> in the docs',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const [r] = reconcile(q);
    const out = applyEdits(text, r.edits);
    expect(out.slice(out.indexOf('<!-- /queue:ready -->'))).toBe(text.slice(text.indexOf('<!-- /queue:ready -->')));
    expect(out.slice(0, out.indexOf('<!-- /queue:ready -->'))).toContain('T-2');
    expect(out.startsWith('- [ ] T-1 render the ready list <!-- queue:ready -->\n\n<!-- queue:ready -->\n')).toBe(true);
    const [again] = reconcile(await readQueue([{ file: 'WORK_QUEUE.md', text: out }]));
    expect(again.edits).toEqual([]);
  });

  it('a row missing a `|` whose Status cell swallowed the id is not ready and no claim rewrites it; a row short of trailing cells reads as before', async () => {
    const text = [
      '| Status | Story | Description | Depends On |',
      '|---|---|---|---|',
      '| [DONE] | **1-1** | schema | None |',
      '| [ ] **1-4** | Dashboard | 1-1 |',
      '| [ ] | **1-5** | short of its last cell |',
      '| [IN PROGRESS: Dev 2] | **1-6** | held | 1-1 |',
      '| [ ] | **1-7** | waits | 1-6, 9-9 |',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    expect(q.stories.map((s) => `${s.id} ${s.status.category}`)).toEqual(['1-1 done', 'Dashboard unknown', '1-5 todo', '1-6 in_progress', '1-7 todo']);
    expect(q.diagnostics.filter((d) => d.code === 'shifted_row').map((d) => [d.line, d.column])).toEqual([[4, 3]]);
    expect(q.graph.ready().map((s) => s.id)).toEqual(['1-5']);
    const { clones } = setup({ 'WORK_QUEUE.md': text }, 1);
    const s = await openSession({ cwd: clones[0], agent: 'Dev 1' });
    const shifted = await claim(s, { id: 'Dashboard' }).catch((x) => x);
    expect(shifted.code).toBe('not_ready');
    expect(shifted.message).toBe(`Dashboard's status "[ ] 1-4" does not read as a status (queue validate says why); write one queue reads first`);
    // A refusal names what each dependency is, not the status of the story refused.
    const waiting = await claim(s, { id: '1-7' }).catch((x) => x);
    expect(waiting.message).toBe('1-7 waits on 1-6 ("[IN PROGRESS: Dev 2]"), 9-9 (no story of the queue)');
    expect(readFileSync(join(clones[0], 'WORK_QUEUE.md'), 'utf8')).toBe(text);
  });

  it('an Owner of "unclaimed" names nobody; a claim that finds only work assigned to others says whose it is', async () => {
    const text = [
      '| Priority | State | Work | Owner |',
      '|---|---|---|---|',
      '| P1 | todo | Write the parser | unclaimed |',
      '| P2 | todo | Build the CLI | build-agent |',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    expect(q.stories.map((s) => s.owner)).toEqual([null, 'build-agent']);
    const { clones } = setup({ 'WORK_QUEUE.md': text.replace('| unclaimed |', '| docs-agent |') }, 1);
    const s = await openSession({ cwd: clones[0], agent: 'Dev 1' });
    const e = await claim(s, {}).catch((x) => x);
    expect(e.code).toBe('no_ready_story');
    expect(e.message).toBe(
      'no story is ready for Dev 1: the ready stories are assigned to others in the Owner column: queue/write-the-parser (docs-agent), queue/build-the-cli (build-agent) (claim one by id to take it)',
    );
    expect(e.details.assigned).toEqual([
      { id: 'queue/write-the-parser', owner: 'docs-agent' },
      { id: 'queue/build-the-cli', owner: 'build-agent' },
    ]);
  });

  it('the Owner column leaves a story to the agent it names by any of its names, among others or as a mention; ready and claim agree', async () => {
    const text = [
      '| Status | Story | Description | Depends On | Owner |',
      '|---|---|---|---|---|',
      '| [ ] | **A** | a | None | @dev1 |',
      '| [ ] | **B** | b | None | Dev 2, Dev1 |',
      '| [ ] | **C** | c | None | dev-one |',
      '| [ ] | **D** | d | None | Dev 2 |',
      '| [ ] | **E** | e | None | Dev10 |',
      '| [ ] | **F** | f | None | — |',
      '',
    ].join('\n');
    const config = JSON.stringify({ agents: { Dev1: ['dev-one'] }, maxClaims: 10 });
    const { clones } = setup({ 'WORK_QUEUE.md': text, 'queue.config.json': config }, 1);
    // The built CLI answers from its index; the library from a full read: the same stories.
    const ready = await queue(clones[0], ['ready', '--agent', 'Dev1', '--json']);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['A', 'B', 'C', 'F']);
    const s = await openSession({ cwd: clones[0], agent: 'Dev1' });
    for (const id of ['A', 'B', 'C', 'F']) expect((await claim(s, {})).story?.id).toBe(id);
    expect((await claim(s, {}).catch((e) => e)).code).toBe('no_ready_story');
    // Dev 2 is left D (B names it too, but Dev1 holds it now); E is Dev10's alone.
    const other = await queue(clones[0], ['ready', '--agent', 'Dev 2', '--json']);
    expect(other.json.stories.map((x: { id: string }) => x.id)).toEqual(['D']);
  });

  it('an Owner cell splits at commas, or at / & + with spaces round them: CI/CD and R&D are one name; a mention matches a name written with its @', async () => {
    const text = [
      '| Status | Story | Description | Depends On | Owner |',
      '|---|---|---|---|---|',
      '| [ ] | **A** | a | None | CI/CD |',
      '| [ ] | **B** | b | None | R&D, QA |',
      '| [ ] | **C** | c | None | Dev 2 / CI |',
      '| [ ] | **D** | d | None | @alice |',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const ready = (agent: string) => rankReady(q.graph, agent).map((s) => s.id);
    expect(ready('CI')).toEqual(['C']);
    expect(ready('CI/CD')).toEqual(['A']);
    expect(ready('R&D')).toEqual(['B']);
    expect(ready('D')).toEqual([]);
    expect(ready('@alice')).toEqual(['D']);
    expect(ready('alice')).toEqual(['D']);
  });

  it('queue blocked says a story written in two rows is waiting on a person, not that it is ready to unblock', async () => {
    const dir = tempDir('queue-blocked-');
    const text = ['| Status | Story | Description | Depends On |', '|---|---|---|---|', '| [ ] | **P1.1** | one | None |', '| [ ] | **P1.1** | again | None |', ''].join('\n');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), text);
    const json = await queue(dir, ['blocked', '--json']);
    expect(json.json.stories.map((s: { id: string; duplicate: boolean; hold: boolean }) => [s.id, s.duplicate, s.hold])).toEqual([['P1.1', true, false]]);
    const human = await queue(dir, ['blocked']);
    expect(human.stdout).toContain('written in more than one place (queue validate says where)');
    expect(human.stdout).not.toContain('ready to unblock');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { BIN, emptyRemoteClone, git, queue, remoteFile, setup, type Run } from './repos.js';
import { fixture, fixtureFiles, read, REAL, rng, testSeed, withoutCorpus, withSeed } from '../helpers.js';

const HEAD = '| Status | Story | Description | Depends On |\n|--------|-------|-------------|------------|\n';

function stories(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `| [ ] | **S-${i}** | story ${i} | None |`);
  return `# Queue\n\n## Tier 1\n\n${HEAD}${rows.join('\n')}\n`;
}

/** A clone of an empty remote (no origin/HEAD) with a first commit of a two-story queue on main, not pushed. */
function seededEmptyRemote(prefix: string): { bare: string; c: string } {
  const { remote: bare, clone: c } = emptyRemoteClone(prefix, 'Dev 1');
  git(c, 'checkout', '-q', '-b', 'main');
  writeFileSync(join(c, 'WORK_QUEUE.md'), stories(2));
  git(c, 'add', '.');
  git(c, 'commit', '-q', '-m', 'seed');
  return { bare, c };
}

/** The kill delays of the kill -9 tests come from this run's seed (`QUEUE_TEST_SEED`), named in their failures. */
const SEED = testSeed();

async function claims(text: string): Promise<Map<string, string>> {
  const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
  return new Map(q.stories.filter((s) => s.claimant).map((s) => [s.id, s.claimant!]));
}

/**
 * Claimers without an id, one per id of `expected` (the ready stories they must take), spread over
 * three clones of a remote holding `original`, a queue whose status is the section a story sits in:
 * each moves a different block to In progress. Then the first one's done lands in Done above
 * `previousDone` (Done is kept newest first).
 */
async function claimersMoveBlocks(original: string, expected: string[], previousDone: string) {
  const { remote, clones } = setup({ 'WORK_QUEUE.md': original }, 3);
  const runs = await Promise.all(expected.map((_, i) => queue(clones[i % 3], ['claim', '--agent', `agent-${i}`, '--json'])));
  for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(runs.map((r) => r.json.story.id).sort()).toEqual([...expected].sort());
  const after = await readQueue([{ file: 'WORK_QUEUE.md', text: remoteFile(remote) }]);
  for (const r of runs) {
    const s = after.graph.byId.get(r.json.story.id)!;
    expect([s.status.category, s.claimant, s.sectionPath.at(-1)]).toEqual(['in_progress', r.json.story.claimant, 'In progress']);
  }
  expect(after.stories.length).toBe((await readQueue([{ file: 'WORK_QUEUE.md', text: original }])).stories.length);
  const first = runs.find((r) => r.json.story.id === expected[0])!;
  const done = await queue(clones[runs.indexOf(first) % 3], ['done', expected[0], '--agent', first.json.story.claimant, '--json']);
  expect(done.code, done.stdout + done.stderr).toBe(0);
  expect(remoteFile(remote)).toMatch(new RegExp(`## Done\\n\\n### ${expected[0]} [^\\n]*\\n[\\s\\S]*?### ${previousDone} `));
}

describe('claim across clones (real git, real processes)', () => {
  it('N claimers without an id: every story claimed at most once, every reported success is in the remote', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(6) }, 4);
    const agents = Array.from({ length: 8 }, (_, i) => `agent-${i}`);
    const runs = await Promise.all(agents.map((a, i) => queue(clones[i % clones.length], ['claim', '--agent', a, '--json'])));
    const won = runs.filter((r) => r.code === 0);
    for (const r of runs) {
      expect(r.json, r.stderr).not.toBeNull();
      if (r.code !== 0) expect(r.json.error.code, r.stdout).toBe('no_ready_story');
    }
    expect(won).toHaveLength(6);
    const final = await claims(remoteFile(remote));
    expect(final.size).toBe(6);
    for (const r of won) expect(final.get(r.json.story.id)).toBe(r.json.story.claimant);
    expect(new Set(won.map((r) => r.json.story.id)).size).toBe(6);
    // A linear history of claim commits, each story claimed in exactly one of them (a commit may
    // carry several: group commit), and no request left behind on the remote.
    const commits = Number(git(remote, 'rev-list', '--count', 'main').trim()) - 1;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(6);
    expect(git(remote, 'rev-list', '--count', '--merges', 'main').trim()).toBe('0');
    const claimed = git(remote, 'log', '--format=%(trailers:key=Queue-Story,valueonly)', `main~${commits}..main`).split('\n').filter(Boolean);
    expect(claimed.sort()).toEqual(won.map((r) => r.json.story.id).sort());
    expect(git(remote, 'for-each-ref', 'refs/queue')).toBe('');
  }, 120_000);

  it('N claimers of the same story: exactly one wins, the rest get already_claimed with the holder', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 3);
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => queue(clones[i % 3], ['claim', 'S-1', '--agent', `agent-${i}`, '--json'])));
    const won = runs.filter((r) => r.code === 0);
    expect(won).toHaveLength(1);
    const holder = won[0].json.story.claimant;
    for (const r of runs.filter((x) => x.code !== 0)) expect([r.json.error.code, r.json.error.holder]).toEqual(['already_claimed', holder]);
    expect((await claims(remoteFile(remote))).get('S-1')).toBe(holder);
    // Losers that waited as requests withdrew them.
    expect(git(remote, 'for-each-ref', 'refs/queue')).toBe('');
  }, 120_000);

  it('a task-list queue: N claimers across clones each get a different task, written as an inline tag; done checks the box; add appends an item', async () => {
    const tasks = [
      '# Queue',
      '',
      '- [x] T-0 Scaffold',
      ...Array.from({ length: 4 }, (_, i) => `- [ ] T-${i + 1} Task ${i + 1} (depends on: T-0)`),
      '- [ ] T-9 Last (depends on: T-1)',
      '',
    ].join('\n');
    const { remote, clones } = setup({ 'WORK_QUEUE.md': tasks }, 3);
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => queue(clones[i % 3], ['claim', '--agent', `agent-${i}`, '--json'])));
    const won = runs.filter((r) => r.code === 0);
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.json.error.code, r.stdout).toBe('no_ready_story');
    expect(won.map((r) => r.json.story.id).sort()).toEqual(['T-1', 'T-2', 'T-3', 'T-4']);
    const text = remoteFile(remote);
    for (const r of won) expect(text).toContain(`- [ ] ${r.json.story.id} Task ${r.json.story.id.slice(2)} (depends on: T-0) [IN PROGRESS: ${r.json.story.claimant}]\n`);
    const t1 = won.find((r) => r.json.story.id === 'T-1')!;
    const clone = clones[runs.indexOf(t1) % 3];
    const done = await queue(clone, ['done', 'T-1', '--agent', t1.json.story.claimant, '--json']);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(remoteFile(remote)).toBe(text.replace(/- \[ \] T-1 Task 1 \(depends on: T-0\) \[IN PROGRESS: [^\]]+\]/, '- [x] T-1 Task 1 (depends on: T-0)'));
    const next = await queue(clone, ['claim', '--agent', 'late', '--json']);
    expect(next.json.story.id).toBe('T-9');
    const added = await queue(clone, ['add', '--id', 'T-10', '--title', 'Tenth', '--deps', 'T-9', '--agent', 'late', '--json']);
    expect(added.code, added.stdout + added.stderr).toBe(0);
    expect(remoteFile(remote)).toMatch(/- \[ \] T-9 Last \(depends on: T-1\) \[IN PROGRESS: late\]\n- \[ \] T-10 Tenth \(depends on: T-9\)\n$/);
  }, 120_000);

  it("adds without an id across clones at once: each story gets an id of its own, the table's next, and every row lands", async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 3);
    const titles = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const runs = await Promise.all(titles.map((t, i) => queue(clones[i % 3], ['add', '--title', t, '--deps', 'S-0', '--agent', `agent-${i}`, '--json'])));
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const ids = runs.map((r) => r.json.story.id);
    expect([...ids].sort()).toEqual(['S-3', 'S-4', 'S-5', 'S-6', 'S-7']);
    const after = await readQueue([{ file: 'WORK_QUEUE.md', text: remoteFile(remote) }]);
    expect(ids.map((id) => after.graph.byId.get(id)?.title)).toEqual(titles);
    expect(after.stories).toHaveLength(8);
  }, 120_000);

  it('a queue whose status is the section (test/fixtures/sections.md): claimers across clones each move a different block to In progress', async () => {
    await claimersMoveBlocks(read(fixture('sections.md')), ['SQ-6', 'SQ-7', 'SQ-8'], 'SQ-3');
  }, 120_000);

  it.skipIf(withoutCorpus('claims across clones over mav2287/work-queue-skill (../shared/corpus)'))(
    'a queue whose status is the section (mav2287, from ../shared/corpus): claimers across clones each move a different block to In progress',
    async () => {
      await claimersMoveBlocks(read(join(REAL, 'mav2287__work-queue-skill__WORK_QUEUE.md')), ['WQ-012', 'WQ-013', 'WQ-014', 'WQ-015', 'WQ-016'], 'WQ-011');
    },
    120_000,
  );

  it('an agent loop: claim, done, and the local clone follows; trailers say what happened', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    const claim = await queue(c, ['claim', '--agent', 'Dev 2', '--json']);
    expect(claim.json.story).toMatchObject({ id: 'S-0', status: 'in_progress', claimant: 'Dev 2' });
    expect(claim.json.attempts).toBe(1);
    const done = await queue(c, ['done', 'S-0', '--json'], { QUEUE_AGENT: 'Dev 2' });
    expect(done.json.story).toMatchObject({ id: 'S-0', status: 'done' });
    expect(git(c, 'rev-parse', 'HEAD')).toBe(git(remote, 'rev-parse', 'main'));
    expect(git(c, 'status', '--porcelain')).toBe('');
    expect(git(remote, 'log', '-1', '--format=%B', 'main')).toBe('queue: done S-0 (Dev 2)\n\nQueue-Op: done\nQueue-Story: S-0\nQueue-Agent: Dev 2\n\n');
    const diff = git(remote, 'diff', '--unified=0', 'main~2', 'main')
      .split('\n')
      .filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).toEqual(['-| [ ] | **S-0** | story 0 | None |', '+| [DONE] | **S-0** | story 0 | None |']);
  }, 60_000);

  it('another git command holding the clone’s index.lock: the claim lands, and the note says why the clone did not follow', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    const head = git(c, 'rev-parse', 'HEAD');
    writeFileSync(join(c, '.git', 'index.lock'), '');
    const claim = await queue(c, ['claim', 'S-1', '--agent', 'Dev 2', '--json']);
    expect(claim.code).toBe(0);
    expect(claim.json.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(claim.json.note).toMatch(/index\.lock.*main was not fast-forwarded/);
    expect(git(c, 'rev-parse', 'HEAD')).toBe(head);
    rmSync(join(c, '.git', 'index.lock'));
    git(c, 'pull', '-q', '--ff-only');
    expect(readFileSync(join(c, 'WORK_QUEUE.md'), 'utf8')).toBe(remoteFile(remote));
  }, 60_000);

  it('a ref lock left in the clone (refs/heads/main.lock): the claim lands, and the note names the lock, not local changes', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    writeFileSync(join(c, '.git', 'refs', 'heads', 'main.lock'), '');
    const claim = await queue(c, ['claim', 'S-1', '--agent', 'Dev 2', '--json']);
    expect(claim.code).toBe(0);
    expect(claim.json.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(claim.json.note).toMatch(/refs\/heads\/main\.lock exists .*main was not fast-forwarded .*once it is gone, git pull --ff-only/);
    expect(claim.json.note).not.toMatch(/local changes/);
    rmSync(join(c, '.git', 'refs', 'heads', 'main.lock'));
    git(c, 'pull', '-q', '--ff-only');
    expect(readFileSync(join(c, 'WORK_QUEUE.md'), 'utf8')).toBe(remoteFile(remote));
  }, 60_000);

  it("a ref the fetch must move, held by another git command of the clone (a person's git pull), is waited for; a lock left for good is named", async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 2);
    const [a, b] = clones;
    // b moves main on the remote, so a's fetch must move origin/main.
    expect((await queue(b, ['claim', 'S-0', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    const lock = join(a, '.git', 'refs', 'remotes', 'origin', 'main.lock');
    writeFileSync(lock, '');
    const gone = setTimeout(() => rmSync(lock, { force: true }), 700);
    const claim = await queue(a, ['claim', 'S-1', '--agent', 'Dev 2', '--json']);
    clearTimeout(gone);
    expect(claim.code, claim.stdout + claim.stderr).toBe(0);
    expect(claim.json.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 1] | **S-0** |');

    expect((await queue(b, ['claim', 'S-2', '--agent', 'Dev 3', '--json'])).code).toBe(0);
    writeFileSync(lock, '');
    const stuck = await queue(a, ['claim', 'S-1', '--agent', 'Dev 2', '--renew', '--json']);
    rmSync(lock, { force: true });
    expect(stuck.code).toBe(2);
    expect(stuck.json.error).toMatchObject({ code: 'git', lock, ref: 'refs/remotes/origin/main' });
    expect(stuck.json.error.message).toContain(`${lock} exists`);
  }, 60_000);

  it('in a clone of an empty remote (no origin/HEAD), on a branch of its own: the error says the shared branch was a guess and how to name it', async () => {
    const { bare, c } = seededEmptyRemote('queue-no-origin-head-');
    git(c, 'push', '-q', 'origin', 'main');
    git(c, 'checkout', '-q', '-b', 'work');
    const r = await queue(c, ['claim', 'S-1', '--agent', 'Dev 1', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error).toMatchObject({ code: 'git', branch: 'work' });
    expect(r.json.error.message).toMatch(
      /^origin has no branch work: queue took the checked-out branch for the shared one, .*push it first: git push -u origin work; else name the shared one: "branch" in queue\.config\.json, or QUEUE_BRANCH$/,
    );
    // Named, the claim lands on main.
    expect((await queue(c, ['claim', 'S-1', '--agent', 'Dev 1', '--json'], { QUEUE_BRANCH: 'main' })).code).toBe(0);
    expect(git(bare, 'show', 'main:WORK_QUEUE.md')).toContain('| [IN PROGRESS: Dev 1] | **S-1** |');
  }, 60_000);

  it('a claim of a story the working file has and the shared branch does not says to push it', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    writeFileSync(join(c, 'WORK_QUEUE.md'), `${read(join(c, 'WORK_QUEUE.md'))}| [ ] | **S-9** | local only | None |\n`);
    git(c, 'commit', '-qam', 'add S-9, not pushed');
    const r = await queue(c, ['claim', 'S-9', '--agent', 'Dev 1', '--json']);
    expect([r.code, r.json.error.code, r.json.error.local]).toEqual([1, 'not_found', true]);
    expect(r.json.error.message).toMatch(
      /^no story "S-9" on origin\/main, where queue writes: it is in your working WORK_QUEUE\.md \(line \d+\) but not on the shared branch yet; commit and push it/,
    );
    // A story nowhere is not found as before.
    expect((await queue(c, ['claim', 'S-77', '--agent', 'Dev 1', '--json'])).json.error.message).toBe('no story "S-77" in WORK_QUEUE.md');
  }, 60_000);

  it('in a clone of an empty remote whose first commit is not pushed yet: the error says to push it, and after the push the claim lands', async () => {
    const { bare, c } = seededEmptyRemote('queue-unpushed-');
    const r = await queue(c, ['claim', 'S-1', '--agent', 'Dev 1', '--json']);
    expect([r.code, r.json.error.code]).toEqual([2, 'git']);
    expect(r.json.error.message).toContain('push it first: git push -u origin main');
    git(c, 'push', '-q', '-u', 'origin', 'main');
    expect((await queue(c, ['claim', 'S-1', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(git(bare, 'show', 'main:WORK_QUEUE.md')).toContain('| [IN PROGRESS: Dev 1] | **S-1** |');
  }, 60_000);

  it('done unblocks the dependents it releases in the same commit; --no-unblock leaves them', async () => {
    const text =
      HEAD +
      ['| [IN PROGRESS: Dev 1] | **A** | a | None |', '| [BLOCKED] | **B** | b | A |', '| [IN PROGRESS: Dev 1] | **C** | c | None |', '| [BLOCKED] | **D** | d | C |', ''].join(
        '\n',
      );
    // The clone commits as Dev 1 (its identity is Dev 1's alias): the rules judge the author.
    const { remote, clones } = setup({ 'WORK_QUEUE.md': text, 'queue.config.json': JSON.stringify({ agents: { 'Dev 1': ['clone0@example.com'] } }) }, 1);
    const c = clones[0];
    const done = await queue(c, ['done', 'A', '--agent', 'Dev 1', '--json']);
    expect(done.json).toMatchObject({ story: { id: 'A', status: 'done' }, unblocked: ['B'], attempts: 1 });
    expect(git(remote, 'log', '-1', '--format=%s', 'main')).toBe('queue: done A (Dev 1); unblock B\n');
    const diff = git(remote, 'diff', '--unified=0', 'main~1', 'main')
      .split('\n')
      .filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).toEqual(['-| [IN PROGRESS: Dev 1] | **A** | a | None |', '-| [BLOCKED] | **B** | b | A |', '+| [DONE] | **A** | a | None |', '+| [ ] | **B** | b | A |']);
    // The hooks' rules accept the commit as a whole (the same judge as the pre-receive hook).
    expect((await queue(c, ['validate', '--range', 'main~1..main'])).code).toBe(0);
    const kept = await queue(c, ['done', 'C', '--agent', 'Dev 1', '--no-unblock', '--json']);
    expect(kept.json.unblocked).toEqual([]);
    expect(remoteFile(remote)).toContain('| [BLOCKED] | **D** | d | C |');
    expect(
      git(remote, 'diff', '--unified=0', 'main~1', 'main')
        .split('\n')
        .filter((l) => /^[-+][^-+]/.test(l)),
    ).toHaveLength(2);
  }, 60_000);

  it('an agent on a branch of its own claims on the shared branch (origin/HEAD); its branch is left alone', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    git(c, 'checkout', '-q', '-b', 'story-work');
    const claim = await queue(c, ['claim', 'S-1', '--agent', 'Dev 5', '--json']);
    expect(claim.code).toBe(0);
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 5] | **S-1** |');
    expect(git(remote, 'for-each-ref', '--format=%(refname)', 'refs/heads').trim()).toBe('refs/heads/main');
    // The local main follows; the checked-out branch and its files do not move.
    expect(git(c, 'rev-parse', 'main')).toBe(git(remote, 'rev-parse', 'main'));
    expect(git(c, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('story-work');
    expect(git(c, 'status', '--porcelain')).toBe('');
    expect(git(c, 'show', 'story-work:WORK_QUEUE.md')).toBe(stories(2));
  }, 60_000);

  it('from a second worktree: main checked out in the first is never moved under it', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 1);
    const c = clones[0];
    const wt = `${c}-wt`;
    git(c, 'worktree', 'add', '-q', wt, '-b', 'work');
    const claim = await queue(wt, ['claim', 'S-0', '--agent', 'Dev 8', '--json']);
    expect(claim.code).toBe(0);
    expect(claim.json.note).toContain(`main is checked out in ${c}`);
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 8] | **S-0** |');
    // The first worktree is as it was: no staged reversal of the claim.
    expect(git(c, 'status', '--porcelain')).toBe('');
    expect(git(c, 'rev-parse', 'main')).not.toBe(git(remote, 'rev-parse', 'main'));
    // Without a remote the branch itself moves: the worktree holding it follows, files and index.
    git(c, 'remote', 'remove', 'origin');
    writeFileSync(join(wt, 'queue.config.json'), '{"branch": "main"}\n');
    const local = await queue(wt, ['claim', 'S-1', '--agent', 'Dev 9', '--json']);
    expect(local.code).toBe(0);
    expect(git(c, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(c, 'WORK_QUEUE.md'), 'utf8')).toContain('| [IN PROGRESS: Dev 9] | **S-1** |');
  }, 60_000);

  it('refuses without writing: not_claimant, a newline in the agent name, an unreachable remote', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    await queue(c, ['claim', 'S-0', '--agent', 'A', '--json']);
    const tip = git(remote, 'rev-parse', 'main');
    expect((await queue(c, ['done', 'S-0', '--agent', 'B', '--json'])).json.error.code).toBe('not_claimant');
    const forged = await queue(c, ['claim', 'S-1', '--agent', 'B\nQueue-Agent: A', '--json']);
    expect([forged.code, forged.json.error.code]).toEqual([2, 'usage']);
    expect(git(remote, 'rev-parse', 'main')).toBe(tip);
    // A remote that cannot be reached: git's own reason, not its hints, and nothing changed here.
    const head = git(c, 'rev-parse', 'HEAD');
    git(c, 'remote', 'set-url', 'origin', join(remote, '..', 'gone.git'));
    const gone = await queue(c, ['claim', 'S-1', '--agent', 'B', '--json']);
    expect([gone.code, gone.json.error.code]).toEqual([2, 'git']);
    expect(gone.json.error.message).toMatch(/^git fetch: fatal: '.*gone\.git' does not appear to be a git repository/);
    expect([git(c, 'rev-parse', 'HEAD'), git(c, 'status', '--porcelain')]).toEqual([head, '']);
  }, 60_000);

  it('without a remote: commits on the local branch with update-ref as the compare-and-swap', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    git(c, 'remote', 'remove', 'origin');
    const r = await queue(c, ['claim', 'S-1', '--agent', 'A', '--json']);
    expect(r.code).toBe(0);
    expect(git(c, 'log', '-1', '--format=%s')).toBe('queue: claim S-1 (A)\n');
    expect(git(c, 'status', '--porcelain')).toBe('');
  }, 60_000);

  it('--no-commit edits only the working file', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const c = clones[0];
    const r = await queue(c, ['claim', 'S-1', '--agent', 'A', '--no-commit', '--json']);
    expect([r.code, r.json.commit], r.stdout + r.stderr).toEqual([0, null]);
    expect(git(c, 'status', '--porcelain')).toBe(' M WORK_QUEUE.md\n');
    expect(git(c, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
  }, 60_000);

  it('--no-commit from 8 processes at once: each claim is kept (a compare-and-swap under a shared lock, decided again when the file moved)', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': stories(8) }, 1);
    const c = clones[0];
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => queue(c, ['claim', `S-${i}`, '--agent', `A${i}`, '--no-commit', '--json'])));
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const held = await claims(readFileSync(join(c, 'WORK_QUEUE.md'), 'utf8'));
    expect([...held].sort()).toEqual(Array.from({ length: 8 }, (_, i) => [`S-${i}`, `A${i}`]));
  }, 60_000);

  it('--no-commit compares the bytes under the lock every queue process takes: a write made while it waits for the lock is decided on again, not overwritten', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': stories(2) }, 1);
    const path = join(clones[0], 'WORK_QUEUE.md');
    // Another queue process's write in progress: the lock beside the file is held.
    const release = await lockfile.lock(path, { lockfilePath: `${path}.lock`, realpath: false });
    const original = readFileSync(path, 'utf8');
    const claim = queue(clones[0], ['claim', 'S-1', '--agent', 'A', '--no-commit', '--json']);
    // The claim's temp file is written before it takes the lock: it is waiting now.
    const end = Date.now() + 20_000;
    while (!readdirSync(clones[0]).some((f) => /^WORK_QUEUE\.md\.\d+$/.test(f))) {
      if (Date.now() > end) throw new Error(`the claim did not wait for the lock: ${JSON.stringify(await claim)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // Written as that process decided it, on the bytes it read before the claim started.
    writeFileSync(path, original.replace('| story 0 |', '| story 0, written meanwhile |'));
    await release();
    const r = await claim;
    expect([r.code, r.json.story?.claimant], r.stdout + r.stderr).toEqual([0, 'A']);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('| story 0, written meanwhile |');
    expect(after).toContain('| [IN PROGRESS: A] | **S-1** |');
  }, 60_000);

  it(
    `kill -9 at random points leaves the remote and the clone consistent and claimable (QUEUE_TEST_SEED=${SEED})`,
    () =>
      withSeed(SEED, async () => {
        const random = rng(SEED);
        const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(10) }, 1);
        const c = clones[0];
        for (let k = 0; k < 8; k++) {
          const p = spawn(BIN, ['claim', '--agent', `victim-${k}`, '--json'], { cwd: c, stdio: 'ignore' });
          const closed = once(p, 'close'); // before the kill: a fast claim may finish first
          await new Promise((r) => setTimeout(r, 30 + random() * 300));
          p.kill('SIGKILL');
          await closed;
          const q = await readQueue([{ file: 'WORK_QUEUE.md', text: remoteFile(remote) }]);
          expect(q.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const holders = q.stories.map((s) => s.claimant).filter(Boolean);
          expect(new Set(holders).size).toBe(holders.length);
          // The clone never has commits the remote lacks.
          expect(git(c, 'merge-base', '--is-ancestor', 'HEAD', git(remote, 'rev-parse', 'main').trim())).toBe('');
        }
        // A claim after the killings succeeds (a killed holder's lock goes stale) and lands on the remote.
        const r = await queue(c, ['claim', '--agent', 'survivor', '--json']);
        expect([r.code, r.stderr]).toEqual([0, '']);
        const final = await claims(remoteFile(remote));
        expect(final.get(r.json.story.id)).toBe('survivor');
        // History stays a line of single-parent commits.
        expect(git(remote, 'rev-list', '--min-parents=2', 'main')).toBe('');
      }),
    120_000,
  );

  it(
    `kill -9 of claimers racing across clones (requests pending) leaves every success on the remote and nothing claimed twice (QUEUE_TEST_SEED=${SEED})`,
    () =>
      withSeed(SEED, async () => {
        const random = rng(SEED);
        const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(24) }, 4);
        const runs: Array<Promise<Run>> = [];
        const victims: Array<Promise<unknown>> = [];
        for (let k = 0; k < 12; k++) {
          const cwd = clones[k % clones.length];
          if (k % 3 === 2) {
            // Killed somewhere between start, race, publishing a request and waiting on it.
            const p = spawn(BIN, ['claim', '--agent', `victim-${k}`, '--json'], { cwd, stdio: 'ignore' });
            const closed = once(p, 'close');
            victims.push(new Promise((r) => setTimeout(r, 100 + random() * 900)).then(() => p.kill('SIGKILL')).then(() => closed));
          } else runs.push(queue(cwd, ['claim', '--agent', `agent-${k}`, '--json']));
        }
        const done = await Promise.all(runs);
        await Promise.all(victims);
        const text = remoteFile(remote);
        const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
        expect(q.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const final = await claims(text);
        for (const r of done) {
          expect([r.code, r.stderr]).toEqual([0, '']);
          expect(final.get(r.json.story.id)).toBe(r.json.story.claimant);
        }
        // No agent holds two stories (the limit is 1), no story is held twice; a killed claimer may hold
        // one (its push, or its request, landed before it died: the lease makes it stale in time).
        const holders = [...final.values()];
        expect(new Set(holders).size).toBe(holders.length);
        expect(holders.filter((h) => !h.startsWith('victim-'))).toHaveLength(done.length);
        // Whatever the killed left behind, the next claims succeed.
        for (const c of clones.slice(0, 2)) expect((await queue(c, ['claim', '--agent', `after-${c.slice(-1)}`, '--json'])).code).toBe(0);
        expect(git(remote, 'rev-list', '--min-parents=2', 'main')).toBe('');
      }),
    120_000,
  );

  it('add --story-file commits the row and the new story file together; dep add refuses a cycle', async () => {
    const withFiles = '| Status | Story | Description | Depends On | Story File |\n|---|---|---|---|---|\n| [ ] | **S-0** | zero | None | [S-0](stories/S-0.md) |\n';
    const { remote, clones } = setup({ 'WORK_QUEUE.md': withFiles }, 1);
    const c = clones[0];
    const r = await queue(c, ['add', '--id', 'N-1', '--title', 'New work', '--deps', 'S-0', '--story-file', '--agent', 'A', '--json']);
    expect([r.code, r.json.story.status, r.json.story.deps]).toEqual([0, 'blocked', ['S-0']]);
    expect(git(remote, 'show', '--name-only', '--format=', 'main').split('\n').filter(Boolean).sort()).toEqual(['WORK_QUEUE.md', 'stories/N-1-new-work.md']);
    expect(git(remote, 'show', 'main:stories/N-1-new-work.md')).toMatch(/^# N-1: New work\n/);
    expect(remoteFile(remote)).toContain('| [BLOCKED] | **N-1** | New work | S-0 | [N-1](stories/N-1-new-work.md) |');
    const cyc = await queue(c, ['dep', 'add', 'S-0', 'N-1', '--agent', 'A', '--json']);
    expect([cyc.code, cyc.json.error.code]).toEqual([1, 'invalid']);
  }, 60_000);
});

describe('claim over every queue fixture (real git, a clone each)', () => {
  it("a claim without an id takes a ready story and the remote shows it held, the file's line ends and BOM kept", async () => {
    let claimed = 0;
    for (const file of fixtureFiles()) {
      const text = read(file);
      const before = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
      if (!before.documents[0].editable) continue; // conflict.md: below
      const { remote, clones } = setup({ 'WORK_QUEUE.md': text }, 1);
      const r = await queue(clones[0], ['claim', '--agent', 'Fixture Agent', '--json']);
      expect(r.code, `${file}: ${r.stdout}${r.stderr}`).toBe(0);
      const id = r.json.story.id;
      expect(before.graph.isReady(before.graph.byId.get(id)!), `${file}: ${id} was ready`).toBe(true);
      const written = remoteFile(remote);
      const after = await readQueue([{ file: 'WORK_QUEUE.md', text: written }]);
      const held = after.graph.byId.get(id)!;
      expect([held.status.category, held.claimant], `${file}: ${id}`).toEqual(['in_progress', 'Fixture Agent']);
      // Every other story reads as it did.
      const others = (q: typeof before) => q.stories.filter((s) => s.id !== id).map((s) => [s.id, s.status.raw, s.deps.map((d) => d.ref)]);
      expect(others(after), file).toEqual(others(before));
      expect(
        after.diagnostics.filter((d) => d.severity === 'error'),
        file,
      ).toEqual([]);
      if (text.includes('\r\n'))
        expect(
          written
            .split('\n')
            .slice(0, -1)
            .every((l) => l.endsWith('\r')),
          `${file}: CRLF kept`,
        ).toBe(true);
      expect(written.startsWith('\uFEFF'), `${file}: BOM`).toBe(text.startsWith('\uFEFF'));
      claimed++;
    }
    expect(claimed).toBe(fixtureFiles().length - 1);
  }, 120_000);

  /** A remote holding test/fixtures/conflict.md, a clone of it, and a claim run there with `args`. */
  async function claimOnConflict(args: string[]) {
    const text = read(fixture('conflict.md'));
    const { remote, clones } = setup({ 'WORK_QUEUE.md': text }, 1);
    const r = await queue(clones[0], ['claim', ...args, '--agent', 'Fixture Agent', '--json']);
    return { r, text, remote, clone: clones[0] };
  }

  it('a claim on a file with conflict markers writes nothing; with an id it is refused as parse_error, naming the first marker', async () => {
    for (const args of [[], ['NT-3']]) {
      const { r, text, remote, clone } = await claimOnConflict(args);
      expect(r.code, r.stdout).toBe(1);
      expect(remoteFile(remote)).toBe(text);
      expect(git(clone, 'status', '--porcelain')).toBe('');
    }
    const { r } = await claimOnConflict(['NT-3']);
    expect(r.json.error).toMatchObject({ code: 'parse_error', message: expect.stringContaining('WORK_QUEUE.md:10:1: merge conflict markers') });
  }, 60_000);

  // Without an id the refusal names the conflict too, not "no story is ready".
  it('a claim without an id on a file with conflict markers is refused as parse_error too', async () => {
    const { r } = await claimOnConflict([]);
    expect(r.json.error).toMatchObject({ code: 'parse_error', message: expect.stringContaining('merge conflict markers') });
  }, 60_000);
});

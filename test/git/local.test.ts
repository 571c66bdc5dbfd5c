/**
 * Writes without a remote commit on the checked-out branch itself (update-ref as the
 * compare-and-swap). When the index and work tree cannot follow, the branch must not stay ahead of
 * them: a branch ahead of its own index is undone by the next `git commit`. Real git repositories.
 */
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { git, queue } from './repos.js';

const QUEUE = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **A** | a | None |\n| [ ] | **B** | b | None |\n';

/** A repository without a remote whose one commit holds `text` as WORK_QUEUE.md. */
function repo(text = QUEUE): string {
  const dir = tempDir('queue-local-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Dev 1');
  git(dir, 'config', 'user.email', 'dev1@example.com');
  writeFileSync(join(dir, 'WORK_QUEUE.md'), text);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'seed');
  return dir;
}

/** Claim and release each of `ids` in turn (as Dev 1): each claim changes the file (`claimed` checks
 * more), each release gives back `original` byte for byte. */
async function roundTrips(dir: string, ids: readonly string[], original: string, claimed: (text: string) => void = () => {}): Promise<void> {
  for (const id of ids) {
    expect((await queue(dir, ['claim', id, '--agent', 'Dev 1', '--json'])).code).toBe(0);
    const text = readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8');
    expect(text, id).not.toBe(original);
    claimed(text);
    expect((await queue(dir, ['release', id, '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8'), id).toBe(original);
  }
}

describe('writes on a local branch (no remote)', () => {
  it('a held index.lock: nothing is committed, HEAD, index and work tree agree, and the next commit undoes nothing', async () => {
    const dir = repo();
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(dir, '.git', 'index.lock'), '');
    const r = await queue(dir, ['claim', 'A', '--agent', 'Dev 1', '--json']);
    expect(r.code).not.toBe(0);
    expect(r.json.error.code).toBe('git');
    expect(r.json.error.message).toContain('index.lock');
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head);
    rmSync(join(dir, '.git', 'index.lock'));
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // Once the lock is gone the claim goes through, and stays through an ordinary commit.
    expect((await queue(dir, ['claim', 'A', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    writeFileSync(join(dir, 'notes.txt'), 'x\n');
    git(dir, 'add', 'notes.txt');
    git(dir, 'commit', '-qm', 'an ordinary commit');
    expect(git(dir, 'show', 'HEAD:WORK_QUEUE.md')).toContain('| [IN PROGRESS: Dev 1] | **A** |');
  });

  it('a queue file rewritten with the same bytes since git last looked (its times changed) is no local change', async () => {
    const dir = repo();
    const file = join(dir, 'WORK_QUEUE.md');
    writeFileSync(file, readFileSync(file));
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const r = await queue(dir, ['claim', 'A', '--agent', 'Dev 1', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(file, 'utf8')).toContain('| [IN PROGRESS: Dev 1] | **A** |');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a local change to the queue file: refused with what to do, the change kept, nothing committed', async () => {
    const dir = repo();
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const edited = QUEUE.replace('| b |', '| b, edited by hand |');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), edited);
    const r = await queue(dir, ['claim', 'A', '--agent', 'Dev 1', '--json']);
    expect(r.json.error.code).toBe('invalid');
    expect(r.json.error.message).toMatch(/uncommitted changes.*--no-commit/);
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(edited);
    expect(git(dir, 'diff', '--cached')).toBe('');
  });

  it('a story added and not committed, which ready shows: the claim refuses it saying the write reads the commit', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'WORK_QUEUE.md'), `${QUEUE}| [ ] | **C** | c | None |\n`);
    const ready = await queue(dir, ['ready', '--json']);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toContain('C');
    const r = await queue(dir, ['claim', 'C', '--agent', 'Dev 1', '--json']);
    expect(r.json.error.code).toBe('not_found');
    expect(r.json.error.uncommitted).toBe(true);
    expect(r.json.error.message).toMatch(/no story "C".*WORK_QUEUE\.md has uncommitted changes, which a write does not read: commit them first/);
    // A refusal the working file would give too says nothing of it: no story X there either, A not claimed.
    const absent = await queue(dir, ['claim', 'X', '--agent', 'Dev 1', '--json']);
    expect([absent.json.error.code, absent.json.error.uncommitted]).toEqual(['not_found', undefined]);
    const unclaimed = await queue(dir, ['done', 'A', '--agent', 'Dev 1', '--json']);
    expect([unclaimed.json.error.code, unclaimed.json.error.uncommitted]).toEqual(['not_claimant', undefined]);
    // A claim of a committed story is refused for the uncommitted changes themselves, and says so too.
    const committed = await queue(dir, ['claim', 'A', '--agent', 'Dev 1', '--json']);
    expect([committed.json.error.code, committed.json.error.uncommitted]).toEqual(['invalid', true]);
    // Committed, it is claimed.
    git(dir, 'commit', '-qam', 'add C');
    expect((await queue(dir, ['claim', 'C', '--agent', 'Dev 1', '--json'])).code).toBe(0);
  });

  it("a release writes back the to-do form the claim replaced, read from the claim commit; a claim made by hand gets the file's form", async () => {
    const forms =
      '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| OPEN | **A** | a | None |\n| OPEN | **B** | b | None |\n| **OPEN** — urgent | **C** | c | None |\n| ⬜ Pending | **D** | d | None |\n';
    const dir = repo(forms);
    await roundTrips(dir, ['C', 'D'], forms);
    // Claimed by hand: no claim commit says what it was, and the file's most frequent form is written.
    writeFileSync(join(dir, 'WORK_QUEUE.md'), forms.replace('| ⬜ Pending | **D** |', '| IN PROGRESS (Dev 1) | **D** |'));
    git(dir, 'commit', '-qam', 'D claimed by hand');
    expect((await queue(dir, ['release', 'D', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toContain('| OPEN | **D** |');
    // The file rewritten by hand in another dialect between the claim and the release (each status
    // in words now): the form before the claim is no longer the file's, and the file's own is written,
    // by a release and by a reopen alike.
    const brackets = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A |\n| [ ] | **C** | c | None |\n';
    const words =
      '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Done | **A** | a | None |\n| In Progress (Dev 1) | **B** | b | A |\n| Todo | **C** | c | None |\n';
    const converted = repo(brackets);
    const file = () => readFileSync(join(converted, 'WORK_QUEUE.md'), 'utf8');
    expect((await queue(converted, ['claim', 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    writeFileSync(join(converted, 'WORK_QUEUE.md'), words);
    git(converted, 'commit', '-qam', 'statuses in words');
    expect((await queue(converted, ['release', 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(file()).toBe(words.replace('| In Progress (Dev 1) | **B** |', '| Todo | **B** |'));
    for (const op of ['claim', 'done']) expect((await queue(converted, [op, 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    writeFileSync(join(converted, 'WORK_QUEUE.md'), file().replaceAll('Done', 'DONE').replaceAll('Todo', 'TODO'));
    git(converted, 'commit', '-qam', 'statuses in capitals');
    expect((await queue(converted, ['reopen', 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(file()).toBe(words.replace('| Done |', '| DONE |').replace('| In Progress (Dev 1) | **B** |', '| TODO | **B** |').replace('| Todo |', '| TODO |'));
    // Not a rewrite: the other stories moved on (claimed by another agent), and no status the file
    // shows now was shown then to compare: the form before the claim comes back.
    const own = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| **OPEN** — urgent | **S-1** | one | None |\n| [ ] | **S-2** | two | None |\n';
    const small = repo(own);
    expect((await queue(small, ['claim', 'S-1', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect((await queue(small, ['claim', 'S-2', '--agent', 'Dev 2', '--json'])).code).toBe(0);
    expect((await queue(small, ['release', 'S-1', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(small, 'WORK_QUEUE.md'), 'utf8')).toContain('| **OPEN** — urgent | **S-1** |');
  });

  it('a reopen writes back how the story and the dependents its done released stood before its claim, read from the claim commit; a done by hand gets the file’s form', async () => {
    // The one row that showed [BLOCKED] for a story that waits is the dependent the done releases:
    // afterwards no row shows the convention, and only history tells it.
    // E waits on B too, written [ ]: the done releases only C, and the reopen blocks only C again.
    const text =
      '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **A** | a | None |\n| Todo (est. 2d) | **B** | b | A ✅ |\n| [BLOCKED] | **C** | c | B |\n| [BLOCKED] | **D** | d | None |\n| [ ] | **E** | e | B |\n';
    const dir = repo(text);
    const file = () => readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8');
    for (const op of ['claim', 'done']) expect((await queue(dir, [op, 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(file()).toContain('| [DONE] (est. 2d) | **B** | b | A ✅ |\n| [ ] | **C** | c | B ✅ |');
    expect((await queue(dir, ['reopen', 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(file()).toBe(text);
    // Done by hand: no claim commit says how it stood, and the file's form is written.
    writeFileSync(
      join(dir, 'WORK_QUEUE.md'),
      text.replace('| Todo (est. 2d) | **B** |', '| [DONE] (est. 2d) | **B** |').replace('| [BLOCKED] | **C** | c | B |', '| [ ] | **C** | c | B |'),
    );
    git(dir, 'commit', '-qam', 'B done by hand');
    expect((await queue(dir, ['reopen', 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(file()).toContain('| [ ] (est. 2d) | **B** | b | A ✅ |\n| [ ] | **C** | c | B |');
    // Written in words, the note after a done status reads as who did it (`Done (est. 2d)`): the
    // form before the claim tells it was a note, and it stays.
    // So is a note inside emphasis that runs on over it, and the emphasis with it.
    const words =
      '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Done | **A** | a | None |\n| Todo (est. 2d) | **B** | b | A |\n| Todo | **C** | c | B |\n| **Todo (est. 1d)** | **F** | f | None |\n| **TODO — next sprint** | **G** | g | None |\n';
    const other = repo(words);
    for (const id of ['B', 'F', 'G']) {
      for (const op of ['claim', 'done']) expect((await queue(other, [op, id, '--agent', 'Dev 1', '--json'])).code).toBe(0);
      expect((await queue(other, ['reopen', id, '--agent', 'Dev 1', '--json'])).code).toBe(0);
      expect(readFileSync(join(other, 'WORK_QUEUE.md'), 'utf8'), id).toBe(words);
    }
    // The same in a heading block's `Status:` line.
    const blocks = '# Q\n\n### S-1: First\n\n- Status: todo (urgent)\n- Depends on: None\n\n### S-2: Second\n\n- Status: todo\n- Depends on: S-1\n';
    const headed = repo(blocks);
    for (const op of ['claim', 'done']) expect((await queue(headed, [op, 'S-1', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(headed, 'WORK_QUEUE.md'), 'utf8')).toContain('- Status: done (urgent)\n');
    expect((await queue(headed, ['reopen', 'S-1', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(headed, 'WORK_QUEUE.md'), 'utf8')).toBe(blocks);
    // A reopen of the working file only reads the history of the checked-out commit.
    for (const op of ['claim', 'done']) expect((await queue(other, [op, 'B', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect((await queue(other, ['reopen', 'B', '--agent', 'Dev 1', '--no-commit', '--json'])).code).toBe(0);
    expect(readFileSync(join(other, 'WORK_QUEUE.md'), 'utf8')).toBe(words);
    git(other, 'checkout', '-q', 'WORK_QUEUE.md');
    expect(git(other, 'show', 'HEAD~3:WORK_QUEUE.md')).toMatch(/\| \*\*Done — next sprint\*\* \| \*\*G\*\* \|/i);
  });

  it('an unblock writes back the to-do form the hold replaced, read from the block commit; a hold put by hand gets the file’s form', async () => {
    const forms = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Todo | **A** | a | None |\n| Todo | **B** | b | None |\n| OPEN | **C** | c | None |\n';
    const dir = repo(forms);
    expect((await queue(dir, ['block', 'C', '--reason', 'vendor keys', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).not.toBe(forms);
    expect((await queue(dir, ['unblock', 'C', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(forms);
    writeFileSync(join(dir, 'WORK_QUEUE.md'), forms.replace('| OPEN | **C** |', '| Blocked (vendor keys) | **C** |'));
    git(dir, 'commit', '-qam', 'C held by hand');
    expect((await queue(dir, ['unblock', 'C', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toContain('| Todo | **C** |');
    // A hold put on a story that read [BLOCKED] because it waited: lifted while it still waits, it is
    // written so again, though no other row shows that convention; once its dependency is done, to do.
    const waiting = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| Todo | **A** | a | None |\n| [BLOCKED] | **B** | b | A |\n';
    const other = repo(waiting);
    for (const [op, ...args] of [
      ['block', 'B', '--reason', 'vendor'],
      ['unblock', 'B'],
    ])
      expect((await queue(other, [op, ...args, '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(other, 'WORK_QUEUE.md'), 'utf8')).toBe(waiting);
    for (const [op, ...args] of [
      ['block', 'B', '--reason', 'vendor'],
      ['claim', 'A'],
      ['done', 'A'],
      ['unblock', 'B'],
    ])
      expect((await queue(other, [op, ...args, '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect(readFileSync(join(other, 'WORK_QUEUE.md'), 'utf8')).toContain('| [ ] | **B** | b | A |');
  });

  it('a block whose status is its section goes back where it was on release, and its old section gets its placeholder back', async () => {
    const sections =
      '# Queue\n\n## In progress\n\n_None._\n\n## Ready\n\n### WQ-003 Three\n- **Priority**: P1\n\n### WQ-001 One\n- **Priority**: P2\n\n### WQ-007 Seven\n- **Priority**: P3\n\n### WQ-009 Nine\nProse right under the heading.\n';
    const dir = repo(sections);
    await roundTrips(dir, ['WQ-001', 'WQ-007', 'WQ-003', 'WQ-009'], sections, (claimed) => expect(claimed).not.toContain('_None._'));
    // Two claims released in the order they were made: each block before the first story that
    // followed it and is still there.
    const agents = { 'WQ-001': 'Dev 1', 'WQ-007': 'Dev 2' } as const;
    for (const [id, agent] of Object.entries(agents)) expect((await queue(dir, ['claim', id, '--agent', agent, '--json'])).code).toBe(0);
    for (const [id, agent] of Object.entries(agents)) expect((await queue(dir, ['release', id, '--agent', agent, '--json'])).code).toBe(0);
    const ready = readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8').split('## Ready')[1];
    expect([...ready.matchAll(/### (WQ-\d+)/g)].map((m) => m[1])).toEqual(['WQ-003', 'WQ-001', 'WQ-007', 'WQ-009']);
  });

  it('a queue file over a limit already on the branch (from before a hook) does not block the commit that repairs it', async () => {
    const dir = repo();
    const deep = `# Queue\n\n${'- '.repeat(200)}[ ] x\n`;
    writeFileSync(join(dir, 'WORK_QUEUE.md'), deep);
    git(dir, 'commit', '-qam', 'an over-limit file, pushed before any hook');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
    git(dir, 'commit', '-qam', 'repaired');
    const r = await queue(dir, ['validate', '--range', 'HEAD~1..HEAD', '--json']);
    expect([r.code, r.json.valid, r.json.errors]).toEqual([0, true, 0]);
    expect(r.json.commits[0].events.map((e: { kind: string; story: string }) => `${e.kind} ${e.story}`)).toEqual(['add A', 'add B']);
  });
});

/**
 * Arguments are data: a revision, range or remote from the user never reaches git as an option.
 * `validate --range`, `log` and `diff` resolve what they are given to commit ids first (a bad one is
 * a `usage` error with git's message, never `internal`); queue.config.json's `remote` must name a
 * configured remote; `handoff --from/--to` are checked as agent names even beside `--agent`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { verifyRange, verifyRevision } from '../../src/git/args.js';
import { Git } from '../../src/git/git.js';
import { git, queue, remoteFile, setup } from './repos.js';

const QUEUE = ['| Status | Story | Description | Depends On |', '|---|---|---|---|', '| [ ] | **1-1** | first | None |', '| [ ] | **1-2** | second | None |', ''].join('\n');

/** A clone with two queue commits after the seed: a claim and a done. */
async function history(): Promise<{ dir: string; remote: string; clone: string }> {
  const { dir, remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
  const [clone] = clones;
  // The commits are judged by who wrote them: this clone writes as Dev 1.
  git(clone, 'config', 'user.name', 'Dev 1');
  expect((await queue(clone, ['claim', '1-1', '--agent', 'Dev 1'])).code).toBe(0);
  expect((await queue(clone, ['done', '1-1', '--agent', 'Dev 1'])).code).toBe(0);
  return { dir, remote, clone };
}

describe('revisions and ranges are resolved before git sees them', () => {
  it('an option given as a revision or range is a usage error, and git writes no file', async () => {
    const { dir, clone } = await history();
    const out = join(dir, 'x');
    for (const args of [
      ['validate', '--range', `--output=${out}`],
      ['log', '--', `--output=${out}`],
      ['log', '--', `--output=${out}..HEAD`],
      ['diff', '--', `--output=${out}`, 'HEAD'],
      ['diff', 'HEAD~1', '--', `--output=${out}`],
    ]) {
      const r = await queue(clone, [...args.slice(0, 1), '--json', ...args.slice(1)]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json.error.code).toBe('usage');
      expect(r.json.error.message).toMatch(/is not a commit in this repository \(git: fatal: /);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a revision that names nothing is usage with git’s message, not internal', async () => {
    const { clone } = await history();
    const r = await queue(clone, ['log', 'no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('queue: "no-such-branch" is not a commit in this repository (git: fatal: Needed a single revision) [usage]\n');
    expect((await queue(clone, ['validate', '--range', 'HEAD..nope', '--json'])).json.error.code).toBe('usage');
  });

  it('the legitimate twins: ranges, revisions and names resolve and read as before', async () => {
    const { clone } = await history();
    const range = await queue(clone, ['validate', '--range', 'HEAD~2..HEAD', '--json']);
    expect(range.code).toBe(0);
    expect(range.json).toMatchObject({ valid: true, range: 'HEAD~2..HEAD' });
    expect(range.json.commits.map((c: { op: string }) => c.op)).toEqual(['claim', 'done']);
    // The whole history: the seed adds both stories.
    const log = await queue(clone, ['log', 'main', '--json']);
    expect(log.json.events.map((e: { kind: string; story: string }) => `${e.kind} ${e.story}`)).toEqual(['add 1-1', 'add 1-2', 'claim 1-1', 'done 1-1']);
    expect((await queue(clone, ['log', '--json'])).json.events).toEqual(log.json.events);
    expect((await queue(clone, ['log', 'HEAD~1..', '--json'])).json.events.map((e: { kind: string }) => e.kind)).toEqual(['done']);
    const diff = await queue(clone, ['diff', 'HEAD~2', 'HEAD', '--json']);
    expect(diff.json.events.map((e: { kind: string; story: string }) => `${e.kind} ${e.story}`)).toEqual(['done 1-1']);
    expect(diff.json).toMatchObject({ from: 'HEAD~2', to: 'HEAD' });
  });

  it('verifyRange gives commit ids for every form of range', async () => {
    const { clone } = await history();
    const g = new Git(clone);
    const head = git(clone, 'rev-parse', 'HEAD').trim();
    const first = git(clone, 'rev-parse', 'HEAD~2').trim();
    expect(await verifyRevision(g, 'HEAD')).toBe(head);
    expect(await verifyRange(g, 'HEAD~2..HEAD')).toBe(`${first}..${head}`);
    expect(await verifyRange(g, 'HEAD~2...')).toBe(`${first}...${head}`);
    expect(await verifyRange(g, '..HEAD~2')).toBe(`${head}..${first}`);
    expect(await verifyRange(g, 'main')).toBe(head);
    await expect(verifyRange(g, '..')).rejects.toThrow(QueueError);
    await expect(verifyRange(g, '-o')).rejects.toThrow(/"-o" is not a commit/);
    await expect(verifyRevision(g, '')).rejects.toThrow(QueueError);
  });
});

describe('the config remote must be a configured remote', () => {
  it('"-o" is refused by the config; an unknown remote is a usage error listing the remotes', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [clone] = clones;
    const before = git(remote, 'rev-parse', 'main').trim();
    writeFileSync(join(clone, 'queue.config.json'), '{"remote": "-o"}');
    const option = await queue(clone, ['claim', '1-1', '--agent', 'Dev 1', '--json']);
    expect(option.json.error).toMatchObject({ code: 'invalid', key: 'remote' });
    writeFileSync(join(clone, 'queue.config.json'), '{"remote": "upstream"}');
    const unknown = await queue(clone, ['claim', '1-1', '--agent', 'Dev 1', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error).toMatchObject({ code: 'usage', key: 'remote' });
    expect(unknown.json.error.message).toContain('"upstream", which is not a remote of this repository (the configured remotes are origin)');
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(before);

    // The twin: once configured, it is used.
    git(clone, 'remote', 'add', 'upstream', remote);
    const ok = await queue(clone, ['claim', '1-1', '--agent', 'Dev 1', '--json']);
    expect(ok.code).toBe(0);
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 1] | **1-1** |');
  });
});

describe('handoff --from and --to are agent names, even beside --agent', () => {
  it('a newline cannot reach the commit subject; the twin commits', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [clone] = clones;
    const before = git(remote, 'rev-parse', 'main').trim();
    for (const [flag, value] of [
      ['--from', 'Dev 1\nQueue-Agent: Boss'],
      ['--to', 'Dev 2\n\nQueue-Force: yes'],
      ['--to', 'a | b'],
    ]) {
      const args = ['handoff', '--agent', 'Dev 1', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--json'];
      args[args.indexOf(flag) + 1] = value;
      const r = await queue(clone, args);
      expect(r.code).toBe(2);
      expect(r.json.error.code).toBe('usage');
      expect(r.json.error.message).toContain(`${flag} ${JSON.stringify(value)} is not allowed`);
    }
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(before);
    const ok = await queue(clone, ['handoff', '--agent', 'Dev 1', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--json']);
    expect(ok.code).toBe(0);
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toBe('queue: handoff 1-1 (Dev 1 → Dev 2)');
  });
});

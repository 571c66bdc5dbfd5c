/**
 * A write whose object store refuses it (a full disk, a read-only .git): a clear error with its code
 * and exit code, no stack trace, and HEAD, index and working tree as they were (real repositories,
 * a real process).
 */
import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { git, queue, remoteFile, setup } from './repos.js';

const QUEUE = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **A** | a | None |\n| [ ] | **B** | b | None |\n';

/** What must not move when a write fails: the clone's HEAD, index, work tree status and the remote's branch. */
function state(clone: string, remote: string) {
  return {
    head: git(clone, 'rev-parse', 'HEAD'),
    index: git(clone, 'ls-files', '-s', '--debug'),
    status: git(clone, 'status', '--porcelain', '--untracked-files=all'),
    remote: git(remote, 'rev-parse', 'main'),
    file: remoteFile(remote),
  };
}

/** `queue claim A` in `clone` fails as it should: `git` or `io`, exit code from the error map, one line, no stack. */
async function claimFails(clone: string) {
  const run = await queue(clone, ['claim', 'A', '--json'], { QUEUE_AGENT: 'Dev 1' });
  const { code, message } = run.json.error;
  expect(['git', 'io']).toContain(code);
  expect(run.code).toBe(new QueueError(code, '').exitCode);
  expect(message.length).toBeGreaterThan(0);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  const plain = await queue(clone, ['claim', 'A'], { QUEUE_AGENT: 'Dev 1' });
  expect(plain.code).toBe(run.code);
  expect(plain.stderr).toMatch(/^queue: .+\n$/);
  return message as string;
}

const restore: Array<() => void> = [];
afterEach(() => {
  // Writable again, so the scratch directories can be removed.
  for (const r of restore.splice(0)) r();
});

describe('a write in a clone whose object store cannot be written', () => {
  it('objects/ holds a file where a fan-out directory would go (git cannot create it, whoever runs): git error, nothing moved', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [c] = clones;
    // Every object packed, then each of the 256 fan-out names taken by a regular file: no loose
    // object can be written (mkdir fails with EEXIST/ENOTDIR), for root too.
    git(c, 'repack', '-a', '-d', '-q');
    git(c, 'prune-packed');
    const objects = join(c, '.git', 'objects');
    for (let i = 0; i < 256; i++) writeFileSync(join(objects, i.toString(16).padStart(2, '0')), '');
    restore.push(() => {
      for (let i = 0; i < 256; i++) rmSync(join(objects, i.toString(16).padStart(2, '0')), { force: true });
    });
    const before = state(c, remote);
    const message = await claimFails(c);
    expect(message).toMatch(/object|file|director/i);
    expect(state(c, remote)).toEqual(before);
    expect(before.status).toBe('');
  });

  const root = process.getuid?.() === 0;
  if (root) process.stderr.write('skipped: a write with .git/objects read-only (chmod -R a-w): root ignores file permissions\n');
  it.skipIf(root)('.git/objects read-only (chmod -R a-w): io or git error, nothing moved', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [c] = clones;
    const objects = join(c, '.git', 'objects');
    const walk = (dir: string, f: (p: string) => void) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p, f);
        f(p);
      }
      f(dir);
    };
    const modes = new Map<string, number>();
    walk(objects, (p) => {
      modes.set(p, statSync(p).mode & 0o7777);
      chmodSync(p, statSync(p).mode & ~0o222);
    });
    restore.push(() => {
      for (const [p, m] of modes) chmodSync(p, m);
    });
    const before = state(c, remote);
    await claimFails(c);
    expect(state(c, remote)).toEqual(before);
    expect(before.status).toBe('');
  });
});

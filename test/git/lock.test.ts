/** The clone's queue lock, and a file's: a lock another process keeps fresh is a `locked` refusal naming it, never an internal error. */
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { takeLock } from '../../src/git/lock.js';
import { tempDir } from '../helpers.js';

describe('a lock held all the while queue waits', () => {
  it('is QueueError locked, with the lock it waited for; once it goes, the lock is taken', async () => {
    const dir = tempDir('queue-lock-');
    const path = join(dir, 'queue.lock');
    // Another process's lock, just refreshed (proper-lockfile's mtime), so not stale.
    mkdirSync(path);
    utimesSync(path, new Date(), new Date());
    const options = { realpath: false, stale: 3_000, update: 1_000, retries: { retries: 2, minTimeout: 5, maxTimeout: 10 } };
    const e = await takeLock(dir, path, "the clone's queue lock", options).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueueError);
    expect((e as QueueError).code).toBe('locked');
    expect((e as QueueError).exitCode).toBe(1);
    expect((e as QueueError).details).toEqual({ lock: path });
    expect((e as QueueError).message).toContain(`remove ${path}`);
    // Left by a process that is gone (older than `stale`): taken.
    const old = new Date(Date.now() - 10_000);
    utimesSync(path, old, old);
    const release = await takeLock(dir, path, "the clone's queue lock", options);
    await release();
  });
});

/** What the CLI says about errors it did not make itself: real ones, from the system and from git. */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../src/app/failure.js';
import { QueueError } from '../src/domain/errors.js';
import { Git } from '../src/git/git.js';
import { tempDir } from './helpers.js';

describe('failures the user can act on carry no stack trace', () => {
  it('a full disk is io, with the path and the reason', () => {
    let error: unknown = null;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      error = e;
    }
    const f = failureOf(error);
    expect(f).toMatchObject({ code: 'io', exit: 2, details: { errno: 'ENOSPC' } });
    expect(f.message).toContain('no space left on the device');
    expect(f.message).not.toMatch(/\n\s+at /);
  });

  it('a failed git command is git, with git message; a QueueError is itself; anything else is internal, a bug to report', async () => {
    const error = await new Git(tempDir('queue-nogit-')).raw(['rev-parse', '--verify', 'nosuchrev']).catch((e) => e);
    const f = failureOf(error);
    expect(f.code).toBe('git');
    expect(f.message).not.toMatch(/\n\s+at /);
    expect(failureOf(new QueueError('not_found', 'no story "X"', { id: 'X' }))).toEqual({ code: 'not_found', message: 'no story "X"', exit: 1, details: { id: 'X' } });
    const bug = failureOf(new TypeError('x is undefined'));
    expect(bug.code).toBe('internal');
    expect(bug.message).toContain('please report it');
  });
});

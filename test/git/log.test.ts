/**
 * Commits listed field by field (`git/log.ts`), in a real repository whose messages, names and
 * trailers hold the control bytes other listings split at, and whose paths hold spaces and newlines.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Git } from '../../src/git/git.js';
import { logCommits, parseCommits, trailerField, trailerValues } from '../../src/git/log.js';
import { QueueError } from '../../src/domain/errors.js';
import { tempDir } from '../helpers.js';

describe('git log, field by field', () => {
  it('reads every commit whatever bytes its text holds, with its trailers and its paths', async () => {
    const dir = tempDir('queue-log-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'a@example.com');
    git('config', 'user.name', 'a\x1eb\x1fc');
    mkdirSync(join(dir, 'handoffs'));
    writeFileSync(join(dir, 'handoffs', 'S-1 notes.md'), 'x');
    writeFileSync(join(dir, 'handoffs', 'two\nlines.md'), 'y');
    git('add', '-A');
    git('commit', '-q', '-m', 'first\x1e\x1f\x1d', '-m', 'Queue-Story: S-1\nQueue-Story: S-2\x1e\nQueue-Agent: Dev 1\n  folded');
    git('commit', '-q', '--allow-empty', '-m', 'second');
    const listed = await logCommits(new Git(dir), ['%an', '%s', trailerField('Queue-Story'), trailerField('Queue-Agent')], ['--reverse'], { names: true });
    expect(listed.map((c) => c.fields)).toEqual([
      ['a\x1eb\x1fc', 'first\x1e\x1f\x1d', 'S-1\nS-2\x1e', 'Dev 1 folded'],
      ['a\x1eb\x1fc', 'second', '', ''],
    ]);
    expect(trailerValues(listed[0].fields[2])).toEqual(['S-1', 'S-2\x1e']);
    expect(listed[0].names.sort()).toEqual(['handoffs/S-1 notes.md', 'handoffs/two\nlines.md']);
    expect(listed[1].names).toEqual([]);
    expect(listed.map((c) => c.commit)).toEqual(git('log', '--reverse', '--format=%H').trim().split('\n'));
    // Without paths, and with no commit at all.
    expect((await logCommits(new Git(dir), ['%s'], [])).map((c) => c.fields[0])).toEqual(['second', 'first\x1e\x1f\x1d']);
    expect(await logCommits(new Git(dir), ['%s'], ['HEAD..HEAD'])).toEqual([]);
  });

  it('refuses a listing that does not read as the fields asked for, rather than skip a commit', () => {
    const id = 'a'.repeat(40);
    expect(parseCommits(`\0${id}\0x\0y`, 2)).toEqual([{ commit: id, fields: ['x', 'y'], names: [] }]);
    for (const bad of [`\0${id}\0x`, `${id}\0x\0y`, `\0not-an-id\0x\0y`]) {
      expect(() => parseCommits(bad, 2)).toThrow(QueueError);
    }
  });
});

/** Running git (src/git/git.ts): commands that print nothing, and failures, through both paths. */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { Git, GitFailure } from '../../src/git/git.js';
import { git } from './repos.js';

describe('Git', () => {
  it('runs a command that prints nothing as a child of its own, and says what git said when one fails', async () => {
    const dir = tempDir('queue-git-run-');
    git(dir, 'init', '-q', '-b', 'main', '.');
    git(dir, '-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-q', '--allow-empty', '-m', 'one');
    const g = new Git(dir);
    // No remote: `git remote` prints nothing, and the answer is the empty string.
    expect(await g.quiet(['remote'])).toBe('');
    const head = (await g.line(['rev-parse', 'HEAD'])).trim();
    expect(await g.quiet(['update-ref', 'refs/heads/other', head])).toBe('');
    expect(git(dir, 'rev-parse', 'refs/heads/other').trim()).toBe(head);
    // Output is returned exactly, newline and all.
    expect(await g.quiet(['rev-parse', 'refs/heads/other'])).toBe(`${head}\n`);
    // A compare-and-swap that finds the ref moved fails with git's own message.
    const failure = await g.quiet(['update-ref', 'refs/heads/other', head, `${'0'.repeat(39)}1`]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GitFailure);
    expect((failure as GitFailure).message).toMatch(/^git update-ref: .*(cannot lock|is at|expected)/);
    expect(await g.ok(['update-ref', 'refs/heads/other', head, `${'0'.repeat(39)}1`])).toBe(false);
    expect(await g.ok(['diff', '--quiet', 'HEAD', 'refs/heads/other'])).toBe(true);
  });
});

/**
 * Paths stay in the repository (pure part): queue.config.json's `file`, `storiesDir` and
 * `deploymentDir` are relative paths inside the work tree, and every name queue writes is one
 * `git fsck` accepts. Each bypass is refused, and its legitimate twin taken.
 */
import { describe, expect, it } from 'vitest';
import { isRefName, parseConfig } from '../../src/domain/config.js';
import { QueueError } from '../../src/domain/errors.js';
import { badName, badPath, configPath } from '../../src/domain/paths.js';

describe('config paths', () => {
  it.each([
    ['stories/..', /"storiesDir" must be a path inside the repository.*"\.\." name/],
    ['../outside', /"\.\." name/],
    ['/tmp/x', /absolute path/],
    ['C:/x', /absolute path/],
    ['.git', /git's own directory/],
    ['.git/hooks', /git's own directory/],
    ['docs/.GIT', /git's own directory/],
    ['.git ', /git's own directory/],
    ['.git.', /git's own directory/],
    ['GIT~1', /git's own directory/],
    ['.g\u200cit', /git's own directory/],
    ['a//b', /empty name/],
    ['a\\b', /backslash/],
    ['a\u0000b', /control character/],
    ['-x', /starts with "-"/],
    ['./-x', /starts with "-"/],
    ['.', /the repository root itself/],
    ['./', /the repository root itself/],
  ])('refuses storiesDir %j, naming the key and the fix', (value, message) => {
    const text = `{\n  "storiesDir": ${JSON.stringify(value)}\n}`;
    let error: unknown;
    try {
      parseConfig(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueError);
    const q = error as QueueError;
    expect(q.code).toBe('invalid');
    expect(q.message).toMatch(message);
    expect(q.message).toContain('such as "stories"');
    expect(q.details).toMatchObject({ file: 'queue.config.json', key: 'storiesDir', line: 2, column: 3 });
  });

  it('refuses the same for file and deploymentDir', () => {
    expect(() => parseConfig('{"file": "../WORK_QUEUE.md"}')).toThrow(/"file" must be a path inside the repository/);
    expect(() => parseConfig('{"deploymentDir": "/srv/deploy"}')).toThrow(/"deploymentDir" must be a path inside the repository.*absolute/);
  });

  it('takes relative paths inside the work tree, normalized', () => {
    const { config } = parseConfig(JSON.stringify({ file: './docs/QUEUE.md', storiesDir: 'docs/stories/', deploymentDir: 'ops/deploy' }));
    expect([config.file, config.storiesDir, config.deploymentDir]).toEqual(['docs/QUEUE.md', 'docs/stories', 'ops/deploy']);
    // Names that only look like the forbidden ones are fine.
    expect(configPath('.github/queue')).toEqual({ path: '.github/queue' });
    expect(configPath('git~2')).toEqual({ path: 'git~2' });
    expect(configPath('a..b/c')).toEqual({ path: 'a..b/c' });
  });
});

describe('tree entry names (git fsck)', () => {
  it('refuses what git fsck refuses, in every form a file system folds into .git', () => {
    for (const name of ['', '.', '..', '.git', '.GIT', '.Git ', '.git...', 'git~1', '.git::$INDEX_ALLOCATION', '\u200c.git', 'a\\b', 'a\nb']) expect(badName(name)).not.toBeNull();
    for (const name of ['a', '.gitignore', '.github', 'git', '..a', 'a.', '2026-01-01-dev-1-dev-2-b.md']) expect(badName(name)).toBeNull();
  });

  it('checks every name of a path', () => {
    expect(badPath('stories/../x.md')).toMatch(/".."/);
    expect(badPath('deployment/.git/x')).toMatch(/git's own directory/);
    expect(badPath('/etc/passwd')).toMatch(/absolute/);
    expect(badPath('a/b/')).toMatch(/empty name/);
    expect(badPath('deployment/handoffs/2026-01-01-a-b-c.md')).toBeNull();
  });
});

describe('branch and remote names', () => {
  it('can never reach git as an option, and follow git check-ref-format', () => {
    for (const name of ['-o', '--upload-pack=x', '', 'a..b', 'a b', 'a~1', 'a:b', 'a/', '.hidden', 'x.lock', 'a@{1}', '@']) expect(isRefName(name)).toBe(false);
    for (const name of ['main', 'origin', 'team/queue', 'release-1.2']) expect(isRefName(name)).toBe(true);
    expect(() => parseConfig('{"remote": "-o"}')).toThrow(/"remote" must be a remote name or null/);
    expect(() => parseConfig('{"branch": "--force"}')).toThrow(/"branch" must be a branch name/);
  });
});

/**
 * A read learns that a repository has no remote from git's configuration files, without running git;
 * anything that could name a remote it cannot see (an include, a variable that moves the
 * configuration) leaves the question to git.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certainlyNoRemote } from '../../src/app/git-config.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** True when a system-wide git config file could answer for us: then "no remote" cannot be certain here. */
const systemSays = ['/etc/gitconfig', '/usr/local/etc/gitconfig', '/opt/homebrew/etc/gitconfig'].some((f) => {
  try {
    return /^\s*\[\s*(?:remote|include)/im.test(readFileSync(f, 'utf8'));
  } catch {
    return false;
  }
});

describe('certainlyNoRemote', () => {
  let dir: string;
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, GIT_DIR: process.env.GIT_DIR };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-git-config-'));
    // The user's own configuration is not this test's: a home of its own.
    process.env.HOME = join(dir, 'home');
    process.env.XDG_CONFIG_HOME = join(dir, 'home', '.config');
    mkdirSync(process.env.HOME, { recursive: true });
    delete process.env.GIT_DIR;
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(process.platform === 'win32' || systemSays)('is true for a repository without a remote, and for a linked worktree of one', () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    expect(certainlyNoRemote(repo)).toBe(true);
    git(repo, '-c', 'user.name=a', '-c', 'user.email=a@a', 'commit', '-q', '--allow-empty', '-m', 'x');
    git(repo, 'worktree', 'add', '-q', join(dir, 'wt'));
    expect(certainlyNoRemote(join(dir, 'wt'))).toBe(true);
  });

  it('is false once a remote is named, in the repository or the user config, or an include could name one', () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    git(repo, 'remote', 'add', 'origin', 'https://example.com/x.git');
    expect(certainlyNoRemote(repo)).toBe(false);
    git(repo, 'remote', 'remove', 'origin');

    writeFileSync(join(process.env.HOME!, '.gitconfig'), '[remote "shared"]\n\turl = /srv/shared.git\n');
    expect(certainlyNoRemote(repo)).toBe(false);
    writeFileSync(join(process.env.HOME!, '.gitconfig'), '[includeIf "gitdir:~/work/"]\n\tpath = ~/.gitconfig-work\n');
    expect(certainlyNoRemote(repo)).toBe(false);
  });

  it('is false when the environment moves git’s repository or configuration, and outside a repository', () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    process.env.GIT_DIR = join(repo, '.git');
    expect(certainlyNoRemote(repo)).toBe(false);
    delete process.env.GIT_DIR;
    expect(certainlyNoRemote(join(dir, 'home'))).toBe(false);
  });
});

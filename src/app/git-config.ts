/**
 * What a read can tell from git's configuration files without running git. Starting a git process
 * costs 5-10 ms, and a read of a clone without a remote ran three only to learn that it has none.
 * Every answer here is certain or null ("ask git"): anything unusual (an include, a variable that
 * moves or adds configuration, a file that cannot be read) is left to git.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository's own git dir and its common git dir (they differ in a linked worktree), or null. */
function gitDirs(repo: string): { gitDir: string; common: string } | null {
  const dotGit = join(repo, '.git');
  let gitDir = dotGit;
  if (!statSync(dotGit).isDirectory()) {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return null;
    gitDir = resolve(repo, m[1]);
  }
  let common = gitDir;
  try {
    common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  return { gitDir, common };
}

/** A config file's text ('' when it does not exist); throws when it exists but cannot be read. */
function configText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return '';
    throw e;
  }
}

/** Where git installs keep the system's configuration file: a distribution's, /usr/local, Homebrew's. */
const SYSTEM = ['/etc/gitconfig', '/usr/local/etc/gitconfig', '/opt/homebrew/etc/gitconfig'];

/** Variables that tell git where its repository or configuration is, or add configuration. */
const MOVES_CONFIG = /^GIT_(?:DIR|COMMON_DIR|WORK_TREE|CONFIG\w*)$/;

/**
 * True when the repository at `repo` certainly has no remote: no configuration file git reads for
 * it (the repository's `config` and `config.worktree`, the user's `~/.gitconfig` and
 * `$XDG_CONFIG_HOME/git/config`, the system's `/etc/gitconfig` or its /usr/local and Homebrew places) has a `[remote` section or an
 * include, and no variable in the environment changes where git looks (`GIT_DIR`, `GIT_CONFIG_GLOBAL`, …). False when git
 * must be asked (it may still have none).
 */
export function certainlyNoRemote(repo: string): boolean {
  // Elsewhere the system's file lies under git's install prefix, which only git knows.
  if (process.platform === 'win32' || Object.keys(process.env).some((k) => MOVES_CONFIG.test(k))) return false;
  try {
    const dirs = gitDirs(repo);
    if (!dirs) return false;
    const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
    const files = [join(dirs.common, 'config'), join(dirs.gitDir, 'config.worktree'), join(homedir(), '.gitconfig'), join(xdg, 'git', 'config'), ...SYSTEM];
    for (const f of files) if (/^\s*\[\s*(?:remote|include|includeif)\b/im.test(configText(f))) return false;
    return true;
  } catch {
    return false;
  }
}

// Git repositories the benchmarks share (bench/claim.mjs, bench/run-loop.mjs): a bare remote seeded
// with a queue and a config, and clones of it, each with an identity of its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `git <args>` in `cwd`; stdout. */
export const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A bare remote (in a new temp directory named after `prefix`) seeded with WORK_QUEUE.md `text` and queue.config.json `config`, and `clones` clones of it. */
export function remoteWithClones(prefix, text, config, clones) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remote = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', remote, seed);
  writeFileSync(join(seed, 'WORK_QUEUE.md'), text);
  writeFileSync(join(seed, 'queue.config.json'), JSON.stringify(config));
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  const out = [];
  for (let i = 0; i < clones; i++) {
    const c = join(dir, `c${i}`);
    git(dir, 'clone', '-q', remote, c);
    git(c, 'config', 'user.name', `clone${i}`);
    git(c, 'config', 'user.email', `c${i}@b`);
    out.push(c);
  }
  return { dir, remote, clones: out };
}

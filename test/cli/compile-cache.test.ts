/**
 * The `queue` binary turns on node's compile cache (node ≥ 22.1) and runs the same either way: with
 * the cache, without it (node 20, `NODE_DISABLE_COMPILE_CACHE`), and with a cache directory that
 * cannot be written. The node under test is the one running the tests, or `QUEUE_TEST_NODE` (a path
 * to another node binary) when that one has the cache; without such a node the cache's own checks
 * are skipped, saying so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../git/repos.js';
import { tempDir } from '../helpers.js';

/** Whether `node` has `module.enableCompileCache`. */
const hasCache = (node: string): boolean => spawnSync(node, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).stdout?.trim() === 'function';

const NODE = [process.execPath, process.env.QUEUE_TEST_NODE].find((n): n is string => !!n && existsSync(n) && hasCache(n)) ?? null;
if (!NODE) process.stderr.write(`skipped: node's compile cache (node ${process.versions.node} has none; QUEUE_TEST_NODE=/path/to/node ≥ 22.1 runs these checks with that node)\n`);

const QUEUE = ['# Q', '', '| Status | Story | Description | Depends On |', '|---|---|---|---|', '| [ ] | **A** | first | None |', '| [ ] | **B** | second | A |', ''].join('\n');

/** `queue ready --json` in a directory holding QUEUE, run by `node` with `env` added. */
function ready(node: string, env: Record<string, string>) {
  const dir = tempDir('queue-cc-');
  writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
  const { NODE_COMPILE_CACHE: _c, NODE_DISABLE_COMPILE_CACHE: _d, TMPDIR: _t, ...rest } = process.env;
  return spawnSync(node, [BIN, 'ready', '--json'], { cwd: dir, env: { ...rest, ...env }, encoding: 'utf8' });
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

describe('the compile cache', () => {
  it('a cache directory that cannot be made changes nothing: same answer, nothing on stderr', () => {
    const node = NODE ?? process.execPath;
    const blocker = join(tempDir('queue-cc-'), 'a-file');
    writeFileSync(blocker, '');
    const plain = ready(node, { NODE_DISABLE_COMPILE_CACHE: '1' });
    // node's default cache directory is `node-compile-cache` in the temporary directory.
    const blocked = ready(node, { TMPDIR: blocker });
    expect(plain.status).toBe(0);
    expect(blocked.status).toBe(0);
    expect(blocked.stderr).toBe('');
    expect(JSON.parse(blocked.stdout)).toEqual(JSON.parse(plain.stdout));
  });

  it.skipIf(!NODE)('fills the cache in its default place on the first run and answers the same from it; NODE_DISABLE_COMPILE_CACHE keeps it empty', () => {
    const node = NODE!;
    // Only the bin turns the cache on here: NODE_COMPILE_CACHE, which would turn it on in node itself, is unset.
    const tmp = tempDir('queue-cc-');
    const cache = join(tmp, 'node-compile-cache');
    const first = ready(node, { TMPDIR: tmp });
    expect(first.status).toBe(0);
    const cached = files(cache).length;
    // The bin, the CLI and the chunks `ready` loads.
    expect(cached).toBeGreaterThan(3);
    const second = ready(node, { TMPDIR: tmp });
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const tmpOff = tempDir('queue-cc-');
    const off = join(tmpOff, 'node-compile-cache');
    const disabled = ready(node, { TMPDIR: tmpOff, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(disabled.status).toBe(0);
    expect(disabled.stdout).toBe(first.stdout);
    expect(files(off)).toEqual([]);
  });
});

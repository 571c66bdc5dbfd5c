/**
 * Shell completion: the bash script `queue completion bash` prints, sourced in a real bash with the
 * built `queue` on PATH, completes commands, options and story ids read from the queue (through
 * `queue __complete`, which walks commander's command tree). zsh and fish scripts are printed for
 * those shells (not installed here: their scripts are checked for the call they make).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BIN, queue, setup } from '../git/repos.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|--------|-------|-------------|------------|',
  '| [DONE] | **A-1** | first | None |',
  '| [ ] | **A-2** | second | A-1 |',
  '| [ ] | **B-1** | third | None |',
  '',
].join('\n');

/** COMPREPLY of bash's completion of `line` (the words typed; the last is being completed), in `cwd`. */
function bashComplete(cwd: string, bin: string, words: string[]): string[] {
  const script = [
    'source <(queue completion bash)',
    `COMP_WORDS=(${['queue', ...words].map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length}`,
    '_queue_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('queue completion', () => {
  it('bash completes commands, options and story ids from the queue', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const bin = join(tempDir('queue-bin-'), 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'queue'));
    const clone = clones[0];

    expect(bashComplete(clone, bin, ['cl'])).toEqual(['claim']);
    const all = bashComplete(clone, bin, ['']);
    for (const c of ['ready', 'claim', 'done', 'prompt', 'mcp', 'init', 'completion']) expect(all).toContain(c);
    expect(all).not.toContain('__complete');
    expect(bashComplete(clone, bin, ['done', ''])).toEqual(['A-1', 'A-2', 'B-1']);
    expect(bashComplete(clone, bin, ['show', 'A'])).toEqual(['A-1', 'A-2']);
    expect(bashComplete(clone, bin, ['claim', '--ag'])).toEqual(['--agent']);
    expect(bashComplete(clone, bin, ['handoff', '--story', 'B'])).toEqual(['B-1']);
    expect(bashComplete(clone, bin, ['dep', ''])).toEqual(['add', 'rm']);
    expect(bashComplete(clone, bin, ['dep', 'add', 'A-2', 'B'])).toEqual(['B-1']);
    // -C names the queue from elsewhere.
    expect(bashComplete(tempDir('queue-elsewhere-'), bin, ['-C', clone, 'release', 'A-'])).toEqual(['A-1', 'A-2']);
    // Outside any queue: commands still, ids none, and no error.
    expect(bashComplete(tempDir('queue-none-'), bin, ['done', ''])).toEqual([]);
  });

  it('prints zsh and fish scripts that call queue __complete, and refuses another shell', async () => {
    const dir = tempDir('queue-completion-');
    for (const shell of ['zsh', 'fish']) {
      const r = await queue(dir, ['completion', shell]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('queue __complete --');
    }
    const bad = await queue(dir, ['completion', 'tcsh', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json.error.code).toBe('usage');
    const words = spawnSync(process.execPath, [BIN, '__complete', '--', 'rel'], { cwd: dir, encoding: 'utf8' });
    expect(words.stdout).toBe('release\n');
  });
});

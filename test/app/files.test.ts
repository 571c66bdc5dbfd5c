/** `app/files.ts`: every write to a work-tree file is a compare-and-swap on its bytes (real files). */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { swapFile, writeFiles } from '../../src/app/files.js';
import { tempDir } from '../helpers.js';

describe('swapFile', () => {
  it('replaces the file when it holds the expected bytes, keeping its mode, and leaves no temp file or lock behind', async () => {
    const dir = tempDir('queue-swap-');
    const path = join(dir, 'Q.md');
    writeFileSync(path, 'one\n');
    chmodSync(path, 0o640);
    expect(await swapFile(path, 'one\n', 'two\n')).toBe('written');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['Q.md']);
  });

  it('writes nothing and says `moved` when the file changed since it was read, or exists where it should not', async () => {
    const dir = tempDir('queue-swap-');
    const path = join(dir, 'Q.md');
    writeFileSync(path, 'edited by hand\n');
    expect(await swapFile(path, 'one\n', 'two\n')).toBe('moved');
    expect(await swapFile(path, null, 'two\n')).toBe('moved');
    expect(readFileSync(path, 'utf8')).toBe('edited by hand\n');
    expect(readdirSync(dir)).toEqual(['Q.md']);
    // Expected absent: creates it, and the directories leading to it.
    const fresh = join(dir, 'a', 'b', 'new.md');
    expect(await swapFile(fresh, null, 'new\n')).toBe('written');
    expect(readFileSync(fresh, 'utf8')).toBe('new\n');
  });

  it('writeFiles compares each file with the text it had when the decision was taken, and names those that moved', async () => {
    const dir = tempDir('queue-swap-');
    writeFileSync(join(dir, 'board.md'), 'edited since\n');
    writeFileSync(join(dir, 'handoff.md'), 'someone else wrote it\n');
    const files = [
      { path: 'board.md', content: 'board\n', replace: true },
      { path: 'handoff.md', content: 'handoff\n' },
      { path: 'other.md', content: 'other\n' },
    ];
    expect(await writeFiles(dir, { files }, new Map([['board.md', 'as read\n']]))).toEqual(['board.md', 'handoff.md']);
    expect(readFileSync(join(dir, 'board.md'), 'utf8')).toBe('edited since\n');
    expect(readFileSync(join(dir, 'handoff.md'), 'utf8')).toBe('someone else wrote it\n');
    expect(existsSync(join(dir, 'other.md'))).toBe(true);
  });
});

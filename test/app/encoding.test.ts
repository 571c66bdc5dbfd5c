/** Bytes that are not UTF-8 in the queue file: read with a diagnostic at their place, and kept as bytes by every write. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeLike } from '../../src/domain/encoding.js';
import { git, queue, setup } from '../git/repos.js';
import { rng, tempDir, testSeed } from '../helpers.js';

/** A queue whose row A has the byte 0xff in its title (`caf\xff`), B and C open. */
const HEAD = '# Q\n\n| Status | Story | Description | Depends On |\n|--------|-------|-------------|------------|\n';
const bytesOf = (s: string) => Buffer.concat(s.split('\u0000').flatMap((part, i) => (i ? [Buffer.from([0xff]), Buffer.from(part)] : [Buffer.from(part)])));
const QUEUE = bytesOf(`${HEAD}| [ ] | **A** | caf\u0000 menu | None |\n| [ ] | **B** | b | None |\n| [ ] | **C** | c \u0000\u0000 | None |\n`);
/** QUEUE with B claimed by Dev 2: only B's status cell differs (same width, so no padding moves). */
const claimedB = (b: Buffer) => Buffer.from(b.toString('latin1').replace('| [ ] | **B** |', '| [IN PROGRESS: Dev 2] | **B** |'), 'latin1');

describe('decodeUtf8 and encodeLike (pure)', () => {
  it('decodes exactly as TextDecoder does, invalid runs and all, over seeded random bytes', () => {
    const seed = testSeed();
    const next = rng(seed);
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    const pool = [0x00, 0x41, 0x0a, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xbb, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 12) }, () => pool[Math.floor(next() * pool.length)]);
      const d = decodeUtf8(bytes);
      expect(d.text, `seed ${seed}: ${Buffer.from(bytes).toString('hex')}`).toBe(td.decode(bytes));
      for (const r of d.invalid) expect(d.text[r.char]).toBe('\uFFFD');
      // Unchanged text gives back the bytes themselves.
      expect(Buffer.from(encodeLike(d, d.text)!).equals(Buffer.from(bytes)), `seed ${seed}`).toBe(true);
    }
  });

  it('an edit keeps every byte it did not change: before, between and after the edits, and in the edited line', () => {
    const src = decodeUtf8(bytesOf('x\u0000 [ ] one\nkeep \u0000 this\n[ ] two \u0000\ntail\u0000'));
    const edited = src.text.replace('[ ] one', '[DONE] one').replace('[ ] two', '[X] two');
    const out = Buffer.from(encodeLike(src, edited)!);
    expect(out.equals(bytesOf('x\u0000 [DONE] one\nkeep \u0000 this\n[X] two \u0000\ntail\u0000'))).toBe(true);
    // A U+FFFD the edit adds is written as UTF-8; a line the edit removes takes its byte with it.
    const added = Buffer.from(encodeLike(src, src.text.replace('keep \uFFFD this\n', '').replace('tail', 'new \uFFFD tail'))!);
    expect(added.equals(Buffer.concat([bytesOf('x\u0000 [ ] one\n[ ] two \u0000\nnew '), Buffer.from('\uFFFD tail'), Buffer.from([0xff])]))).toBe(true);
  });

  it('a title copied into a new row (a Completed-log row) does not take the byte from the row it was copied from', () => {
    const src = decodeUtf8(bytesOf('## Completed\n| x |\n\n| [ ] | **A** | caf\u0000 menu | None |\n'));
    const edited = '## Completed\n| x |\n| [DONE] **A** | caf\uFFFD menu | Dev 1 | 3 |\n\n| [DONE] | **A** | caf\uFFFD menu | None |\n';
    const out = Buffer.from(encodeLike(src, edited)!);
    expect(out.equals(bytesOf(`## Completed\n| x |\n| [DONE] **A** | caf\uFFFD menu | Dev 1 | 3 |\n\n| [DONE] | **A** | caf\u0000 menu | None |\n`))).toBe(true);
  });
});

describe('the queue file holds a byte that is not UTF-8 (real files, real processes)', () => {
  it('queue validate and queue ready --json warn `encoding` at its line and column', async () => {
    const dir = tempDir('queue-encoding-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
    const validate = await queue(dir, ['validate', '--json']);
    const ready = await queue(dir, ['ready', '--json']);
    for (const run of [validate, ready]) {
      const enc = run.json.diagnostics.filter((d: { code: string }) => d.code === 'encoding');
      expect(enc).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'encoding', file: 'WORK_QUEUE.md', line: 5, column: 20 }),
        expect.objectContaining({ severity: 'warning', code: 'encoding', file: 'WORK_QUEUE.md', line: 7, column: 19 }),
        expect.objectContaining({ severity: 'warning', code: 'encoding', file: 'WORK_QUEUE.md', line: 7, column: 20 }),
      ]);
      expect(enc[0].message).toContain('0xff');
    }
    // A warning: the file is still valid, and its stories are read.
    expect(validate.code).toBe(0);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['A', 'B', 'C']);
    const plain = await queue(dir, ['validate']);
    expect(plain.stdout + plain.stderr).toMatch(/WORK_QUEUE\.md:5:20/);
  });

  it('queue claim --no-commit of another row changes only that status cell; the 0xff bytes stay', async () => {
    const dir = tempDir('queue-encoding-');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const path = join(dir, 'WORK_QUEUE.md');
    writeFileSync(path, QUEUE);
    const run = await queue(dir, ['claim', 'B', '--no-commit', '--json'], { QUEUE_AGENT: 'Dev 2' });
    expect(run.code, run.stderr).toBe(0);
    const after = readFileSync(path);
    expect(after.equals(claimedB(QUEUE))).toBe(true);
    expect(after.filter((b) => b === 0xff)).toHaveLength(3);
  });

  it('queue claim through the transaction (blob read from git, pushed to the remote) keeps them too; so does a claim of the row holding one', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [c] = clones;
    const run = await queue(c, ['claim', 'B', '--json'], { QUEUE_AGENT: 'Dev 2' });
    expect(run.code, run.stderr).toBe(0);
    const blob = execFileSync('git', ['cat-file', 'blob', 'main:WORK_QUEUE.md'], { cwd: remote });
    expect(blob.equals(claimedB(QUEUE))).toBe(true);
    // The clone followed, byte for byte.
    expect(readFileSync(join(c, 'WORK_QUEUE.md')).equals(blob)).toBe(true);
    expect(git(c, 'status', '--porcelain')).toBe('');
    // A on the same line as its 0xff: the status cell changes, the title's byte stays.
    const a = await queue(c, ['claim', 'A', '--json'], { QUEUE_AGENT: 'Dev 3' });
    expect(a.code, a.stderr).toBe(0);
    const again = execFileSync('git', ['cat-file', 'blob', 'main:WORK_QUEUE.md'], { cwd: remote });
    const want = Buffer.from(claimedB(QUEUE).toString('latin1').replace('| [ ] | **A** |', '| [IN PROGRESS: Dev 3] | **A** |'), 'latin1');
    expect(again.equals(want)).toBe(true);
  });
});

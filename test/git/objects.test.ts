/** queue's own loose objects (src/git/objects.ts) against git's: same ids, readable by git, fsck-clean. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { Git } from '../../src/git/git.js';
import { looseObjectDir, objectId, ObjectWriter } from '../../src/git/objects.js';
import { git } from './repos.js';

function repo(...initArgs: string[]): string {
  const dir = tempDir('queue-objects-');
  git(dir, 'init', '-q', ...initArgs, '.');
  return dir;
}

const gitIn = (dir: string, input: Buffer | string, ...args: string[]) => execFileSync('git', args, { cwd: dir, input, encoding: 'utf8' }).trim();

describe('loose objects', () => {
  it('writes blobs and trees git reads back byte for byte, with the ids git gives them', async () => {
    const dir = repo();
    const objects = looseObjectDir(join(dir, '.git', 'objects'), 'sha1');
    expect(objects).toBe(join(dir, '.git', 'objects'));
    const w = new ObjectWriter(new Git(dir), join(dir, '.git'), objects);
    // CRLF, emoji, no final newline, an empty file: the bytes as given.
    const texts = ['| [ ] | **A** | 🚀 first |\r\n| [DONE] | B |', '', 'x\n'.repeat(50_000)];
    for (const t of texts) {
      const content = Buffer.from(t);
      const id = await w.write('blob', content);
      expect(id).toBe(gitIn(dir, content, 'hash-object', '--stdin'));
      expect(statSync(join(dir, '.git', 'objects', id.slice(0, 2), id.slice(2))).mode & 0o222).toBe(0);
      expect(execFileSync('git', ['cat-file', 'blob', id], { cwd: dir }).equals(content)).toBe(true);
    }
    const blob = objectId('blob', Buffer.from(texts[0]));
    const tree = Buffer.concat([Buffer.from('100644 WORK_QUEUE.md\0'), Buffer.from(blob, 'hex')]);
    const treeId = await w.write('tree', tree);
    expect(treeId).toBe(gitIn(dir, `100644 blob ${blob}\tWORK_QUEUE.md\n`, 'mktree'));
    // Writing an object that is there already changes nothing.
    expect(await w.write('tree', tree)).toBe(treeId);
    expect(gitIn(dir, '', 'ls-tree', treeId)).toBe(`100644 blob ${blob}\tWORK_QUEUE.md`);
    execFileSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: dir, stdio: 'pipe' });
  });

  it('leaves SHA-256 and group-shared repositories to git, which still writes the objects', async () => {
    const sha256 = repo('--object-format=sha256');
    expect(gitIn(sha256, '', 'rev-parse', '--show-object-format')).toBe('sha256');
    expect(looseObjectDir(join(sha256, '.git', 'objects'), 'sha256')).toBeNull();
    const w = new ObjectWriter(new Git(sha256), join(sha256, '.git'), null);
    const id = await w.write('blob', Buffer.from('a story\n'));
    expect(id).toHaveLength(64);
    expect(gitIn(sha256, '', 'cat-file', 'blob', id)).toBe('a story');

    const shared = repo('--shared=group');
    expect(looseObjectDir(join(shared, '.git', 'objects'), 'sha1')).toBeNull();
    expect(looseObjectDir(join(shared, 'missing'), 'sha1')).toBeNull();
  });
});

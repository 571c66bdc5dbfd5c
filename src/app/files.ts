/** Work-tree file helpers for the commands that write beside the queue (I/O). */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Decision } from '../edit/decide.js';

/** A file's text, or null when it does not exist. */
export function readIfExists(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** Write a decision's files (the status board, handoffs) into the work tree at `root`, atomically; unchanged ones are left alone. */
export async function writeFiles(root: string, d: Decision): Promise<void> {
  for (const f of d.files ?? []) {
    const path = resolve(root, f.path);
    if (readIfExists(path) === f.content) continue;
    mkdirSync(dirname(path), { recursive: true });
    await writeFileAtomic(path, f.content);
  }
}

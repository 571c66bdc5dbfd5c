/** Paths to the shared, read-only corpus beside the project (../shared), and scratch directories. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const REAL = join(SHARED, 'corpus', 'real');
export const RGRID = join(SHARED, 'corpus', 'history', 'rgrid');
export const RELATED = join(SHARED, 'corpus', 'related');

/** Every real queue file and every rgrid version, as absolute paths. */
export function corpusFiles(): string[] {
  const real = readdirSync(REAL)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(REAL, f));
  return [...real, ...rgridVersions()];
}

export function rgridVersions(): string[] {
  return readdirSync(RGRID)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(RGRID, f));
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

const scratch: string[] = [];

/**
 * A new directory under the system temp dir, named `<prefix><random>`, removed after the test file
 * (test/setup.ts) unless `QUEUE_TEST_KEEP=1` asks to keep it for a look.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Remove every directory {@link tempDir} made in this process. */
export function removeTempDirs(): void {
  if (process.env.QUEUE_TEST_KEEP === '1') return;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Paths to the shared, read-only corpus beside the project (../shared). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const REAL = join(SHARED, 'corpus', 'real');
export const RGRID = join(SHARED, 'corpus', 'history', 'rgrid');
export const RELATED = join(SHARED, 'corpus', 'related');

/** Every real queue file and every rgrid version, as absolute paths. */
export function corpusFiles(): string[] {
  const real = readdirSync(REAL).filter((f) => f.endsWith('.md')).map((f) => join(REAL, f));
  return [...real, ...rgridVersions()];
}

export function rgridVersions(): string[] {
  return readdirSync(RGRID).filter((f) => f.endsWith('.md')).sort().map((f) => join(RGRID, f));
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

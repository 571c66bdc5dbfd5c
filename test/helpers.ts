/**
 * What the tests read and where they write: the queue fixtures written for these tests
 * (test/fixtures), the corpus of real queues beside the project when there is one (../shared/corpus,
 * which a clone from GitHub does not have), the seed of the random tests, and scratch directories.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** The queue fixtures: one small queue per form queue reads, and one combining them (test/fixtures/README.md). */
export const FIXTURES = join(ROOT, 'test', 'fixtures');

/** Every queue fixture (test/fixtures/*.md but its README), as absolute paths, by name. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => join(FIXTURES, f));
}

/** The fixture `name` (`tables.md`), as an absolute path. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * The corpus of real queues: `QUEUE_CORPUS` when set, else ../shared/corpus beside the project.
 * Read-only. A clone from GitHub has none; the tests that need it are skipped then
 * ({@link withoutCorpus}).
 */
export const CORPUS = process.env.QUEUE_CORPUS ? resolve(process.env.QUEUE_CORPUS) : resolve(ROOT, '..', 'shared', 'corpus');
export const REAL = join(CORPUS, 'real');
export const RGRID = join(CORPUS, 'history', 'rgrid');
export const RELATED = join(CORPUS, 'related');

/** True when the corpus is there: its real queues and the rgrid history. */
export const HAS_CORPUS = existsSync(REAL) && existsSync(RGRID);

const NO_CORPUS = process.env.QUEUE_CORPUS
  ? `QUEUE_CORPUS=${process.env.QUEUE_CORPUS}: no real/ and history/rgrid/ there`
  : '../shared/corpus not found: a clone from GitHub has none';

/**
 * For `describe.skipIf` / `it.skipIf` on a group of tests that reads the corpus: true when the corpus
 * is absent, after printing one line that names the group (`what`) and why it is skipped.
 */
export function withoutCorpus(what: string): boolean {
  if (HAS_CORPUS) return false;
  process.stderr.write(`skipped: ${what} (${NO_CORPUS})\n`);
  return true;
}

/** Every real queue file and every rgrid version, as absolute paths. Only where the corpus is. */
export function corpusFiles(): string[] {
  const real = readdirSync(REAL)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(REAL, f));
  return [...real, ...rgridVersions()];
}

/** The rgrid versions, oldest first. Only where the corpus is. */
export function rgridVersions(): string[] {
  return readdirSync(RGRID)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(RGRID, f));
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

let seedShown = false;

/**
 * The seed of this run's random tests: `QUEUE_TEST_SEED` (a non-negative integer), else 1. Printed
 * once per test file that asks; every failure message of a random test names it, so
 * `QUEUE_TEST_SEED=<seed> npx vitest run <file>` replays the run.
 */
export function testSeed(): number {
  const raw = process.env.QUEUE_TEST_SEED;
  const seed = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`QUEUE_TEST_SEED must be a non-negative integer, not ${JSON.stringify(raw)}`);
  if (!seedShown) {
    seedShown = true;
    process.stderr.write(`random tests: QUEUE_TEST_SEED=${seed}${raw ? '' : ' (the default; set QUEUE_TEST_SEED to replay another run)'}\n`);
  }
  return seed;
}

/** Run `body`; when it fails, its error's message starts with the seed that replays the run. */
export async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Error) e.message = `QUEUE_TEST_SEED=${seed}: ${e.message}`;
    throw e;
  }
}

/** A seeded xorshift32 stream of numbers in [0, 1): the same seed gives the same numbers. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
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

/** Every test file: its scratch directories are removed when it ends (test/helpers.ts `tempDir`). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers.js';

// Tests run dist/queue.js as a user's shell does, through its launcher; the launcher then starts the
// node running the tests rather than whichever is first on PATH.
process.env.QUEUE_NODE ??= process.execPath;

afterAll(() => removeTempDirs());

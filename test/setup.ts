/** Every test file: its scratch directories are removed when it ends (test/helpers.ts `tempDir`). */
import { dirname, delimiter } from 'node:path';
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers.js';

// Tests run dist/queue.js as a user's shell does, by its `#!/usr/bin/env node` line; the node running
// the tests comes first on PATH, so that is the node it starts rather than whichever PATH held first.
process.env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;

afterAll(() => removeTempDirs());

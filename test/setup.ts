/** Every test file: its scratch directories are removed when it ends (test/helpers.ts `tempDir`). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers.js';

afterAll(() => removeTempDirs());

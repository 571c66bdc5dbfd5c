/** Whether the agent command's program can be started, known before any story is claimed. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programFound } from '../../src/run/agent.js';
import { tempDir } from '../helpers.js';

describe.skipIf(process.platform === 'win32')('the agent command’s program', () => {
  it('is found by absolute path or on PATH when executable; a relative path or a placeholder waits for the worktree', () => {
    const dir = tempDir('queue-program-');
    const script = join(dir, 'agent.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    expect(programFound(script)).toBe(false); // not executable yet
    chmodSync(script, 0o755);
    expect(programFound(script)).toBe(true);
    expect(programFound('agent.sh', dir)).toBe(true);
    expect(programFound('agent.sh', '/nonexistent')).toBe(false);
    expect(programFound('/nonexistent/agent')).toBe(false);
    expect(programFound(dir)).toBe(false); // a directory
    expect(programFound('./agent.sh')).toBe(null);
    expect(programFound('{worktree}/agent.sh')).toBe(null);
  });
});

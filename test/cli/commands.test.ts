/**
 * The command table main.ts starts from (src/cli/commands/index.ts): each entry's name is the one
 * command its module adds, since a command line starting with that name gets only that module.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';

describe('the command table', () => {
  it('names, for each module, the command it adds (completion adds the hidden __complete too)', () => {
    for (const [name, register] of COMMANDS) {
      const program = new Command('queue');
      register(program);
      const added = program.commands.map((c) => c.name());
      expect(added, name).toEqual(name === 'completion' ? ['completion', '__complete'] : [name]);
    }
  });

  it('has each name once', () => {
    const names = COMMANDS.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });
});

/**
 * `queue validate`: static checks — duplicate ids with conflicting state, unknown dependencies,
 * cycles, unparseable rows, unknown statuses, missing story files, conflict markers, unknown keys in
 * queue.config.json. Exit 1 when any diagnostic is an error.
 */
import type { Command } from 'commander';
import { globals, human, open, printJson } from '../context.js';

/** Add `queue validate` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('validate')
    .description("check the queue; exit 1 on errors. --range A..B judges every commit's transition by the claim rules")
    .option('--range <range>', 'judge each commit in this range (A..B) that changed the queue file')
    .action(async (opts: { range?: string }, cmd: Command) => {
      if (opts.range) {
        const { runValidateRange } = await import('../history.js');
        await runValidateRange(cmd, opts.range);
        return;
      }
      const q = await open(cmd, true);
      const [{ loadConfig }, { diagnosticJson }] = await Promise.all([import('../../app/locate.js'), import('../../model/contract.js')]);
      // queue.config.json's own problems (unknown keys) are part of the check.
      q.diagnostics.push(...loadConfig(q.root).diagnostics);
      const errors = q.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = q.diagnostics.filter((d) => d.severity === 'warning').length;
      if (globals(cmd).json) printJson({ valid: errors === 0, errors, warnings, stories: q.stories.length, diagnostics: q.diagnostics.map(diagnosticJson) });
      else {
        const { count: n, formatDiagnostic } = await human();
        // One write: a queue of 10,000 stories can have as many diagnostics, and a write each is a system call each.
        const lines = q.diagnostics.map((d) => `${formatDiagnostic(d)}\n`);
        lines.push(`${n(q.stories.length, 'story', 'stories')}: ${n(errors, 'error', 'errors')}, ${n(warnings, 'warning', 'warnings')}\n`);
        process.stdout.write(lines.join(''));
      }
      if (errors) process.exitCode = 1;
    });
}

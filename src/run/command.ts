/**
 * The agent command: an argv array from `queue.config.json` (`"run": {"command": [...]}`) or
 * `queue run --command -- argv…`, with placeholders filled in per attempt. Never a shell string:
 * each element is one argument, whatever the prompt holds. Pure.
 */
import { QueueError } from '../domain/errors.js';

/** What the placeholders of an agent command stand for in one attempt. */
export interface Placeholders {
  /** The prompt's text (`{prompt}`). */
  prompt: string;
  /** Absolute path of the file holding the prompt (`{promptFile}`). */
  promptFile: string;
  /** The story's id (`{story}`). */
  story: string;
  /** The worker's agent name (`{agent}`). */
  agent: string;
  /** Absolute path of the worker's worktree (`{worktree}`). */
  worktree: string;
  /** Absolute path of the attempt's log directory (`{logDir}`). */
  logDir: string;
}

/** The placeholder names a command may use. */
export const PLACEHOLDERS: ReadonlyArray<keyof Placeholders> = ['prompt', 'promptFile', 'story', 'agent', 'worktree', 'logDir'];

const PATTERN = /\{(\w+)\}/g;

/**
 * `argv` with every `{name}` replaced by its value in `values`, inside any element
 * (`--message={story}` works). `{{` and `}}` stand for literal braces. Throws QueueError `usage` for
 * an empty argv or an unknown placeholder, naming the known ones.
 */
export function expandArgv(argv: readonly string[], values: Placeholders): string[] {
  if (argv.length === 0 || argv[0] === '')
    throw new QueueError('usage', 'the agent command is empty: set "run": {"command": [...]} in queue.config.json or pass --command -- argv…');
  return argv.map((arg) => {
    const escaped = arg.replace(/\{\{/g, '\u0000').replace(/\}\}/g, '\u0001');
    const out = escaped.replace(PATTERN, (whole, name: string) => {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw new QueueError('usage', `unknown placeholder ${whole} in the agent command (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
      }
      return values[name as keyof Placeholders];
    });
    return out.replace(/\u0000/g, '{').replace(/\u0001/g, '}');
  });
}

/** Check a command's placeholders before anything runs: {@link expandArgv} on dummy values. */
export function checkArgv(argv: readonly string[]): void {
  expandArgv(argv, { prompt: '', promptFile: '', story: '', agent: '', worktree: '', logDir: '' });
}

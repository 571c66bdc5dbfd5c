/**
 * Shell completion from commander's own command tree: `queue completion bash|zsh|fish` prints a
 * small script that hands the words typed so far to `queue __complete -- WORDS…`, which walks the
 * registered commands, options and arguments (commander's `Help` lists what is visible) and answers
 * with the candidates, one a line: command names, option names, choices of an option, and story
 * ids read from the queue where a command takes a story.
 */
import { type Argument, type Command, Help, type Option } from 'commander';

/** The shells `queue completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The completion script for `shell`: it calls `queue __complete -- WORDS…` for the candidates. */
export function completionScript(shell: (typeof SHELLS)[number]): string {
  switch (shell) {
    case 'bash':
      return [
        '# queue completion for bash: add to ~/.bashrc:  source <(queue completion bash)',
        '_queue_complete() {',
        "  local IFS=$'\\n'",
        '  COMPREPLY=($(queue __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))',
        '}',
        'complete -o default -F _queue_complete queue',
        '',
      ].join('\n');
    case 'zsh':
      return [
        '#compdef queue',
        '# queue completion for zsh: add to ~/.zshrc (after compinit):  source <(queue completion zsh)',
        '_queue() {',
        '  local -a candidates',
        '  candidates=("${(@f)$(queue __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")',
        '  if (( ${#candidates[@]} )) && [[ -n ${candidates[1]} ]]; then compadd -Q -- "${candidates[@]}"; else _files; fi',
        '}',
        'compdef _queue queue',
        '',
      ].join('\n');
    case 'fish':
      return [
        '# queue completion for fish: queue completion fish > ~/.config/fish/completions/queue.fish',
        'function __queue_complete',
        '    set -l tokens (commandline -opc) (commandline -ct)',
        '    queue __complete -- $tokens[2..-1] 2>/dev/null',
        'end',
        "complete -c queue -f -a '(__queue_complete)'",
        '',
      ].join('\n');
  }
}

/** What the completion of one command line needs: the command reached, and where the queue is. */
interface Walk {
  cmd: Command;
  /** How many operands were given to `cmd`. */
  operands: number;
  /** The option whose value is being typed, if any. */
  pending: Option | null;
  cwd?: string;
  file?: string;
}

const help = new Help();

/** Every option `cmd` accepts: its own and those of the commands above it. */
function optionsOf(cmd: Command): Option[] {
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(...help.visibleOptions(c));
  return out;
}

/** Walk `words` (the words before the one being completed) down commander's tree. */
function walk(program: Command, words: string[]): Walk {
  const w: Walk = { cmd: program, operands: 0, pending: null };
  for (const word of words) {
    if (w.pending) {
      if (w.pending.short === '-C') w.cwd = word;
      if (w.pending.long === '--file') w.file = word;
      w.pending = null;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const [name, value] = word.split(/=(.*)/s, 2);
      const opt = optionsOf(w.cmd).find((o) => o.long === name || o.short === name);
      if (opt && (opt.required || opt.optional) && value === undefined) w.pending = opt;
      else if (opt?.short === '-C' && value !== undefined) w.cwd = value;
      else if (opt?.long === '--file' && value !== undefined) w.file = value;
      continue;
    }
    const sub = w.operands === 0 ? w.cmd.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
    if (sub) w.cmd = sub;
    else w.operands++;
  }
  return w;
}

/** Whether an argument or an option's value names a story (`<id>`, `--story <id>`, `dep add <a> <b>`); `add --id` names a new one. */
function takesStory(a: Argument | Option): boolean {
  if ('long' in a) return a.long === '--story';
  return a.name() === 'id' || /\bstory\b|dependen/i.test(a.description);
}

/**
 * The candidates for the last of `words` (the words after `queue`, the one being completed last,
 * possibly empty), one per entry, filtered by what it starts with. `ids` reads the story ids of the
 * queue at `cwd` (`-C`), `file` (`--file`) when the command line asks for one.
 */
export async function complete(program: Command, words: string[], ids: (cwd?: string, file?: string) => Promise<string[]>): Promise<string[]> {
  const current = words.length ? words[words.length - 1] : '';
  const w = walk(program, words.slice(0, -1));
  const starting = (all: string[]) => [...new Set(all)].filter((c) => c.startsWith(current));
  if (w.pending) {
    if (takesStory(w.pending)) return starting(await ids(w.cwd, w.file));
    return starting(w.pending.argChoices ?? []);
  }
  if (current.startsWith('-')) return starting(optionsOf(w.cmd).flatMap((o) => (o.long ? [o.long] : o.short ? [o.short] : [])));
  const subs = help
    .visibleCommands(w.cmd)
    .map((c) => c.name())
    .filter((n) => n !== 'help');
  if (subs.length && w.operands === 0) return starting(subs);
  const args = w.cmd.registeredArguments;
  const arg = args[w.operands] ?? (args.length && args[args.length - 1].variadic ? args[args.length - 1] : undefined);
  if (arg && takesStory(arg)) return starting(await ids(w.cwd, w.file));
  return starting(arg?.argChoices ?? []);
}

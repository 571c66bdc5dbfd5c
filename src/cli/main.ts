/**
 * `queue` CLI entry: global options, one module per command, and the error contract.
 * Exit codes: 0 ok, 1 refused or invalid, 2 usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { disableColor } from './color.js';
import { printJson } from './context.js';
import { COMMANDS } from './commands/index.js';

/** package.json's version, put in by the build (scripts/build.mjs); `0.0.0-source` when run from the sources unbuilt. */
declare const __QUEUE_VERSION__: string | undefined;
const VERSION = typeof __QUEUE_VERSION__ === 'string' ? __QUEUE_VERSION__ : '0.0.0-source';

/**
 * Print a failure and exit with `exit`: with `--json` the error document of docs/json.md on stdout;
 * else `queue: <message> [<code>]` on stderr, the code ending the message's first line (as a
 * compiler ends a diagnostic with the flag that governs it), so that a script can tell failures
 * apart without `--json`.
 */
function fail(json: boolean, code: string, message: string, exit: number, details: Record<string, unknown> = {}): never {
  if (json) printJson({ error: { code, message, ...details } });
  else {
    const br = message.indexOf('\n');
    process.stderr.write(br === -1 ? `queue: ${message} [${code}]\n` : `queue: ${message.slice(0, br)} [${code}]${message.slice(br)}\n`);
  }
  process.exit(exit);
}

// A reader that closes the pipe early (`queue list | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

async function main(argv: string[]) {
  const json = argv.includes('--json');
  const program = new Command('queue')
    .description('Markdown work queues as a dependency graph')
    .version(VERSION)
    .option('-C <dir>', 'run as if started in <dir>')
    .option('--file <path>', 'queue file (default: WORK_QUEUE.md at the repository root)')
    .option('--json', 'one JSON document on stdout ({"schemaVersion": 1, ...})')
    .option('--no-color', 'no ANSI colors (NO_COLOR is honoured too)')
    .option('--offline', 'read commands read the working file, without fetching the shared branch')
    .showHelpAfterError('(queue --help lists the commands; queue COMMAND --help its options)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => (json ? undefined : process.stderr.write(s)),
      // Said as every other refusal is: `queue: what [code]`.
      outputError: (s, write) => write(`queue: ${s.replace(/^error: /, '').trimEnd()} [usage]\n`),
    });
  program.hook('preAction', (cmd) => {
    if (cmd.opts().color === false) disableColor();
  });
  // Adding every command is a good part of start-up, so a command line that starts with a command's
  // name gets only that command (commander dispatches to it whatever the others are), and one that
  // starts with --version (-V) none (commander prints the version before it reads any further).
  // Anything else (no command, `help`, an unknown word, an option first) gets every command, for the
  // help, the suggestions and the errors that list them.
  const named = COMMANDS.find(([name]) => name === argv[0]);
  const versionFirst = argv[0] === '--version' || argv[0] === '-V';
  for (const [, register] of named ? [named] : versionFirst ? [] : COMMANDS) register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
      // An id that starts with `-` (`-X1`) reads as an option: say how to pass it as an argument.
      const dashed = e.code === 'commander.unknownOption' ? /'(-[^-'][^']*)'/.exec(e.message)?.[1] : undefined;
      const hint = dashed ? `an argument that starts with "-" goes after "--": queue ${commandWords(argv)}-- ${dashed}` : null;
      // Commander has printed the error (and where to find help) once already; JSON gets it as a document.
      if (!json) {
        if (hint) process.stderr.write(`(${hint})\n`);
        process.exit(2);
      }
      fail(json, 'usage', `${e.message.replace(/^error: /, '')}${hint ? `; ${hint}` : ''}`, 2);
    }
    // Only a failing command pays for loading how failures are described (it brings in git/).
    const { failureOf } = await import('../app/failure.js');
    const f = failureOf(e);
    fail(json, f.code, f.message, f.exit, f.details);
  }
}

/** The command and its subcommand as typed (`dep add `), each followed by a space: the lower-case
 * words from the command's name on, up to the first option or argument; '' when no command is named. */
function commandWords(argv: readonly string[]): string {
  const names = new Set(COMMANDS.map(([name]) => name));
  let out = '';
  for (let k = argv.findIndex((a) => names.has(a)); k !== -1 && k < argv.length && /^[a-z]+$/.test(argv[k]); k++) out += `${argv[k]} `;
  return out;
}

await main(process.argv.slice(2));
// Done: exit now rather than when the event loop drains. simple-git leaves a 50 ms timer behind
// every git process (its fallback for output that never closes), which kept each command alive
// that much longer. Output is flushed first; process.exitCode, when a command set it, stands.
const flushed = (s: NodeJS.WriteStream) => new Promise<void>((r) => s.write('', () => r()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();

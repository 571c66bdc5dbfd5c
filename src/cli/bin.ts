/**
 * The `queue` binary (dist/queue.js): turns on node's on-disk cache of compiled code, then runs the
 * CLI (`main.ts`). Every command is a short process that compiles the modules it loads; with the
 * cache (node ≥ 22.1, `module.enableCompileCache`) a process after the first of a build reads them
 * compiled instead, from node's default cache directory (`node-compile-cache` under the system's
 * temporary directory, or `NODE_COMPILE_CACHE`), kept per node version and per file content.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as node documents. Node 20 has no such cache, and a
 * cache that cannot be opened (a read-only temporary directory) is node's to report, never an
 * error: the CLI runs as before either way. Only the CLI: the library (`dist/index.js`) leaves
 * caching to the program that loads it.
 */
import module from 'node:module';

try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  // Compiling without the cache is what node does anyway.
}
try {
  await import('./main.js');
} catch (e) {
  // The CLI's own files could not be loaded: the installation was changed or removed under it (an
  // upgrade while a hook ran it, a partial copy). Said in one line, as every failure is; nothing
  // else of queue can be loaded to say it.
  if ((e as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  const message = `this installation of queue is missing a file (${String((e as Error).message).split('\n')[0]}); reinstall it (npm install -g workqueue.md)`;
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ schemaVersion: 1, error: { code: 'broken_install', message } })}\n`);
  else process.stderr.write(`queue: ${message} [broken_install]\n`);
  process.exit(2);
}

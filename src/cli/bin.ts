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
await import('./main.js');

/**
 * Undo what the launcher did to the environment (scripts/build.mjs: dist/queue.js starts as a sh
 * script that moves `NODE_EXTRA_CA_CERTS` to `QUEUE_EXTRA_CA_CERTS` before starting node, since
 * node 20 parses that CA bundle at start: nodejs/node#40524). Imported first by the CLI entry, so
 * every process queue starts (git, and the hooks and credential helpers git runs, some of them
 * node programs that do open TLS connections) sees the environment the user set.
 */
const moved = process.env.QUEUE_EXTRA_CA_CERTS;
if (moved !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = moved;
  delete process.env.QUEUE_EXTRA_CA_CERTS;
}

// The generated queues the read benchmarks share (bench/run.mjs, bench/first-read.mjs).

/** An rgrid-style queue: tiers of 50 stories, each depending on up to two earlier ones. */
export function generateQueue(n) {
  const out = ['# Generated Work Queue', '', '## Claiming Rules', '', '1. **Only claim [ ] stories**', ''];
  const status = (i) => (i < n * 0.4 ? '[DONE]' : i % 17 === 0 ? `[IN PROGRESS: Dev ${i % 5}]` : i % 7 === 0 ? '[BLOCKED]' : '[ ]');
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0)
      out.push(
        '',
        `## Tier ${i / 50 + 1} - Generated`,
        '',
        '| Status | Story | Description | Depends On | Story File |',
        '|--------|-------|-------------|------------|------------|',
      );
    const deps = [];
    if (i >= 50) deps.push(`S-${i - 50}`);
    if (i % 3 === 0 && i >= 7) deps.push(`S-${i - 7}${i - 7 < n * 0.4 ? ' ✅' : ''}`);
    out.push(`| ${status(i)} | **S-${i}** | Generated story number ${i} with a title | ${deps.join(', ') || 'None'} | \`stories/S-${i}.md\` |`);
  }
  return `${out.join('\n')}\n`;
}

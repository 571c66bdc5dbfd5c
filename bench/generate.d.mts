/** Types of bench/generate.mjs, for the tests that read the same generated queues. */
/** An rgrid-style queue of `n` stories: tiers of 50, each story depending on up to two earlier ones. */
export function generateQueue(n: number): string;

/** Where a place in a document sits among its headings. Pure. */
import type { DocBlocks } from '../markdown/blocks.js';

/** The heading path (outermost first, texts trimmed) in force at `offset`: every heading that
 * starts at or before it and is not closed by a later one of the same or a higher level. */
export function sectionAt(blocks: DocBlocks, offset: number): string[] {
  const path: Array<{ depth: number; text: string }> = [];
  for (const h of blocks.headings) {
    if (h.start > offset) break;
    while (path.length && path[path.length - 1].depth >= h.depth) path.pop();
    path.push({ depth: h.depth, text: h.text });
  }
  return path.map((p) => p.text.trim());
}

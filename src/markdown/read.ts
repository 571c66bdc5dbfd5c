/**
 * Read a Markdown document into {@link DocBlocks}: the fast scanner where it is certain, remark
 * otherwise. The answer is remark's in every case (test/markdown/differential.test.ts).
 */
import type { DocBlocks } from './blocks.js';
import { scanBlocks } from './scan.js';

/** How a document was read, for diagnostics and benchmarks. */
export type ReadPath = 'scan' | 'scan+inline' | 'remark';

export interface ReadResult {
  blocks: DocBlocks;
  path: ReadPath;
  /** Why the scanner gave up, when `path === 'remark'`. */
  reason?: string;
}

/** Does the text look like it holds task-list items (outside code, roughly)? */
const TASKISH = /^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\]/m;

/**
 * Read `text` (BOM removed). Async because remark is imported only when needed.
 * Never throws on any input string.
 */
export async function readBlocks(text: string): Promise<ReadResult> {
  const scanned = TASKISH.test(text) ? { fallback: 'task list items' } : scanBlocks(text);
  if ('fallback' in scanned) {
    const { remarkBlocks } = await import('./remark.js');
    return { blocks: remarkBlocks(text), path: 'remark', reason: scanned.fallback };
  }
  const blocks: DocBlocks = { tables: scanned.tables, headings: scanned.headings, tasks: [] };
  if (scanned.pending.length === 0) return { blocks, path: 'scan' };
  const { inlineTexts } = await import('./remark.js');
  const texts = inlineTexts(scanned.pending);
  scanned.pending.forEach((p, i) => (p.target.text = texts[i]));
  return { blocks, path: 'scan+inline' };
}

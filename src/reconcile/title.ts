/** A story's title for what queue generates (blocks, the plan). Pure. */
import type { PhrasingContent } from 'mdast';
import type { Story } from '../domain/types.js';
import { inline, text } from '../markdown/generate.js';
import type { Queue } from '../read/queue.js';

/**
 * A story's title as phrasing content: as written in its row or item (Markdown inline text, so
 * `code`, emphasis and links are kept), else its plain text.
 */
export function titleContent(queue: Queue, s: Story): PhrasingContent[] {
  const span = s.occurrences[0]?.spans.title;
  const doc = span ? queue.documents.find((d) => d.file === s.file) : undefined;
  return doc && span ? inline(doc.text.slice(span.start, span.end)) : [text(s.title)];
}

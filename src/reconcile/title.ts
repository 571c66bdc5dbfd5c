/** A story's title for what queue generates (blocks, the plan). Pure. */
import type { PhrasingContent } from 'mdast';
import type { Story } from '../domain/types.js';
import { inline, text } from '../markdown/generate.js';
import type { Queue } from '../read/queue.js';

/**
 * A story's title as phrasing content: as written in its row or item (Markdown inline text, so
 * `code`, emphasis and links are kept), else its plain text. A table cell's `\|` is a `|` of its
 * content, code spans included (GFM reads it so before the inline parse); the serializer escapes
 * it again where it writes a table.
 */
export function titleContent(queue: Queue, s: Story): PhrasingContent[] {
  const o = s.occurrences[0];
  const span = o?.spans.title;
  const doc = span ? queue.documents.find((d) => d.file === s.file) : undefined;
  if (!doc || !span) return [text(s.title)];
  const written = doc.text.slice(span.start, span.end);
  return inline(o.kind === 'table' || o.kind === 'log' ? written.replace(/\\\|/g, '|') : written);
}

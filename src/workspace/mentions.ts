/** Find which known story ids a free text mentions (word-bounded, case-sensitive). Pure. */
export function mentionedIds(text: string, ids: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (!text.includes(id)) continue;
    const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(?<![\\p{L}\\p{N}_-])${esc}(?![\\p{L}\\p{N}_]|-\\p{N})`, 'u').test(text)) out.push(id);
  }
  return out;
}

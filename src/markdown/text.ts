/** Text-level helpers shared by the readers and writers. */

/** Remove a leading U+FEFF. Offsets in the rest of queue are into the returned `text`; add `bom`
 * (0 or 1) to map them back to the file's characters. */
export function stripBom(raw: string): { text: string; bom: number } {
  return raw.charCodeAt(0) === 0xfeff ? { text: raw.slice(1), bom: 1 } : { text: raw, bom: 0 };
}

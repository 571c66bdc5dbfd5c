/** Small text normalizers shared by the grammars. */

/** Lower-case, fold `-`, `_` and runs of white space to one space, trim. */
export function fold(s: string): string {
  return s.toLowerCase().replace(/[-_\s]+/g, ' ').trim();
}

/** Lower-case slug of `s`: letters and digits of any script, joined by `-`. */
export function slug(s: string, max = 40): string {
  const out = s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return out.slice(0, max).replace(/-+$/, '') || 'x';
}

/** Does `s` look like a story id: one token, short, with a digit or an upper-case/dash shape? */
export function isIdLike(s: string): boolean {
  return /^[#]?[\p{L}\p{N}][\p{L}\p{N}._/#-]{0,39}$/u.test(s) && /[\p{N}]|^[A-Z][A-Z0-9]*-/u.test(s);
}

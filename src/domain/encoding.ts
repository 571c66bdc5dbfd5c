/**
 * Text from bytes and back without losing a byte: a queue file may hold bytes that are not UTF-8
 * (a title pasted from a Latin-1 file, a stray 0xff). They are read as U+FFFD, as every UTF-8
 * decoder reads them, but where they are is kept ({@link decodeUtf8}), so that a write gives back
 * the file's own bytes everywhere it did not change ({@link encodeLike}). Pure.
 */

/** One maximal invalid byte sequence, read as one U+FFFD (the WHATWG Encoding Standard's rule). */
export interface InvalidRun {
  /** Offset of its U+FFFD in the decoded text, in UTF-16 code units. */
  char: number;
  /** Offset of its first byte in the bytes. */
  byte: number;
  /** How many bytes it spans (1 to 3). */
  length: number;
}

/** Bytes as read: the bytes, their text, and where the text holds U+FFFD for bytes that were not UTF-8. */
export interface Decoded {
  bytes: Uint8Array;
  /** The text, a byte order mark kept as U+FEFF. */
  text: string;
  /** In order; empty when the bytes are valid UTF-8. */
  invalid: InvalidRun[];
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Decode UTF-8 as `TextDecoder('utf-8')` does (a byte order mark kept as U+FEFF; each maximal
 * invalid subsequence read as one U+FFFD), recording every invalid run. Valid input costs one
 * strict decode.
 */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { bytes, text: strict.decode(bytes), invalid: [] };
  } catch {
    // Invalid somewhere: walked byte by byte below.
  }
  const parts: string[] = [];
  const invalid: InvalidRun[] = [];
  let length = 0;
  let chunk = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    }
    let j = i + 1;
    let k = 0;
    if (need > 0) {
      while (k < need && j < n && bytes[j] >= lo && bytes[j] <= hi) {
        lo = 0x80;
        hi = 0xbf;
        j++;
        k++;
      }
      if (k === need) {
        i = j;
        continue;
      }
    }
    // bytes[i, j) is a maximal invalid subsequence: one U+FFFD; the byte that broke it is read anew.
    if (chunk < i) {
      const s = strict.decode(bytes.subarray(chunk, i));
      parts.push(s);
      length += s.length;
    }
    invalid.push({ char: length, byte: i, length: j - i });
    parts.push('\uFFFD');
    length += 1;
    i = j;
    chunk = j;
  }
  if (chunk < n) parts.push(strict.decode(bytes.subarray(chunk, n)));
  return { bytes, text: parts.join(''), invalid };
}

/** The UTF-8 bytes of `text` (a lone surrogate as U+FFFD). */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** How far a U+FFFD's surroundings are compared to tell which one of an edited stretch is which. */
const CONTEXT = 64;

/** The least alike two U+FFFD's surroundings must be (characters in common beside them) to be paired. */
const ALIKE = 8;

/** The most U+FFFD pairs {@link encodeLike} compares in one edited stretch. */
const MAX_PAIRS = 250_000;

/**
 * The bytes of `next`, an edit of `src.text`, keeping `src.bytes` wherever the edit did not change
 * the text: the unchanged head and tail are copied as bytes, and in the edited stretch between them
 * each U+FFFD that stands where one of `src`'s invalid runs stood is written as that run's bytes.
 * Which stands where is decided in order (a heaviest common subsequence), by how alike the text
 * beside them is: the characters in common just before and just after, up to {@link CONTEXT} each,
 * at least {@link ALIKE} in all (so a title copied elsewhere, into a Completed-log row, does not take
 * the bytes from the row it was copied from). Everything else is written as UTF-8 (a U+FFFD the edit
 * added as EF BF BD). Null when the edited stretch holds too many U+FFFD to pair up and they cannot
 * be paired one for one: then the file cannot be written with full fidelity.
 */
export function encodeLike(src: Decoded, next: string): Uint8Array | null {
  if (src.invalid.length === 0) return encodeUtf8(next);
  const old = src.text;
  const max = Math.min(old.length, next.length);
  let p = 0;
  while (p < max && old.charCodeAt(p) === next.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && old.charCodeAt(old.length - 1 - s) === next.charCodeAt(next.length - 1 - s)) s++;
  // Never split a surrogate pair: the stretch grows to whole code points.
  const high = (c: number) => c >= 0xd800 && c <= 0xdbff;
  const low = (c: number) => c >= 0xdc00 && c <= 0xdfff;
  while (p > 0 && high(old.charCodeAt(p - 1))) p--;
  while (s > 0 && low(old.charCodeAt(old.length - s))) s--;
  const oldEnd = old.length - s;
  const nextEnd = next.length - s;
  if (p === oldEnd && p === nextEnd) return src.bytes.slice();
  // Byte offsets of char offsets in `old`: UTF-8 lengths, less what the invalid runs before differ by from EF BF BD.
  const byteAt = (pos: number) => {
    let b = encodeUtf8(old.slice(0, pos)).length;
    for (const r of src.invalid) {
      if (r.char >= pos) break;
      b -= 3 - r.length;
    }
    return b;
  };
  const runAt = new Map(src.invalid.map((r) => [r.char, r]));
  const fffd = (t: string, from: number, to: number) => {
    const at: number[] = [];
    for (let i = t.indexOf('\uFFFD', from); i !== -1 && i < to; i = t.indexOf('\uFFFD', i + 1)) at.push(i);
    return at;
  };
  const was = fffd(old, p, oldEnd).filter((i) => runAt.has(i));
  const now = fffd(next, p, nextEnd);
  // Pair them in order (a heaviest common subsequence) by how alike the text beside each is.
  const pairs = new Map<number, InvalidRun>();
  if (was.length && now.length) {
    if (was.length * now.length > MAX_PAIRS) {
      // Too many to weigh: one for one, in order, when the edit kept their number.
      if (was.length !== now.length) return null;
      for (let k = 0; k < was.length; k++) pairs.set(now[k], runAt.get(was[k])!);
    } else {
      const alike = (i: number, j: number) => {
        const a = was[i];
        const b = now[j];
        let n = 0;
        while (n < CONTEXT && a - 1 - n >= 0 && b - 1 - n >= 0 && old.charCodeAt(a - 1 - n) === next.charCodeAt(b - 1 - n)) n++;
        let m = 0;
        while (m < CONTEXT && a + 1 + m < old.length && b + 1 + m < next.length && old.charCodeAt(a + 1 + m) === next.charCodeAt(b + 1 + m)) m++;
        return n + m >= ALIKE ? n + m : 0;
      };
      const w = now.length + 1;
      const weight = new Uint8Array(was.length * now.length);
      for (let i = 0; i < was.length; i++) for (let j = 0; j < now.length; j++) weight[i * now.length + j] = alike(i, j);
      const dp = new Uint32Array((was.length + 1) * w);
      for (let i = was.length - 1; i >= 0; i--)
        for (let j = now.length - 1; j >= 0; j--) {
          const x = weight[i * now.length + j];
          dp[i * w + j] = Math.max(x ? dp[(i + 1) * w + j + 1] + x : 0, dp[(i + 1) * w + j], dp[i * w + j + 1]);
        }
      for (let i = 0, j = 0; i < was.length && j < now.length; ) {
        const x = weight[i * now.length + j];
        if (x && dp[i * w + j] === dp[(i + 1) * w + j + 1] + x) {
          pairs.set(now[j], runAt.get(was[i])!);
          i++;
          j++;
        } else if (dp[i * w + j] === dp[(i + 1) * w + j]) i++;
        else j++;
      }
    }
  }
  const out: Uint8Array[] = [src.bytes.subarray(0, byteAt(p))];
  let from = p;
  for (const j of now) {
    const run = pairs.get(j);
    if (!run) continue;
    out.push(encodeUtf8(next.slice(from, j)), src.bytes.subarray(run.byte, run.byte + run.length));
    from = j + 1;
  }
  out.push(encodeUtf8(next.slice(from, nextEnd)), src.bytes.subarray(byteAt(oldEnd)));
  const total = out.reduce((a, b) => a + b.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of out) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/**
 * 1-based line and column (in UTF-16 code units) of each invalid run of `src`, for diagnostics.
 * At most `limit` runs are placed; `more` counts the rest.
 */
export function invalidPlaces(src: Decoded, limit = 20): { places: Array<{ line: number; column: number; bytes: string }>; more: number } {
  const places: Array<{ line: number; column: number; bytes: string }> = [];
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (const r of src.invalid.slice(0, limit)) {
    for (let i = src.text.indexOf('\n', scanned); i !== -1 && i < r.char; i = src.text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = r.char;
    const hex = Array.from(src.bytes.subarray(r.byte, r.byte + r.length), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    places.push({ line, column: r.char - lineStart + 1, bytes: hex });
  }
  return { places, more: Math.max(0, src.invalid.length - limit) };
}

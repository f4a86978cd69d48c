// Which encoding a bibliography's bytes are in, and back: UTF-8 (with or without a BOM), UTF-16 (with
// a BOM, or plainly ASCII-shaped without one) and Windows-1252/Latin-1, which BibTeX tools and
// JabRef write. A true binary is refused.

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: Encoding;
  /** Whether the bytes start with a byte order mark (a writer keeps it). */
  bom: boolean;
  /** Worth telling the user: which encoding was assumed, or where bytes were not valid. */
  note?: { line: number; severity: 'info' | 'warning'; message: string };
}

export const ENCODING_NAMES: Record<Encoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 (little-endian)', 'utf-16be': 'UTF-16 (big-endian)', 'windows-1252': 'Windows-1252 (Latin-1)' };

/** Decodes a bibliography's bytes, or says why they are not text (`refused`, with a 1-based line or 0). */
export function decodeBibliography(bytes: Uint8Array): DecodedText | { refused: string; line: number } {
  const bom16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  const encoding16 = bom16 ?? utf16WithoutBom(bytes);
  if (encoding16) {
    try {
      const text = new TextDecoder(encoding16, { fatal: true }).decode(bytes); // drops the BOM
      return { text, encoding: encoding16, bom: bom16 !== null, note: { line: 0, severity: 'info', message: `read as ${ENCODING_NAMES[encoding16]}` } };
    } catch {
      return { refused: `not valid ${ENCODING_NAMES[encoding16]}`, line: 0 };
    }
  }
  if (bytes.subarray(0, 8192).includes(0)) return { refused: 'binary file (NUL bytes), not a bibliography; not read', line: 0 };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom };
  } catch {
    // Not UTF-8: a few bad bytes in a file that is otherwise UTF-8 (a paste), or a Latin-1 file.
  }
  const { bad, valid, first } = utf8Damage(bytes);
  const line = lineOfByte(bytes, first);
  const what = first < bytes.length ? `byte 0x${bytes[first].toString(16).padStart(2, '0')}` : 'a sequence cut off at the end';
  if (valid >= bad) {
    const text = new TextDecoder('utf-8').decode(bytes);
    return { text, encoding: 'utf-8', bom, note: { line, severity: 'warning', message: `not valid UTF-8 (${what}; ${bad} bad byte${bad === 1 ? '' : 's'} in all, shown as �); save the file as UTF-8` } };
  }
  const text = decodeCp1252(bytes);
  return { text, encoding: 'windows-1252', bom: false, note: { line, severity: 'info', message: `read as ${ENCODING_NAMES['windows-1252']}: not UTF-8 (${what} on this line)` } };
}

/** True when the first bytes of a file show it is binary (NUL bytes, and not UTF-16): refuse it unread. */
export function looksBinary(head: Uint8Array): boolean {
  if (!head.includes(0)) return false;
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  return !bom16 && !utf16WithoutBom(head);
}

/** `text` in `encoding` (with a BOM when `bom`); null when a character cannot be written in it. */
export function encodeText(text: string, encoding: Encoding, bom = false): Buffer | null {
  if (encoding === 'utf-8') return Buffer.from(bom ? `\ufeff${text}` : text, 'utf8');
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const le = Buffer.from(bom ? `\ufeff${text}` : text, 'utf16le');
    return encoding === 'utf-16le' ? le : le.swap16();
  }
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : cp1252().get(ch);
    if (byte === undefined) return null;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/**
 * Windows-1252 at 0x80-0x9F (Latin-1 has control codes there); the five bytes it leaves undefined
 * stay control codes. Node's TextDecoder('windows-1252') decodes as Latin-1, so the table is ours.
 */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';
let cp1252Table: Map<string, number> | undefined;
function cp1252(): Map<string, number> {
  cp1252Table ??= new Map([...CP1252_HIGH].map((c, i) => [c, 0x80 + i]));
  return cp1252Table;
}

function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const part = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...part).replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
  }
  return out;
}

/** UTF-16 without a BOM, told by its shape: text that is mostly ASCII has a NUL in every other byte. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 8192) & ~1;
  if (n < 4) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    const [a, b] = [bytes[i], bytes[i + 1]];
    if (a === 0 && b === 0) return null; // U+0000 is no text
    if (b === 0) le++;
    else if (a === 0) be++;
  }
  const pairs = n / 2;
  return le >= pairs * 0.9 ? 'utf-16le' : be >= pairs * 0.9 ? 'utf-16be' : null;
}

/** Bytes that break UTF-8, multi-byte sequences that are fine, and the offset of the first bad byte. */
function utf8Damage(bytes: Uint8Array): { bad: number; valid: number; first: number } {
  let bad = 0;
  let valid = 0;
  let first = bytes.length;
  for (let i = 0; i < bytes.length; ) {
    const need = sequenceLength(bytes, i);
    if (need < 0) {
      if (first === bytes.length) first = i;
      bad++;
      i++;
      continue;
    }
    if (need > 1) valid++;
    i += need;
  }
  return { bad, valid, first };
}

/** Length of the valid UTF-8 sequence at `i`, or -1. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
  if (need < 0) return -1;
  for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return -1;
  const b1 = bytes[i + 1];
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 >= 0x90)) return -1;
  return need + 1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] !== 10)) line++;
  return line;
}

// Saved segments: one binary file per source content hash, `litlens-search-<hash>.seg`.
//
//   bytes 0..7   "LLSEG\0\0\0"
//   bytes 8..11  header length (uint32 LE), then the header as JSON:
//                { format, hash, papers, keys, avg, checksum, sections: [{ name, offset, length }] }
//   then the sections (8-byte aligned, offsets relative to the payload start): for ctx and typ,
//   terms (UTF-8, "\n"-joined; for ctx also termStarts, each term's byte offset, uint32), offsets (uint32), docs (uint16 in "docs16" when the segment has at
//   most 65,536 papers, else uint32), impacts (uint8), maxImpact (uint8);
//   integers in the platform's byte order (little-endian wherever Node runs), read in place.
//
// A file is used only when its format version, source hash, paper count, key list hash and
// payload checksum (CRC-32) all match; anything else is reported and the source is re-indexed.
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PaperList } from '../library/paper';
import { PackedTerms, type Postings, type Vocabulary } from './postings';
import { Segment, hashKeys } from './segment';

/** Bump when the file layout or anything that changes the indexed terms/impacts changes. */
export const FORMAT_VERSION = 4;
const MAGIC = Buffer.from('LLSEG\0\0\0', 'latin1');
const PREFIX = 'litlens-search-';

interface SectionInfo {
  name: string;
  offset: number;
  length: number;
}
/** CRC-32 (zlib, Node >= 20.15) of the payload, or SHA-1 where zlib has no crc32; fed piece by piece. */
const zcrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
function checksummer(): { update(bytes: Uint8Array): void; digest(): string } {
  if (zcrc) {
    let crc = 0;
    // Empty input is skipped: zlib.crc32 of an empty view over an empty ArrayBuffer returns 0, not `crc`.
    return { update: (bytes) => void (bytes.byteLength > 0 && (crc = zcrc(bytes, crc))), digest: () => `crc32:${crc.toString(16)}` };
  }
  const h = createHash('sha1');
  return { update: (bytes) => void h.update(bytes), digest: () => `sha1:${h.digest('hex')}` };
}
function checksum(payload: Uint8Array): string {
  const c = checksummer();
  c.update(payload);
  return c.digest();
}

interface Header {
  format: number;
  hash: string;
  papers: number;
  keys: string;
  avg: { title: number; abstract: number };
  checksum: string;
  sections: SectionInfo[];
}

const MANIFEST = 'litlens-source-';

/** How a chunked source was split when saved: its chunks' hashes and sizes, in order. */
export interface SourceManifest {
  format: number;
  hash: string;
  chunks: { hash: string; papers: number }[];
}

export function manifestFile(dir: string, hash: string): string {
  return join(dir, `${MANIFEST}${hash.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

export async function readManifest(dir: string, hash: string): Promise<SourceManifest | null> {
  try {
    const m = JSON.parse(await readFile(manifestFile(dir, hash), 'utf8')) as SourceManifest;
    const ok = m.format === FORMAT_VERSION && m.hash === hash && Array.isArray(m.chunks) && m.chunks.every((c) => typeof c.hash === 'string' && Number.isInteger(c.papers) && c.papers > 0);
    return ok ? m : null;
  } catch {
    return null;
  }
}

export function segmentFile(dir: string, hash: string): string {
  return join(dir, `${PREFIX}${hash.replace(/[^A-Za-z0-9_-]/g, '_')}.seg`);
}

/** A vocabulary as saved: "\n"-joined UTF-8, and each term's byte offset (PackedTerms' layout). */
function vocabularyBytes(terms: Vocabulary): { bytes: Uint8Array; starts: Uint32Array } {
  if (terms instanceof PackedTerms) return { bytes: terms.bytes, starts: terms.starts };
  const bytes = Buffer.from(terms.join('\n'), 'utf8');
  const starts = new Uint32Array(terms.length + 1);
  let at = 0;
  terms.forEach((t, i) => {
    starts[i] = at;
    at += Buffer.byteLength(t, 'utf8') + 1;
  });
  starts[terms.length] = at;
  return { bytes, starts };
}

function sectionsOf(seg: Segment): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const [prefix, p] of [
    ['ctx', seg.ctx],
    ['typ', seg.typ],
  ] as const) {
    const terms = vocabularyBytes(p.terms);
    out.push([`${prefix}.terms`, terms.bytes]);
    if (prefix === 'ctx') out.push(['ctx.termStarts', new Uint8Array(terms.starts.buffer, terms.starts.byteOffset, terms.starts.byteLength)]);
    out.push([`${prefix}.offsets`, new Uint8Array(p.offsets.buffer, p.offsets.byteOffset, p.offsets.byteLength)]);
    out.push([p.docs instanceof Uint16Array ? `${prefix}.docs16` : `${prefix}.docs`, new Uint8Array(p.docs.buffer, p.docs.byteOffset, p.docs.byteLength)]);
    out.push([`${prefix}.impacts`, p.impacts]);
    out.push([`${prefix}.maxImpact`, p.maxImpact]);
  }
  return out;
}

export function encodeSegment(seg: Segment): Buffer {
  const parts = sectionsOf(seg);
  const sections: SectionInfo[] = [];
  // The payload's checksum is taken section by section and the file is assembled once: at a
  // million papers a segment is a few hundred MB, and every copy of it is peak memory.
  const sum = checksummer();
  let offset = 0;
  for (const [name, bytes] of parts) {
    sections.push({ name, offset, length: bytes.byteLength });
    sum.update(bytes);
    const padded = (offset + bytes.byteLength + 7) & ~7;
    if (padded > offset + bytes.byteLength) sum.update(new Uint8Array(padded - offset - bytes.byteLength));
    offset = padded;
  }
  const header: Header = {
    format: FORMAT_VERSION,
    hash: seg.hash,
    papers: seg.papers.length,
    keys: hashKeys(seg.papers),
    avg: seg.avg,
    checksum: sum.digest(),
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headLen = (12 + json.length + 7) & ~7;
  const out = Buffer.alloc(headLen + offset);
  out.fill(0x20, 0, headLen);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  parts.forEach(([, bytes], i) => out.set(bytes, headLen + sections[i].offset));
  return out;
}

function readHeader(bytes: Buffer): { header: Header; jsonLen: number } | string {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) return 'not a LitLens index file';
  const jsonLen = bytes.readUInt32LE(8);
  if (12 + jsonLen > bytes.length) return 'truncated header';
  try {
    return { header: JSON.parse(bytes.subarray(12, 12 + jsonLen).toString('utf8')) as Header, jsonLen };
  } catch {
    return 'unreadable header';
  }
}

/**
 * Null when `bytes` is a whole segment file of this format whose payload matches its checksum
 * (and, given `expected`, saved for that many papers of those keys: segment.ts hashKeys), else why
 * not: the check decodeSegment makes, for a thread that reads files for another.
 */
export function verifySegment(bytes: Buffer, expected?: { papers: number; keys: string }): string | null {
  const read = readHeader(bytes);
  if (typeof read === 'string') return read;
  if (read.header.format !== FORMAT_VERSION) return `format ${read.header.format}, expected ${FORMAT_VERSION}`;
  if (expected && (read.header.papers !== expected.papers || read.header.keys !== expected.keys)) return 'keys differ';
  const payload = bytes.subarray((12 + read.jsonLen + 7) & ~7);
  return checksum(payload) === read.header.checksum ? null : 'checksum mismatch (corrupt file)';
}

/**
 * The segment in `bytes`, or the reason it cannot be used for these papers. `verified`: the
 * payload's checksum and the papers' keys were checked where the bytes were read (verifySegment
 * with the papers, in the indexing worker), so they are not again.
 */
export function decodeSegment(bytes: Buffer, hash: string, papers: PaperList, verified = false): Segment | string {
  const read = readHeader(bytes);
  if (typeof read === 'string') return read;
  const { header, jsonLen } = read;
  if (header.format !== FORMAT_VERSION) return `format ${header.format}, expected ${FORMAT_VERSION}`;
  if (header.hash !== hash) return 'source changed';
  if (header.papers !== papers.length) return `saved for ${header.papers} papers, the source has ${papers.length}`;
  if (!verified && header.keys !== hashKeys(papers)) return 'keys differ';
  const start = (12 + jsonLen + 7) & ~7;
  // Typed-array views need aligned memory; copy when the buffer is not.
  let payload = bytes.subarray(start);
  if (payload.byteOffset % 8 !== 0) payload = Buffer.from(payload);
  if (!verified && checksum(payload) !== header.checksum) return 'checksum mismatch (corrupt file)';
  const section = (name: string): Uint8Array => {
    const s = header.sections.find((x) => x.name === name);
    if (!s || s.offset < 0 || s.offset + s.length > payload.length) throw new Error(`section ${name} missing or out of bounds`);
    return payload.subarray(s.offset, s.offset + s.length);
  };
  const u16 = (name: string) => {
    const b = section(name);
    if (b.byteLength % 2 !== 0) throw new Error(`section ${name} misaligned`);
    return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
  };
  const u32 = (name: string) => {
    const b = section(name);
    if (b.byteLength % 4 !== 0) throw new Error(`section ${name} misaligned`);
    return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  const postings = <V extends Vocabulary>(prefix: string, vocabulary: (bytes: Uint8Array) => V): Postings<V> => {
    const terms = vocabulary(section(`${prefix}.terms`));
    const p: Postings<V> = {
      terms,
      offsets: u32(`${prefix}.offsets`),
      docs: header.sections.some((x) => x.name === `${prefix}.docs16`) ? u16(`${prefix}.docs16`) : u32(`${prefix}.docs`),
      impacts: section(`${prefix}.impacts`),
      maxImpact: section(`${prefix}.maxImpact`),
    };
    if (p.offsets.length !== terms.length + 1 || p.offsets[terms.length] !== p.docs.length || p.impacts.length !== p.docs.length) {
      throw new Error(`${prefix} postings inconsistent`);
    }
    return p;
  };
  // Context terms are only looked up: kept as the saved bytes. Typed terms are walked by prefix and
  // edit distance, term by term: strings.
  const packed = (bytes: Uint8Array) => {
    const terms = new PackedTerms(bytes, u32('ctx.termStarts'));
    if (terms.starts.length === 0 || terms.starts[terms.length] !== (terms.length === 0 ? 0 : bytes.length + 1)) throw new Error('ctx term offsets inconsistent');
    return terms;
  };
  const strings = (bytes: Uint8Array) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.length === 0 ? [] : text.split('\n');
  };
  // Typed terms are made strings on a segment's first typed query, not here: at a million papers
  // they are 1.9M strings (0.4-0.8 s of the opening, and the garbage collections after it), and a
  // bare \cite{ or a hover never asks for them. Until then, an array of the right length stands in.
  const later = (bytes: Uint8Array): string[] => {
    let n = bytes.length === 0 ? 0 : 1;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) n++;
    return { length: n, bytes } as unknown as string[];
  };
  try {
    const typ = postings('typ', later);
    const bytes = (typ.terms as unknown as { bytes: Uint8Array }).bytes;
    Object.defineProperty(typ, 'terms', {
      configurable: true,
      enumerable: true,
      get: () => {
        const terms = strings(bytes);
        Object.defineProperty(typ, 'terms', { value: terms, writable: true, configurable: true, enumerable: true });
        return terms;
      },
    });
    return { hash, papers, ctx: postings('ctx', packed), typ, avg: header.avg, saved: true };
  } catch (e) {
    return (e as Error).message;
  }
}

export async function readSegment(dir: string, hash: string, papers: PaperList): Promise<{ segment: Segment | null; reason: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(segmentFile(dir, hash));
  } catch {
    return { segment: null, reason: 'no saved index' };
  }
  const seg = decodeSegment(bytes, hash, papers);
  if (typeof seg === 'string') {
    await unlink(segmentFile(dir, hash)).catch(() => undefined);
    return { segment: null, reason: `${segmentFile(dir, hash)}: ${seg}` };
  }
  return { segment: seg, reason: '' };
}

/** Writes each segment not already saved and the manifests (temp file + rename); removes other files of ours. */
export async function writeSegments(dir: string, segments: readonly Segment[], manifests: readonly SourceManifest[] = []): Promise<void> {
  await mkdir(dir, { recursive: true });
  const keep = new Set<string>();
  const existing = new Set(await readdir(dir));
  for (const m of manifests) {
    const file = manifestFile(dir, m.hash);
    keep.add(file.slice(dir.length + 1));
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(m));
    await rename(tmp, file);
  }
  for (const seg of segments) {
    const file = segmentFile(dir, seg.hash);
    const name = file.slice(dir.length + 1);
    keep.add(name);
    if (existing.has(name) && seg.saved) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, encodeSegment(seg));
    await rename(tmp, file);
    seg.saved = true;
  }
  for (const name of existing) {
    const ours = (name.startsWith(PREFIX) && name.endsWith('.seg')) || (name.startsWith(MANIFEST) && name.endsWith('.json'));
    if (ours && !keep.has(name)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

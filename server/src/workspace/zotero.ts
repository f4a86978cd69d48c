// The workspace's hook for litlens.zotero: Zotero read in a thread of its own (or its last read
// opened from the cache folder when Zotero is unchanged), each library's papers then in a paper
// store with its saved index, as big library files are (search/corpus.ts); and what was read last,
// so a poll can tell when Zotero changed.
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadIssue } from '../library/paper';
import { defaultDataDir, loadZotero, ZOTERO_SOURCE_PREFIX, zoteroFingerprint, type ZoteroLoaded } from '../library/zotero/source';
import { loadZoteroInThread } from '../library/zotero/thread';
import type { Settings } from '../protocol';
import { corpusIdOf, openCorpus, type Corpus, type CorpusProgress } from '../search/corpus';
import { buildCorpusInWorker } from '../search/worker';

/** One Zotero library as a library source: its papers in a paper store ("Zotero: My Library"). */
export interface ZoteroStore {
  /** The library source's id: "zotero:Zotero: My Library". */
  id: string;
  name: string;
  corpus: Corpus;
}

/** A read made into stores; `issues`: the read's own (they go with the first source, or an empty one). */
export interface ZoteroStores {
  file: string;
  stores: ZoteroStore[];
  issues: LoadIssue[];
}

/** litlens.zotero's state: the setting it was read with and the last read. */
export class ZoteroSource {
  private setting: { zotero: string; collections: string[]; base?: string; cacheDir?: string | null } = { zotero: 'off', collections: [] };
  private last: ZoteroLoaded | null = null;
  private fingerprint = '';
  /** The last read's stores (a part unchanged since keeps its store). */
  private current: ZoteroStores | null = null;
  /** Where reads are kept without a cache folder (removed by dispose). */
  private scratch: Promise<string> | null = null;

  /** Is this library source one of Zotero's? */
  static owns(id: string): boolean {
    return id.startsWith(ZOTERO_SOURCE_PREFIX);
  }

  /** Reads Zotero as the settings say, into paper stores (null: off, or "auto" found none). */
  async load(config: Pick<Settings, 'zotero' | 'zoteroCollections'>, base?: string, cacheDir?: string | null, onProgress?: (message: string) => void): Promise<ZoteroStores | null> {
    this.setting = { zotero: config.zotero, collections: config.zoteroCollections, base, cacheDir };
    if (config.zotero.trim() === 'off') return (this.last = this.current = null);
    this.last = await this.read();
    this.fingerprint = this.last?.fingerprint ?? (await this.absentFingerprint());
    return this.stored(this.last, onProgress);
  }

  /** Zotero read again when what it is read from changed since the last read; null when unchanged (or off). */
  async reread(): Promise<ZoteroStores | null> {
    if (this.setting.zotero.trim() === 'off') return null;
    const now = this.last ? await zoteroFingerprint(this.last.way, this.fingerprint) : await this.absentFingerprint();
    if (now === this.fingerprint) return null;
    const read = await this.read();
    // A read that failed outright (caught mid-write, no backup) keeps the last one served; the next check tries again.
    if (read && !read.libraries.length && read.issues.some((i) => i.severity === 'error') && this.last?.libraries.length) return null;
    this.last = read;
    this.fingerprint = read?.fingerprint ?? (await this.absentFingerprint());
    // Gone since (Zotero quit and its database is elsewhere): an empty read drops its sources.
    return (await this.stored(read)) ?? { file: '', stores: [], issues: [] };
  }

  async dispose(): Promise<void> {
    const scratch = await this.scratch?.catch(() => null);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }

  /**
   * The read saved for Zotero as it is now (a look at its files' sizes and mtimes, or one request to
   * its API), else Zotero read in a thread, which saves each library's papers and their index in the
   * cache folder (a scratch folder without one).
   */
  private async read(): Promise<ZoteroLoaded | null> {
    const { zotero, collections, base, cacheDir } = this.setting;
    const dir = cacheDir ?? (await (this.scratch ??= mkdtemp(path.join(os.tmpdir(), 'litlens-zotero-'))));
    const options = { setting: zotero, collections, base, cacheDir: dir, inFiles: true };
    return (await loadZotero({ ...options, savedOnly: true }).catch(() => null)) ?? loadZoteroInThread(options);
  }

  /**
   * Each library's saved file as a paper store: its saved index when the file is unchanged (a start
   * with Zotero unchanged reads no paper), else read and indexed in a worker (and saved).
   */
  private async stored(read: ZoteroLoaded | null, onProgress?: (message: string) => void): Promise<ZoteroStores | null> {
    if (!read) return (this.current = null);
    const dir = path.join(this.setting.cacheDir ?? (await this.scratch!), 'corpora');
    const stores: ZoteroStore[] = [];
    for (const library of read.libraries) {
      let indexed = 0;
      for (const [i, file] of (library.saved ?? []).entries()) {
        const id = `${ZOTERO_SOURCE_PREFIX}${library.name}${library.saved!.length > 1 ? `#${i}` : ''}`;
        // A part whose file did not change (the read left it alone) keeps its store.
        const held = this.current?.stores.find((z) => z.id === id && z.corpus.file === file);
        const options = { format: 'zotero' as const, onProgress: (p: CorpusProgress) => onProgress?.(`${library.name}: ${(indexed + p.papers).toLocaleString('en')} of ${(library.count ?? 0).toLocaleString('en')} papers indexed`) };
        const same = held && (await corpusIdOf(file, options)) === held.corpus.id;
        // Else its store and index as the reading thread saved them (files read, nothing parsed: no worker needed).
        const saved = same ? held.corpus : await openCorpus(file, dir, options);
        const corpus = typeof saved === 'string' ? await buildCorpusInWorker(file, dir, options) : saved;
        indexed += corpus.store.size;
        stores.push({ id, name: library.name, corpus });
      }
    }
    return (this.current = { file: read.file, stores, issues: read.issues });
  }

  /** Nothing found by "auto": the default data directory is watched for a database to appear. */
  private async absentFingerprint(): Promise<string> {
    if (this.setting.zotero !== 'auto') return '';
    return zoteroFingerprint({ kind: 'database', dataDir: defaultDataDir() });
  }
}

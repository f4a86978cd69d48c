// The workspace's hook for litlens.zotero: one library source per Zotero library ("Zotero: My
// Library", "Zotero: GROUP"), and what was read last, so a poll can tell when Zotero changed.
import { defaultDataDir, ZOTERO_SOURCE_PREFIX, zoteroFingerprint, type ZoteroLoaded } from '../library/zotero/source';
import { loadZoteroInThread } from '../library/zotero/thread';

export { zoteroSources } from '../library/zotero/source';
import type { Settings } from '../protocol';

/** litlens.zotero's state: the setting it was read with and the last read. */
export class ZoteroSource {
  private setting: { zotero: string; collections: string[]; base?: string; cacheDir?: string | null } = { zotero: 'off', collections: [] };
  private last: ZoteroLoaded | null = null;
  private fingerprint = '';

  /** Is this library source one of Zotero's? */
  static owns(id: string): boolean {
    return id.startsWith(ZOTERO_SOURCE_PREFIX);
  }

  /** Reads Zotero as the settings say (null: off, or "auto" found none). */
  async load(config: Pick<Settings, 'zotero' | 'zoteroCollections'>, base?: string, cacheDir?: string | null): Promise<ZoteroLoaded | null> {
    this.setting = { zotero: config.zotero, collections: config.zoteroCollections, base, cacheDir };
    this.last = await loadZoteroInThread({ setting: config.zotero, collections: config.zoteroCollections, base, cacheDir });
    this.fingerprint = this.last?.fingerprint ?? (await this.absentFingerprint());
    return this.last;
  }

  /** Zotero read again when what it is read from changed since the last read; null when unchanged (or off). */
  async reread(): Promise<ZoteroLoaded | null> {
    if (this.setting.zotero === 'off') return null;
    const now = this.last ? await zoteroFingerprint(this.last.way) : await this.absentFingerprint();
    if (now === this.fingerprint) return null;
    const { zotero, collections, base, cacheDir } = this.setting;
    const read = await loadZoteroInThread({ setting: zotero, collections, base, cacheDir });
    // A read that failed outright (caught mid-write, no backup) keeps the last one served; the next check tries again.
    if (read && !read.libraries.length && read.issues.some((i) => i.severity === 'error') && this.last?.libraries.length) return null;
    this.last = read;
    this.fingerprint = read?.fingerprint ?? (await this.absentFingerprint());
    // Gone since (Zotero quit and its database is elsewhere): an empty read drops its sources.
    return read ?? { file: '', libraries: [], issues: [], fingerprint: '', way: { kind: 'database', dataDir: '' } };
  }

  /** Nothing found by "auto": the default data directory is watched for a database to appear. */
  private async absentFingerprint(): Promise<string> {
    if (this.setting.zotero !== 'auto') return '';
    return zoteroFingerprint({ kind: 'database', dataDir: defaultDataDir() });
  }
}

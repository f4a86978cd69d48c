// Settings: whatever the client sends (workspace/configuration, initializationOptions) turned once
// into a typed, defaulted `Settings`, cached per resource and dropped on didChangeConfiguration.
import { defaultSettings, type Settings } from '../protocol';

/** Turns an untrusted settings object (any shape, possibly partial) into a complete `Settings`. */
export function toSettings(raw: unknown, base: Settings = defaultSettings): Settings {
  const r = isObject(raw) ? raw : {};
  const emb = isObject(r.embeddings) ? r.embeddings : {};
  return {
    libraries: Array.isArray(r.libraries) ? strings(r.libraries) : base.libraries,
    bundledCorpus: typeof r.bundledCorpus === 'boolean' ? r.bundledCorpus : base.bundledCorpus,
    corpora: Array.isArray(r.corpora) ? strings(r.corpora) : base.corpora,
    corpusCategories: Array.isArray(r.corpusCategories) ? [...new Set(strings(r.corpusCategories).map((c) => c.trim()))] : base.corpusCategories,
    zotero: typeof r.zotero === 'string' && r.zotero.trim() !== '' ? r.zotero.trim() : base.zotero,
    zoteroCollections: Array.isArray(r.zoteroCollections) ? [...new Set(strings(r.zoteroCollections).map((c) => c.trim()).filter(Boolean))] : base.zoteroCollections,
    defaultBibliography: typeof r.defaultBibliography === 'string' && r.defaultBibliography.trim() !== '' ? r.defaultBibliography : base.defaultBibliography,
    maxSuggestions: typeof r.maxSuggestions === 'number' && Number.isFinite(r.maxSuggestions) ? clamp(Math.round(r.maxSuggestions), 1, 200) : base.maxSuggestions,
    relatedThreshold: typeof r.relatedThreshold === 'number' && Number.isFinite(r.relatedThreshold) ? clamp(r.relatedThreshold, 0, 1) : base.relatedThreshold,
    codeLens: r.codeLens === 'paragraph' || r.codeLens === 'section' || r.codeLens === 'off' ? r.codeLens : base.codeLens,
    proseHover: typeof r.proseHover === 'boolean' ? r.proseHover : base.proseHover,
    uncitedClaims: r.uncitedClaims === 'hint' || r.uncitedClaims === 'information' || r.uncitedClaims === 'off' ? r.uncitedClaims : base.uncitedClaims,
    cacheLimit: typeof r.cacheLimit === 'number' && Number.isFinite(r.cacheLimit) ? Math.max(1, Math.round(r.cacheLimit)) : base.cacheLimit,
    embeddings: {
      enabled: typeof emb.enabled === 'boolean' ? emb.enabled : base.embeddings.enabled,
      model: typeof emb.model === 'string' && emb.model.trim() !== '' ? emb.model : base.embeddings.model,
    },
  };
}

/** initializationOptions may hold the settings directly or under `litlens` (as Neovim/Emacs users write them). */
export function settingsFromInitializationOptions(options: unknown): Settings {
  if (isObject(options) && isObject(options.litlens)) return toSettings(options.litlens);
  return toSettings(options);
}

/** Accepts `{ litlens: {...} }` or the section itself, as clients send either in didChangeConfiguration. */
export function settingsSection(raw: unknown): unknown {
  return isObject(raw) && isObject(raw.litlens) ? raw.litlens : raw;
}

/** Reads the "litlens" section for a resource; undefined scope = the window/workspace level. */
export type FetchSection = (scopeUri: string | undefined) => Promise<unknown>;

/**
 * Settings per resource. With a `fetch` (the client supports workspace/configuration) each
 * resource asks once and is cached until `clear()`; without one, the initializationOptions /
 * didChangeConfiguration settings apply everywhere.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<Settings>>();
  private global: Settings;

  constructor(
    initial: Settings,
    private readonly fetch: FetchSection | undefined,
  ) {
    this.global = initial;
  }

  /** Settings that apply to the whole server (library sources): the workspace-level ones. */
  workspace(): Promise<Settings> {
    return this.forResource(undefined);
  }

  forResource(uri: string | undefined): Promise<Settings> {
    if (!this.fetch) return Promise.resolve(this.global);
    const cacheKey = uri ?? '';
    let hit = this.cache.get(cacheKey);
    if (!hit) {
      const base = this.global;
      // A client that fails to answer falls back to what we had: settings must never break a feature.
      hit = this.fetch(uri).then(
        (raw) => toSettings(raw, base),
        () => base,
      );
      this.cache.set(cacheKey, hit);
    }
    return hit;
  }

  /** On didChangeConfiguration: `pushed` is the payload's settings (used when we cannot pull). */
  changed(pushed: unknown): void {
    if (!this.fetch && pushed !== undefined && pushed !== null) this.global = toSettings(settingsSection(pushed), this.global);
    this.cache.clear();
  }

  /** The settings known without asking the client (initializationOptions + pushed changes). */
  get current(): Settings {
    return this.global;
  }
}

const strings = (xs: unknown[]): string[] => xs.filter((x): x is string => typeof x === 'string' && x.trim() !== '');

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

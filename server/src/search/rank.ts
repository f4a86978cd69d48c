// The one ranking rule over the lexical index and, once embeddings are on and ready, the semantic
// one: which lexical ranking answers, when meaning joins it, how deep each list is fetched for a
// fusion (FUSION_DEPTH), and that a failing model never takes the lexical answer with it.
// Completion, hovers, code lenses, the search panel, related papers and the CLI all rank here.
//
//   const ranker = new Ranker(index, semantic);             // semantic: null when embeddings are off
//   ranker.completion(typed, sentence, 20)                  // never waits for the model
//   await ranker.related(passage, { limit, threshold })     // [] when nothing is about it
//   ranker.relatedNow(paragraph, { limit, threshold })      // never waits: { hits, final }
//   await ranker.search(query, { limit, mode })             // the search box
import { ChanceBar } from './gate';
import type { Hit, SearchIndex, SearchMode } from './index';
import { FUSION_DEPTH, type SemanticIndex } from './semantic';

export interface RelatedLimits {
  limit: number;
  /** 0..1 (litlens.relatedThreshold); 0 asks for a ranking. */
  threshold: number;
  /** 0..1, the share of the best paper's score the others need (index.related's `relative`). */
  relative?: number;
  /** Only papers of these sources, judged by statistics over them (QueryOptions.within). */
  within?: ReadonlySet<string>;
  /** Papers left out before the gate (RelatedOptions.exclude: those the paragraph cites). */
  exclude?: ReadonlySet<string>;
  /**
   * The document the passage is in (`id`: its URI; `prose`: its paragraphs' text): the gate's null
   * (gate.ts ChanceBar) is what passages of its words score by chance. Absent (a text alone): the
   * gate without it.
   */
  document?: { id: string; prose: string };
}

/** How many documents' chance bars are kept (open documents; each is a few numbers). */
const CHANCE_DOCUMENTS = 16;

export class Ranker {
  constructor(
    readonly index: SearchIndex,
    /** Embeddings, when the user turned them on (they take part once `.ready`). */
    readonly semantic: SemanticIndex | null = null,
  ) {}

  private readonly chance = new Map<string, ChanceBar>();

  /** The lexical related rule, with the document null when the passage's document is given. */
  private lexicalRelated(text: string, options: RelatedLimits): Hit[] {
    if (options.document === undefined || options.threshold <= 0) return this.index.related(text, options);
    const { id, prose } = options.document;
    const key = `${[...(options.within ?? [])].join('\u0000')}\u0001${id}`;
    let bar = this.chance.get(key);
    // An edit changes the document's words a little: the bar is drawn again once they change by a tenth.
    const words = wordsIn(prose);
    if (!bar || Math.abs(bar.words - words) > 0.1 * bar.words) {
      const within = options.within;
      bar = new ChanceBar(prose, (t) => this.index.related(t, { limit: 1, threshold: 0, within })[0]?.score ?? 0);
      this.chance.delete(key);
      if (this.chance.size >= CHANCE_DOCUMENTS) this.chance.delete(this.chance.keys().next().value!);
      this.chance.set(key, bar);
    }
    return this.index.related(text, { ...options, standOut: bar.bar(wordsIn(text)) });
  }

  /** True when answers may be fused with meaning now. */
  get fuses(): boolean {
    return !!this.semantic?.ready;
  }

  /**
   * Citation completion candidates. Typed letters narrow by spelling, so only an empty key is
   * fused with meaning, and only with a query vector computed before: the keystroke path never
   * waits (a missing vector is computed in the background for the next keystroke).
   */
  completion(typed: string, context: string, limit: number): Hit[] {
    const semantic = this.fuses && !typed.trim() && context.trim() ? this.semantic : null;
    const vector = semantic?.queryVectorIfReady(context);
    if (!semantic || !vector) return this.index.completion(typed, context, { limit });
    return semantic.fuseWith(vector, this.index.completion(typed, context, { limit: depth(limit) }), { limit });
  }

  /**
   * Completion within some sources only (a document's own bibliography), ranked by statistics
   * over them alone; lexical (meaning is fused over the whole library). With nothing typed, the
   * context ranking with coordination as `coordination` says.
   */
  completionWithin(typed: string, context: string, options: { limit: number; within: ReadonlySet<string>; coordination?: boolean }): Hit[] {
    if (typed.trim()) return this.index.completion(typed, context, options);
    return this.index.context(context, options);
  }

  /** Related papers: [] when nothing is about the text, under the lexical rule and the semantic gate. */
  async related(text: string, options: RelatedLimits): Promise<Hit[]> {
    if (!this.fuses) return this.lexicalRelated(text, options);
    try {
      const vector = await this.semantic!.embedQuery(text);
      return this.semantic!.relatedWith(vector, this.lexicalRelated(text, { ...options, limit: depth(options.limit) }), options);
    } catch {
      return this.lexicalRelated(text, options);
    }
  }

  /**
   * As related(), without waiting for the model (many passages at once: code lenses). `final` is
   * false when meaning would take part but the text's vector is still being computed.
   */
  relatedNow(text: string, options: RelatedLimits): { hits: Hit[]; final: boolean } {
    const vector = this.fuses ? this.semantic!.queryVectorIfReady(text) : undefined;
    if (!vector) return { hits: this.lexicalRelated(text, options), final: !this.fuses };
    return { hits: this.semantic!.relatedWith(vector, this.lexicalRelated(text, { ...options, limit: depth(options.limit) }), options), final: true };
  }

  /** The search box (SearchIndex.searchBox); an answer from the context ranking is fused with meaning. */
  async search(query: string, options: { limit: number; mode?: SearchMode }): Promise<Hit[]> {
    const { limit } = options;
    const { hits, mode } = this.index.searchBox(query, { limit: this.fuses ? depth(limit) : limit, mode: options.mode });
    if (!this.fuses || mode !== 'context') return hits.slice(0, limit);
    try {
      return await this.semantic!.search(query, hits, { limit });
    } catch {
      return hits.slice(0, limit);
    }
  }
}

/** Words of a passage, as the chance bar counts them. */
function wordsIn(text: string): number {
  return text.match(/[\p{L}][\p{L}\p{N}'-]*/gu)?.length ?? 0;
}

/** How many lexical hits a fusion asking for `limit` takes. */
function depth(limit: number): number {
  return Math.max(FUSION_DEPTH, limit);
}

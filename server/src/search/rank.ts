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
//
// Shared corpora (PostgreSQL, server/src/shared) join every answer: awaited answers (related,
// search: hovers, the panel, Show Related Papers) wait for them at most `sharedDeadlineMs`, answers
// that never wait (completion, relatedNow: code lenses) take what a shared corpus already knows and
// have it fetched for the next time. A shared corpus that is down only leaves its papers out.
import { SharedUnavailable, type SharedCorpus } from '../shared/corpus';
import { ChanceBar, FIELD_MIN_CITES, FIELD_SAMPLE, LIBRARY_NULL_MIN_WORDS, NULL_MIN_WORDS, STAND_OUT, fieldBar, inField } from './gate';
import type { Hit, OtherStatistics, RelatedOptions, SearchIndex, SearchMode } from './index';
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
  /** The strict gate only (RelatedOptions.strict): no list from the own-library bar (own papers past the library null alone aside: gate.ts ownPassesStrict). */
  strict?: boolean;
  /**
   * The document the passage is in (`id`: its URI; `prose`: its paragraphs' text): the gate's null
   * (gate.ts ChanceBar) is what passages of its words score by chance. Absent (a text alone): the
   * gate without it. `cites`: the titles of the library entries the document cites; a source
   * whose field the document is not in (gate.ts inField) gives its passages nothing. `self`: the
   * entries that are the document itself (features/related.ts selfKeys), left out as `exclude` is.
   * `title`: the document's own title (RelatedOptions.subject).
   */
  document?: { id: string; prose: string; cites?: readonly string[]; citeKeys?: readonly string[]; self?: readonly string[]; title?: string | null };
}

/**
 * What the gate drew of the library alone (Ranker.warm's bars: each source's field bar, the whole
 * library's null by length bucket), saved with the index so that a ranker over the same content
 * need not draw them again (Ranker.drawnBars, seedBars). `probe`: one whole-library query and the
 * score it gave, asked again before the bars are used (a changed ranking answers otherwise).
 */
export interface GateBars {
  fieldBars: [string, number][];
  libraryNull: [number, number][];
  probe: { text: string; score: number };
}

/** Passage lengths whose library null Ranker.warm draws ahead: sentences and paragraphs up to this many words. */
const WARM_WORDS = 400;

/** How many documents' chance bars are kept (open documents; each is a few numbers). */
const CHANCE_DOCUMENTS = 16;

/**
 * Ranker.warm draws nothing until the ranker has been asked nothing for this long: keystrokes come
 * closer together (and a hover waits about this long before it is asked), so a query of warm (tens
 * of ms at a million papers, 100-270 ms for passages of 30-45 words under load) starts in a pause.
 */
const WARM_PAUSE_MS = 300;

/** How many gated answers are kept (a few lists of hits each: the passages just asked about). */
const ANSWERS = 64;

/** How many cited titles' top scores are kept (Ranker.citedTop: a number each; a few documents' bibliographies). */
const CITED_TOPS = 4096;

/** Completions Ranker.warm asks before drawing bars (each tens of ms at a million papers, ~1 s in all). */
const WARM_COMPLETIONS = 24;

/** The passage lengths of most sentences, whose library null Ranker.warm draws first. */
const SENTENCE_WORDS = [6, 60] as const;

/**
 * A library of more papers than this draws no gate bar on a request (Ranker.undrawn): a bar is
 * NULL_SAMPLES queries (the field rule up to FIELD_SAMPLE per source), ~0.5 s of a hover at a
 * million papers (docs/related.md, docs/benchmarks.md). Until the bars a passage needs are drawn
 * in the background, it is answered from the library's smaller sources alone (the bundled corpus,
 * the user's own libraries), whose bars are drawn at once; at 100k papers a bar (16 queries of
 * ~3-5 ms) is drawn on the request.
 */
export const DRAW_ON_REQUEST = 200_000;

/**
 * When the server last answered a request (lsp/keystrokes.ts Keystrokes: completion and hovers in
 * flight or just answered): the rankers' background work (warm, the bars provisional answers asked
 * for) waits for a pause in every request, not only in those a ranker answers (a hover on a key
 * asks none), and the requests a ranker answers count on it too.
 */
export interface RequestClock {
  /** A request was answered now. */
  asked(): void;
  /** Resolves once no request is in flight and none has been answered for `quietMs`. */
  idle(quietMs: number): Promise<void>;
}

/** Thrown by Ranker.pause once the ranker is no longer used: whatever draws stops. */
const STALE = new Error('stale');

export class Ranker {
  constructor(
    readonly index: SearchIndex,
    /** Embeddings, when the user turned them on (they take part once `.ready`). */
    readonly semantic: SemanticIndex | null = null,
    /** Shared corpora in PostgreSQL (litlens.corpora's postgresql:// entries). */
    readonly shared: readonly SharedCorpus[] = [],
    /** How long an awaited answer waits for a shared corpus (SHARED_DEADLINE_MS). */
    readonly sharedDeadlineMs = SHARED_DEADLINE_MS,
    /** Libraries of more papers answer provisionally until their bars are drawn (DRAW_ON_REQUEST). */
    readonly drawOnRequest = DRAW_ON_REQUEST,
    /** The server's request clock: background work waits for a pause in all requests (none: in this ranker's). */
    private readonly clock?: RequestClock,
  ) {}

  private readonly chance = new Map<string, ChanceBar>();
  /** The last gated answers (lexicalRelated), by passage and everything asked of the index. */
  private readonly answers = new Map<string, Hit[]>();
  /**
   * When a request last asked this ranker (performance.now()): warm waits for a pause after it. A
   * ranker is made for an index just announced or for a request: warm starts a pause after that,
   * so what was being sent (the status saying a corpus is searchable, the answer) goes out first.
   */
  private asked = performance.now();
  /** Per source (id and hash): the score its own titles reach against it (gate.ts fieldBar). */
  private readonly fieldBars = new Map<string, number>();
  /** GateBars.probe over this ranker's index, asked once. */
  private probed: GateBars['probe'] | undefined;
  /** Per document (id, cited titles, sources): the sources whose field it is in. */
  private readonly fields = new Map<string, ReadonlySet<string>>();
  /** Per source and cited title: its top score against the source (citedTop). */
  private readonly citedTops = new Map<string, number>();
  /** Bars a provisional answer asked for (by what they are drawn for), drawn one query per pause (drawLater). */
  private readonly scheduled = new Set<string>();
  private drawing: Promise<void> = Promise.resolve();
  /** Warm's callbacks (a bar drawn: saved; the ranker replaced: nothing more drawn), for drawLater's bars too. */
  private onDrawn: (() => void) | undefined;
  private stale: (() => boolean) | undefined;

  /**
   * The sources (of `within`, or all) whose field the document is in; `within` when all are, or when
   * it is not judged. Only corpora (the bundled one, arXiv snapshots) are judged: the user's own
   * libraries (.bib, CSL-JSON, Zotero) are theirs whatever fields they mix, and a mixed Zotero
   * library must not lose its papers on the paper they are about.
   */
  inFieldSources(document: NonNullable<RelatedLimits['document']>, within: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
    const cites = document.cites ?? [];
    if (cites.length < FIELD_MIN_CITES) return within;
    const asked = this.index.sources.filter((s) => !within || within.has(s.id));
    const sources = asked.filter((s) => s.corpus);
    const key = fieldKey(document, sources);
    let kept = this.fields.get(key);
    if (!kept) {
      const picked = pickedCites(cites);
      // A cited paper the source holds itself (even where the document's .bib copy stands for it) is in its field.
      const citedTop = (i: number, id: string) => (document.citeKeys?.[i] !== undefined && this.index.holds(id, document.citeKeys[i]) ? 1 : this.citedTop(cites[i], id));
      kept = new Set(
        sources
          .filter((s) => {
            const barKey = `${s.id}\u0000${s.hash}`;
            let bar = this.fieldBars.get(barKey);
            if (bar === undefined) this.fieldBars.set(barKey, (bar = fieldBar(this.fieldQueries(s.id).map((q) => q()))));
            return inField(picked.map((i) => citedTop(i, s.id)), bar);
          })
          .map((s) => s.id),
      );
      remember(this.fields, key, kept);
    }
    return kept.size === sources.length ? within : new Set([...asked.filter((s) => !s.corpus).map((s) => s.id), ...kept]);
  }

  /** titleTop of a cited title, kept (the field rule asks it again for each source set; Ranker.drawLater draws them ahead). */
  private citedTop(title: string, id: string): number {
    const key = `${id}\u0000${title}`;
    let top = this.citedTops.get(key);
    if (top === undefined) remember(this.citedTops, key, (top = this.titleTop(title, id)), CITED_TOPS);
    return top;
  }

  /** The top score of a title against one source, without the paper `exclude` (the field rule's query). */
  private titleTop(title: string, id: string, exclude?: string): number {
    return this.index.related(title, { limit: 1, threshold: 0, within: new Set([id]), exclude: exclude === undefined ? undefined : new Set([exclude]) })[0]?.score ?? 0;
  }

  /** The queries a source's field bar is drawn from (gate.ts fieldBar): its own sampled titles, each against the rest of it. */
  private fieldQueries(id: string): (() => number)[] {
    return this.index.sample(id, FIELD_SAMPLE).map((p) => () => this.titleTop(p.title, id, p.key));
  }

  /**
   * The lexical related rule: the gate weighed against the library null, and when the passage's
   * document is given, the field rule and the document null.
   */
  private lexicalRelated(text: string, asked: RelatedLimits, answer: { provisional?: boolean } = {}): Hit[] {
    if (asked.threshold <= 0) return this.index.related(text, asked);
    const smaller = this.undrawn(text, asked);
    if (smaller) {
      answer.provisional = true;
      return smaller.size === 0 ? [] : this.lexicalRelated(text, { ...asked, within: smaller });
    }
    let options = asked;
    if (asked.document !== undefined) {
      const within = this.inFieldSources(asked.document, asked.within);
      if (within?.size === 0) return [];
      if (within !== asked.within) options = { ...asked, within };
    }
    const words = wordsIn(text);
    const chance = this.libraryNull(options.within).bar(words);
    const document = asked.document && this.documentNull(asked.document, options.within);
    const standOut = document ? STAND_OUT * document.bar(words) : undefined;
    const final = { ...options, document: undefined, chance: chance || undefined, standOut, subject: asked.document?.title ?? undefined };
    // The same passage asked the same way (a bare \cite{ asked again as the user types around it, a
    // hover moved within one sentence) is the same answer: this ranker's index does not change.
    const key = [text, final.limit, final.threshold, final.relative, final.strict, final.chance, final.standOut, final.subject, setKey(final.within), setKey(final.exclude)].join('\u0001');
    let hits = this.answers.get(key);
    if (!hits) remember(this.answers, key, (hits = this.index.related(text, final)), ANSWERS);
    return [...hits];
  }

  /**
   * When the library asked is over drawOnRequest papers and a bar this passage's gate needs is not
   * drawn yet (the field rule for its document, the library null or the document null for its
   * length): the smaller sources to answer from meanwhile (the largest left out until the rest is
   * within drawOnRequest; [] when none is), and the bars are drawn in the background (drawLater).
   * Undefined when the whole answer is ready to be given (or cheap enough to draw now).
   */
  private undrawn(text: string, asked: RelatedLimits): ReadonlySet<string> | undefined {
    const searched = this.index.sources.filter((s) => !asked.within || asked.within.has(s.id));
    if (papersOf(searched) <= this.drawOnRequest) return undefined;
    const words = wordsIn(text);
    const document = asked.document;
    if (!document || this.fieldKnown(document, asked.within)) {
      const within = document ? this.inFieldSources(document, asked.within) : asked.within;
      if (within?.size === 0) return undefined;
      const documentNull = document && this.documentNull(document, within);
      if (this.libraryNull(within).has(words) && (!documentNull || documentNull.has(words))) return undefined;
    }
    this.drawLater(words, asked);
    const smaller = new Set<string>();
    let papers = 0;
    for (const s of [...searched].sort((a, b) => a.papers - b.papers)) if ((papers += s.papers) <= this.drawOnRequest) smaller.add(s.id);
    return smaller;
  }

  /** True when the field rule has judged the document over these sources (or will not: too few citations). */
  private fieldKnown(document: NonNullable<RelatedLimits['document']>, within: ReadonlySet<string> | undefined): boolean {
    if ((document.cites ?? []).length < FIELD_MIN_CITES) return true;
    return this.fields.has(fieldKey(document, this.index.sources.filter((s) => s.corpus && (!within || within.has(s.id)))));
  }

  /**
   * Draws what a passage of `words` words asked as `asked` needs (undrawn), one query per pause as
   * warm does, after the bars asked for before: the document's field rule (each source's field bar,
   * its cited titles' scores), then the library null and the document null for that length.
   */
  private drawLater(words: number, asked: RelatedLimits): void {
    const document = asked.document;
    const key = [words, setKey(asked.within), document?.id, document && this.proseWords(document.prose), document?.cites?.join('\u0002')].join('\u0001');
    if (this.scheduled.has(key)) return;
    this.scheduled.add(key);
    // What is drawn meanwhile (by a request, warm or a job before) costs no pause here: many passages (a document's lenses) ask at once.
    const draw = async () => {
      const turn = () => this.pause();
      if (document && !this.fieldKnown(document, asked.within)) {
        const cites = document.cites!;
        for (const s of this.index.sources.filter((s) => s.corpus && (!asked.within || asked.within.has(s.id)))) {
          await this.drawFieldBar(s, turn);
          for (const i of pickedCites(cites)) {
            if (document.citeKeys?.[i] !== undefined && this.index.holds(s.id, document.citeKeys[i])) continue;
            if (!this.citedTops.has(`${s.id}\u0000${cites[i]}`)) (await turn(), this.citedTop(cites[i], s.id));
          }
        }
      }
      const within = document ? this.inFieldSources(document, asked.within) : asked.within;
      if (within?.size === 0) return;
      await this.libraryNull(within).draw(words, turn);
      const documentNull = document && this.documentNull(document, within);
      if (documentNull) await documentNull.draw(words, turn);
    };
    this.drawing = this.drawing
      .then(draw)
      .then(() => this.onDrawn?.())
      .catch(() => {}) // stale: nothing more is drawn for this ranker
      .finally(() => this.scheduled.delete(key));
  }

  /** Resolves once the bars provisional answers asked for so far are drawn (drawLater; tests and benchmarks). */
  async barsDrawn(): Promise<void> {
    for (let last; last !== this.drawing; ) await (last = this.drawing);
  }

  /** Waits for a pause in the requests (WARM_PAUSE_MS without one); throws STALE once the ranker is no longer used. */
  private async pause(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      for (let quiet; (quiet = performance.now() - this.asked) < WARM_PAUSE_MS; ) await new Promise((resolve) => setTimeout(resolve, WARM_PAUSE_MS - quiet));
      if (!this.clock) break;
      await this.clock.idle(WARM_PAUSE_MS);
      if (performance.now() - this.asked >= WARM_PAUSE_MS) break;
    }
    if (this.stale?.()) throw STALE;
  }

  /** A source's field bar (gate.ts fieldBar), one query per `turn`; nothing when it is drawn (here or by a request meanwhile). */
  private async drawFieldBar(s: SearchIndex['sources'][number], turn: () => Promise<void>): Promise<void> {
    const barKey = `${s.id}\u0000${s.hash}`;
    if (this.fieldBars.has(barKey)) return;
    const tops: number[] = [];
    // fieldQueries' queries, each in steps.
    for (const p of this.index.sample(s.id, FIELD_SAMPLE)) {
      await turn();
      if (this.fieldBars.has(barKey)) return;
      tops.push(await this.scoreInTurns(this.index.relatedSteps(p.title, { limit: 1, threshold: 0, within: new Set([s.id]), exclude: new Set([p.key]) }), turn));
    }
    if (!this.fieldBars.has(barKey)) (this.fieldBars.set(barKey, fieldBar(tops)), this.onDrawn?.());
  }

  /**
   * Draws what the gate needs of the library alone, one query per event-loop turn between other
   * work: each source's field bar (gate.ts fieldBar) and the whole library's null (gate.ts
   * ChanceBar) for every passage length up to WARM_WORDS. Called when an index is ready, so the
   * first hover, lens or completion does not pay for them on its request, and no request waits
   * behind more than one step of it (a bar's query runs one index part per step: at a million
   * papers a query is tens of ms, a bar hundreds; warm's completions are whole queries).
   * A request that needs a bar not yet drawn draws it itself; what is drawn already costs nothing.
   */
  async warm(onDrawn?: () => void, stale?: () => boolean): Promise<void> {
    // One step per turn, and none while requests come in (a typist's keystrokes, a hover): the
    // longest a request can wait behind warm is one step that began in a pause. Once `stale` says
    // so (the ranker is no longer used), nothing more is drawn.
    this.onDrawn = onDrawn;
    this.stale = stale;
    try {
      await this.drawAhead(() => this.pause());
    } catch (err) {
      if (err !== STALE) throw err;
    }
  }

  /**
   * Completion's ranking passes asked WARM_COMPLETIONS times, one per pause, before any bar: typed
   * starts of the largest source's own title words (four letters, two: the restricted MaxScore
   * passes, the kept common prefixes) with another title as the sentence. V8 compiles a pass after
   * some calls: at a million papers the first `\cite{deep lear` took 62 ms, later ones 5-24 ms.
   */
  private async warmCompletion(turn: () => Promise<void>): Promise<void> {
    const largest = [...this.index.sources].sort((a, b) => b.papers - a.papers)[0];
    if (!largest) return;
    const titles = this.index.sample(largest.id, WARM_COMPLETIONS + 1).map((p) => p.title);
    for (let i = 0; i + 1 < titles.length; i++) {
      const word = titles[i].match(/\p{L}{4,}/u)?.[0];
      if (!word) continue;
      await turn();
      this.index.completion(word.slice(0, i % 3 === 2 ? 2 : 4), titles[i + 1], { limit: 20 });
    }
  }

  private async drawAhead(turn: () => Promise<void>): Promise<void> {
    // The small sources' field bars first (a provisional answer's field rule: Ranker.undrawn; ~2 ms
    // a query at a million papers), the completion passes, a sentence's lengths (hovers, completion's
    // rows from elsewhere), the large sources' field bars, then the rest.
    const small = this.index.sources.filter((s) => s.papers <= this.drawOnRequest);
    for (const s of small) await this.drawFieldBar(s, turn);
    await this.warmCompletion(turn);
    const bar = this.libraryNull(undefined);
    const lengths = ChanceBar.lengths(WARM_WORDS);
    const sentences = lengths.filter((n) => n >= SENTENCE_WORDS[0] && n <= SENTENCE_WORDS[1]);
    const drawLengths = async (which: number[]) => {
      for (const length of which) {
        if (bar.has(length)) continue;
        await bar.draw(length, turn);
        this.onDrawn?.();
      }
    };
    await drawLengths(sentences);
    for (const s of this.index.sources) if (!small.includes(s)) await this.drawFieldBar(s, turn);
    await drawLengths(lengths.filter((n) => !sentences.includes(n)));
  }

  /** The bars drawn so far of the library alone (field bars, the library null), to be saved (GateBars). */
  drawnBars(): GateBars {
    // A source's field bar by its place and content hash, not its id (a file's path): the same library elsewhere has the same bars.
    const place = new Map(this.index.sources.map((s, i) => [`${s.id}\u0000${s.hash}`, `${i}\u0000${s.hash}`]));
    const fieldBars = [...this.fieldBars].flatMap(([key, bar]): [string, number][] => (place.has(key) ? [[place.get(key)!, bar]] : []));
    return { fieldBars, libraryNull: this.libraryNull(undefined).drawn(), probe: this.probe() };
  }

  /**
   * Bars saved by drawnBars over this index's content: warm and the requests find them drawn.
   * Nothing is taken (false) when the probe query scores otherwise now (another ranking).
   */
  seedBars(bars: GateBars): boolean {
    const probe = this.probe();
    if (bars.probe.text !== probe.text || bars.probe.score !== probe.score) return false;
    const id = new Map(this.index.sources.map((s, i) => [`${i}\u0000${s.hash}`, `${s.id}\u0000${s.hash}`]));
    for (const [place, bar] of bars.fieldBars) {
      const key = id.get(place);
      if (key !== undefined && !this.fieldBars.has(key) && Number.isFinite(bar)) this.fieldBars.set(key, bar);
    }
    this.libraryNull(undefined).seed(bars.libraryNull);
    return true;
  }

  /** The probe of GateBars: three titles of the largest source, a passage ranked over the whole library. */
  private probe(): GateBars['probe'] {
    if (!this.probed) {
      const largest = [...this.index.sources].sort((a, b) => b.papers - a.papers)[0];
      const text = largest ? this.index.sample(largest.id, 3).map((p) => p.title).join('. ') : '';
      this.probed = { text, score: this.topScore(undefined)(text) };
    }
    return this.probed;
  }

  /** What random passages of the library's titles score against it (as many titles per source as its share of the library). */
  private libraryNull(within: ReadonlySet<string> | undefined): ChanceBar {
    const sources = this.index.sources.filter((s) => !within || within.has(s.id));
    const key = `${[...(within ?? [])].join('\u0000')}\u0002${sources.map((s) => `${s.id}:${s.hash}`).join('\u0000')}`;
    let bar = this.chance.get(key);
    if (!bar) {
      const total = sources.reduce((sum, s) => sum + s.papers, 0);
      const titles = sources.flatMap((s) => this.index.sample(s.id, Math.ceil((FIELD_SAMPLE * s.papers) / Math.max(1, total))).map((p) => p.title));
      remember(this.chance, key, (bar = new ChanceBar(titles.join('. '), this.topScore(within), LIBRARY_NULL_MIN_WORDS, this.topScoreInTurns(within))));
    }
    return bar;
  }

  /** wordsIn of a document's prose, kept for the last one (code lenses ask once per paragraph of the same document). */
  private proseWords(prose: string): number {
    if (this.lastProse?.prose !== prose) this.lastProse = { prose, words: wordsIn(prose) };
    return this.lastProse.words;
  }
  private lastProse: { prose: string; words: number } | undefined;

  /** What random passages of the document's own words score against the library; null when it has too few words. */
  private documentNull(document: NonNullable<RelatedLimits['document']>, within: ReadonlySet<string> | undefined): ChanceBar | null {
    const words = this.proseWords(document.prose);
    if (words < NULL_MIN_WORDS) return null;
    const key = `${[...(within ?? [])].join('\u0000')}\u0001${document.id}`;
    let bar = this.chance.get(key);
    // An edit changes the document's words a little: the bar is drawn again once they change by a tenth.
    if (!bar || Math.abs(bar.words - words) > 0.1 * bar.words) remember(this.chance, key, (bar = new ChanceBar(document.prose, this.topScore(within), undefined, this.topScoreInTurns(within))));
    return bar;
  }

  /** The top paper's score for a text (0 when none): what a null ranks its random passages by. */
  private topScore(within: ReadonlySet<string> | undefined): (text: string) => number {
    return (t) => this.index.related(t, { limit: 1, threshold: 0, within })[0]?.score ?? 0;
  }

  /**
   * topScore in steps (SearchIndex.relatedSteps), awaiting `turn` between them: a bar drawn in the
   * background holds a request up for one part of a query (at a million papers a 300-400-word
   * passage took 100-270 ms whole under load), not the whole query. The same score.
   */
  private topScoreInTurns(within: ReadonlySet<string> | undefined): (text: string, turn: () => Promise<unknown>) => Promise<number> {
    return (t, turn) => this.scoreInTurns(this.index.relatedSteps(t, { limit: 1, threshold: 0, within }), turn);
  }

  /** The top score of a related query run in steps, awaiting `turn` between them. */
  private async scoreInTurns(steps: Generator<void, Hit[]>, turn: () => Promise<unknown>): Promise<number> {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value[0]?.score ?? 0;
      await turn();
    }
  }

  /** The shared corpora's answers (each when it comes in time) as one list, by score, a key once. */
  private async sharedHits(limit: number, ask: (s: SharedCorpus) => Promise<Hit[]>): Promise<Hit[]> {
    if (this.shared.length === 0) return [];
    const answers = await Promise.all(this.shared.map((s) => deadline(ask(s), this.sharedDeadlineMs, [])));
    return merge([], answers, limit);
  }

  /** A request is asked: warm waits for a pause after it ends (the turn after its synchronous work, which is most of it). */
  private answering(): void {
    this.asked = performance.now();
    setImmediate(() => (this.asked = performance.now()));
    this.clock?.asked();
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
    this.answering();
    const semantic = this.fuses && !typed.trim() && context.trim() ? this.semantic : null;
    const vector = semantic?.queryVectorIfReady(context);
    const local = !semantic || !vector ? this.index.completion(typed, context, { limit }) : semantic.fuseWith(vector, this.index.completion(typed, context, { limit: depth(limit) }), { limit });
    if (this.shared.length === 0) return local;
    return merge(local, this.shared.map((s) => s.completionNow(typed, context, limit) ?? []), limit, true);
  }

  /**
   * Completion within some sources only (a document's own bibliography), ranked by statistics
   * over them alone; lexical (meaning is fused over the whole library). With nothing typed, the
   * context ranking with coordination as `coordination` says.
   */
  completionWithin(typed: string, context: string, options: { limit: number; within: ReadonlySet<string>; coordination?: boolean }): Hit[] {
    this.answering();
    if (typed.trim()) return this.index.completion(typed, context, options);
    return this.index.context(context, options);
  }

  /** Related papers: [] when nothing is about the text, under the lexical rule and the semantic gate. */
  async related(text: string, limits: RelatedLimits): Promise<Hit[]> {
    this.answering();
    const options = leavingOutSelf(limits);
    const asked = sharedOptions(options);
    const document = judged(options);
    // A shared corpus whose field the document is outside gives its passages nothing (gate.ts inField).
    const shared = this.sharedHits(options.limit, async (s) => (document && !(await s.inField(document)) ? [] : s.related(text, asked)));
    return unexcluded(merge(await this.relatedLocal(text, options), [await shared], options.limit), options);
  }

  private async relatedLocal(text: string, options: RelatedLimits): Promise<Hit[]> {
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
  relatedNow(text: string, asked: RelatedLimits): { hits: Hit[]; final: boolean } {
    this.answering();
    const options = leavingOutSelf(asked);
    const local = this.relatedLocalNow(text, options);
    if (this.shared.length === 0) return { ...local, hits: unexcluded(local.hits, options) };
    const document = judged(options);
    const answers = this.shared.map((s) => {
      const field = document ? s.inFieldNow(document) : true;
      return field === false ? [] : field === undefined ? undefined : s.relatedNow(text, sharedOptions(options));
    });
    // A shared corpus that is down is not waited for: its answer would never come.
    const waiting = answers.some((a, i) => a === undefined && this.shared[i].state === 'ready');
    return { hits: unexcluded(merge(local.hits, answers.map((a) => a ?? []), options.limit), options), final: local.final && !waiting };
  }

  private relatedLocalNow(text: string, options: RelatedLimits): { hits: Hit[]; final: boolean } {
    const vector = this.fuses ? this.semantic!.queryVectorIfReady(text) : undefined;
    // A provisional answer (the library's smaller sources while bars are drawn) is not final either.
    const answer: { provisional?: boolean } = {};
    if (!vector) {
      const hits = this.lexicalRelated(text, options, answer);
      return { hits, final: !this.fuses && !answer.provisional };
    }
    return { hits: this.semantic!.relatedWith(vector, this.lexicalRelated(text, { ...options, limit: depth(options.limit) }, answer), options), final: !answer.provisional };
  }

  /**
   * The search box (SearchIndex.searchBox); an answer from the context ranking is fused with meaning.
   * A shared corpus's hits join the library's by their scores, each list ranked with the union's
   * statistics (the library's papers and document frequencies counted with the corpus's, and the
   * corpus's with the library's: OtherStatistics), so the merge ranks as one index over both would.
   * Each source alone scored with its own: 89 library papers beside a corpus of 5,264 gave typed
   * queries tune R@1 0.368 against one index's 0.789 (bench/pg-merge.ts, docs/postgresql.md). Not
   * as shares of each list's best either: shares tied every list's best, however weak, at the top
   * (halves, tune citing R@1 0.450 by shares, 0.824 by score). The library is ranked once the
   * shared corpora have answered (or their deadline passed), with the statistics of those that did,
   * and every list by the same ranking (typed when any source has a paper matching every typed word).
   * The search panel and `litlens search` both rank here.
   */
  async search(query: string, options: { limit: number; mode?: SearchMode }): Promise<Hit[]> {
    this.answering();
    const { limit } = options;
    if (this.shared.length === 0) return this.searchLocal(query, options);
    // One ranking for all, as one index decides it: typed when any source has a paper matching every typed word.
    const asked = options.mode ?? this.index.searchModeOf(query);
    const mine = this.index.ownStatistics();
    const answers = await Promise.all(this.shared.map((s) => deadline(s.searchWith(query, limit, mine, asked), this.sharedDeadlineMs, null)));
    const came = answers.filter((a) => a !== null);
    const mode = asked ?? (came.some((a) => a.mode === 'typed') ? 'typed' : undefined);
    const local = await this.searchLocal(query, { limit, mode, others: together(came.map((a) => a.statistics)) });
    return merge(local, [merge([], came.map((a) => a.hits), limit)], limit);
  }

  private async searchLocal(query: string, options: { limit: number; mode?: SearchMode; others?: OtherStatistics }): Promise<Hit[]> {
    const { limit } = options;
    const { hits, mode } = this.index.searchBox(query, { limit: this.fuses ? depth(limit) : limit, mode: options.mode, others: options.others });
    if (!this.fuses || mode !== 'context') return hits.slice(0, limit);
    try {
      return await this.semantic!.search(query, hits, { limit });
    } catch {
      return hits.slice(0, limit);
    }
  }
}

/** `options` with the document's own entries (RelatedLimits.document.self) left out as the paragraph's citations are. */
function leavingOutSelf(options: RelatedLimits): RelatedLimits {
  const self = options.document?.self;
  return self?.length ? { ...options, exclude: new Set([...(options.exclude ?? []), ...self]) } : options;
}

/** `hits` less the papers `exclude` leaves out (the nearest by meaning join after the lexical rule left them out). */
function unexcluded(hits: Hit[], options: RelatedLimits): Hit[] {
  const exclude = options.exclude;
  return exclude?.size ? hits.filter((h) => !exclude.has(h.paper.key)) : hits;
}

/** What a shared corpus is asked for related papers (it has no `within`: a source of its own). */
function sharedOptions(options: RelatedLimits): RelatedOptions {
  return { limit: options.limit, threshold: options.threshold, relative: options.relative, exclude: options.exclude };
}

/** The document the field rule judges a shared corpus by (as lexicalRelated: a gated answer for a passage of a known document). */
function judged(options: RelatedLimits): RelatedLimits['document'] | undefined {
  return options.threshold > 0 ? options.document : undefined;
}

/** Keeps `value` as the newest of at most `most` entries (the oldest goes first). */
export function remember<V>(map: Map<string, V>, key: string, value: V, most = CHANCE_DOCUMENTS): void {
  map.delete(key);
  if (map.size >= most) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** A set's members as one string key, in their order ('' for none). */
function setKey(set: ReadonlySet<string> | undefined): string {
  return set ? `${set.size}\u0000${[...set].join('\u0000')}` : '';
}

/** The papers of some sources together. */
function papersOf(sources: readonly { papers: number }[]): number {
  return sources.reduce((n, s) => n + s.papers, 0);
}

/** The field rule's cache key: the document, its cited titles, the corpora judged. */
function fieldKey(document: NonNullable<RelatedLimits['document']>, corpora: SearchIndex['sources']): string {
  return `${document.id}\u0001${(document.cites ?? []).join('\u0002')}\u0001${corpora.map((s) => `${s.id}:${s.hash}`).join('\u0000')}`;
}

/** The cited entries the field rule ranks: up to FIELD_SAMPLE, evenly spread. */
function pickedCites(cites: readonly string[]): number[] {
  const step = Math.max(1, cites.length / FIELD_SAMPLE);
  return Array.from({ length: Math.min(FIELD_SAMPLE, cites.length) }, (_, i) => Math.floor(i * step));
}

/** Words of a passage, as the chance bar counts them. */
function wordsIn(text: string): number {
  return text.match(/[\p{L}][\p{L}\p{N}'-]*/gu)?.length ?? 0;
}

/**
 * How long a hover, the search panel or Show Related Papers waits for a shared corpus before
 * answering without it: about the editor's own hover delay (VS Code's editor.hover.delay, 300 ms),
 * so a hover never feels slower for a lab's server. Not a setting: an answer that comes later is
 * kept (SharedCorpus) and is there at once for the next request, so a slow server delays its papers
 * by one request rather than every request by more.
 */
export const SHARED_DEADLINE_MS = 300;

/** The promise's answer, or `none` when it fails (SharedUnavailable) or is not done within `ms`. */
async function deadline<T>(answer: Promise<T>, ms: number, none: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(none), ms)));
  try {
    return await Promise.race([answer.catch((err) => (err instanceof SharedUnavailable ? none : Promise.reject(err))), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lists of hits into one, best score first, each key once (the first list's paper wins), at most
 * `limit`. `relative`: scores are compared as shares of each list's best (completion, whose scores
 * are each index's own blend); otherwise as they are (related: 0..1 everywhere; the search box:
 * see Ranker.search).
 */
function merge(first: Hit[], others: Hit[][], limit: number, relative = false): Hit[] {
  if (others.every((o) => o.length === 0)) return first;
  const scaled = (list: Hit[]) => {
    const best = relative ? Math.max(...list.map((h) => h.score)) : 1;
    return list.map((h) => ({ hit: h, score: best > 0 ? h.score / best : 0 }));
  };
  const seen = new Set(first.map((h) => h.paper.key));
  const all = scaled(first);
  for (const list of others) for (const x of scaled(list)) if (!seen.has(x.hit.paper.key)) (seen.add(x.hit.paper.key), all.push(x));
  return all
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.hit);
}

/** Several sources' statistics as one (their papers and document frequencies summed); undefined for none. */
function together(all: OtherStatistics[]): OtherStatistics | undefined {
  if (all.length <= 1) return all[0];
  const sum = (f: (o: OtherStatistics) => number) => all.reduce((n, o) => n + f(o), 0);
  return { key: all.map((o) => o.key).join('+'), papers: sum((o) => o.papers), df: (stem) => sum((o) => o.df(stem)), typedDf: (word) => sum((o) => o.typedDf(word)) };
}

/** How many lexical hits a fusion asking for `limit` takes. */
function depth(limit: number): number {
  return Math.max(FUSION_DEPTH, limit);
}

// The one ranking rule: lexical answers while meaning cannot take part, fusion when it can, and a
// failing model never takes the lexical answer with it. (Fusion with a real model: semantic/.)
import { strict as assert } from 'node:assert';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex, type Hit } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import type { SemanticIndex } from '../../../server/src/search/semantic';
import { corpusPapers } from './corpus';

const keys = (hits: { paper: Paper }[]) => hits.map((h) => h.paper.key);
const SENTENCE = 'Agents that plan with a learned dynamics model reach superhuman play in Atari and Go';
const limits = { limit: 5, threshold: 0.3 };

describe('search: the ranking rule', () => {
  let index: SearchIndex;
  before(async () => {
    index = SearchIndex.build(await corpusPapers());
  });

  it('without embeddings, answers with the lexical rankings', async () => {
    const ranker = new Ranker(index);
    assert.deepEqual(keys(ranker.completion('', SENTENCE, 5)), keys(index.completion('', SENTENCE, { limit: 5 })));
    assert.deepEqual(keys(await ranker.related(SENTENCE, limits)), keys(index.related(SENTENCE, limits)));
    assert.deepEqual(ranker.relatedNow(SENTENCE, limits), { hits: index.related(SENTENCE, limits), final: true });
    assert.deepEqual(keys(await ranker.search('masterng atar', { limit: 3 })), keys(index.search('masterng atar', { limit: 3 })));
    assert.equal(keys(ranker.completion('', SENTENCE, 5))[0], 'mastering-atari-go');
  });

  it('a model that fails answers lexically; one still computing a vector never makes the keystroke wait', async () => {
    let asked = 0;
    const failing = {
      ready: true,
      embedQuery: () => Promise.reject(new Error('the model process died')),
      queryVectorIfReady: () => (asked++, undefined),
    } as unknown as SemanticIndex;
    const ranker = new Ranker(index, failing);
    assert.deepEqual(keys(await ranker.related(SENTENCE, limits)), keys(index.related(SENTENCE, limits)));
    assert.deepEqual(keys(await ranker.search(SENTENCE, { limit: 5 })), keys(index.search(SENTENCE, { limit: 5 })));
    assert.deepEqual(keys(ranker.completion('', SENTENCE, 5)), keys(index.completion('', SENTENCE, { limit: 5 })));
    const now = ranker.relatedNow(SENTENCE, limits);
    assert.deepEqual([keys(now.hits), now.final], [keys(index.related(SENTENCE, limits)), false]);
    assert.equal(asked, 2);
  });

  it('fuses with the semantic neighbours once a vector is known, fetching the lexical list deep enough', () => {
    const lexicalLimits: number[] = [];
    const spy = Object.create(index, { related: { value: (text: string, o: { limit: number; threshold: number }) => (o.threshold > 0 && lexicalLimits.push(o.limit), index.related(text, o)) } });
    const vector = new Float32Array(4);
    const semantic = {
      ready: true,
      queryVectorIfReady: () => vector,
      relatedWith: (v: Float32Array, lexical: Hit[], o: { limit: number }) => (assert.equal(v, vector), lexical.slice(0, o.limit)),
    } as unknown as SemanticIndex;
    const now = new Ranker(spy, semantic).relatedNow(SENTENCE, limits);
    assert.equal(now.final, true);
    assert.equal(keys(now.hits)[0], 'mastering-atari-go');
    assert.deepEqual(lexicalLimits, [50]);
  });

  it('warm draws the gate\'s bars one query per event-loop turn: a request waits behind one query at most', async function () {
    this.timeout(20000);
    let queries = 0;
    // A bar's query in the background ranks in steps (relatedSteps): counted when it starts.
    const spy = Object.create(index, {
      related: { value: (text: string, o: object) => (queries++, index.related(text, o)) },
      relatedSteps: { value: (text: string, o: object) => (queries++, index.relatedSteps(text, o)) },
    });
    const ranker = new Ranker(spy);
    let done = false;
    const warming = ranker.warm().then(() => (done = true));
    // A request (a hover on a key) arriving in each turn while warm runs: how many queries ran before it.
    const before: number[] = [];
    while (!done) {
      const at = queries;
      await new Promise((resolve) => setImmediate(resolve));
      before.push(queries - at);
    }
    await warming;
    assert.ok(queries > 100, `warm drew ${queries} queries`);
    assert.ok(before.length >= queries, `${before.length} turns for ${queries} queries`);
    assert.equal(before.reduce((a, b) => Math.max(a, b), 0), 1);
    // What warm drew, a request does not draw again.
    queries = 0;
    ranker.relatedNow(SENTENCE, limits);
    assert.equal(queries, 1);
  });

  it('warm draws nothing while requests keep coming, and finishes once they pause', async function () {
    this.timeout(20000);
    let drawn = 0;
    const counted = (o: { threshold: number; limit: number }) => o.threshold === 0 && o.limit === 1 && drawn++;
    const spy = Object.create(index, {
      related: { value: (text: string, o: { threshold: number; limit: number }) => (counted(o), index.related(text, o)) },
      relatedSteps: { value: (text: string, o: { threshold: number; limit: number }) => (counted(o), index.relatedSteps(text, o)) },
    });
    const ranker = new Ranker(spy);
    ranker.completion('', SENTENCE, 5);
    const warming = ranker.warm();
    // Requests one after another (25 keystrokes' completions, one per event-loop turn).
    for (let i = 0; i < 25; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      ranker.completion('', `${SENTENCE} ${i}`, 5);
    }
    assert.equal(drawn, 0);
    await warming;
    assert.ok(drawn > 100, `warm drew ${drawn} queries`);
  });

  it('the bars warm drew, saved and given to a new ranker over the same index, are not drawn again: the same answers', async function () {
    this.timeout(20000);
    let queries = 0;
    const spy = Object.create(index, { related: { value: (text: string, o: object) => (queries++, index.related(text, o)) } });
    const warmed = new Ranker(spy);
    let drawn = 0;
    await warmed.warm(() => drawn++);
    assert.ok(drawn > 5, `warm told of ${drawn} bars drawn`);
    const bars = JSON.parse(JSON.stringify(warmed.drawnBars())); // as saved (Workspace: gateBars.ts)
    const document = { id: 'paper.tex', prose: '', cites: index.sample('default', 6).map((p) => p.title) };
    const passages = [SENTENCE, 'Carbon emissions of training', `${SENTENCE} in a long paragraph about planning with models and search over many games of skill`];
    const asked = (r: Ranker) => passages.map((p) => keys(r.relatedNow(p, { ...limits, document }).hits));
    const seeded = new Ranker(spy);
    queries = 0;
    assert.equal(seeded.seedBars(bars), true);
    assert.equal(queries, 1, 'the probe only');
    queries = 0;
    const answers = asked(seeded);
    assert.equal(queries, passages.length + document.cites.length, 'each passage and the field judgement of its cited titles; no bar drawn');
    assert.deepEqual(answers, asked(new Ranker(index)), 'the answers of a ranker that draws its own bars');
    // Bars of another ranking (the probe scores otherwise) are not taken.
    const other = new Ranker(index);
    assert.equal(other.seedBars({ ...bars, probe: { ...bars.probe, score: bars.probe.score + 1e-9 } }), false);
    queries = 0;
    await seeded.warm();
    assert.equal(queries, 0, 'warm finds every bar drawn');
  });

  describe('a library over drawOnRequest papers, before its bars are drawn', () => {
    const own: Paper[] = [
      { key: 'own-planning', title: 'Planning with a learned dynamics model in Atari games', authors: ['Moss, Eli'], origin: { file: 'own.bib', line: 1, kind: 'bibtex' } },
      ...[
        'Glacier retreat in alpine valleys over the last century',
        'Meltwater pathways beneath a temperate glacier in spring',
        'Surface mass balance of mountain glaciers from repeated surveys',
        'Debris cover and its effect on the ablation of valley glaciers',
        'Ice flow velocities measured with satellite radar interferometry',
        'Snow accumulation patterns across a high alpine cirque',
      ].map((title, i): Paper => ({ key: `own-glaciers-${i}`, title, authors: ['Moss, Eli'], origin: { file: 'own.bib', line: 9 + i, kind: 'bibtex' } })),
    ];
    let library: SearchIndex;
    // Queries that search the large source (the bundled corpus here): what a bar costs at a million papers.
    let large = 0;
    let spy: SearchIndex;
    before(async () => {
      library = SearchIndex.fromSources([
        { id: 'corpus', papers: await corpusPapers(), kind: 'corpus' },
        { id: 'own.bib', papers: own, kind: 'workspace' },
      ]);
      // Bars drawn in the background rank in steps (relatedSteps): counted too.
      const counted = (o: { within?: ReadonlySet<string> }) => (!o.within || o.within.has('corpus') ? large++ : 0);
      spy = Object.create(library, {
        related: { value: (text: string, o: { within?: ReadonlySet<string> }) => (counted(o), library.related(text, o)) },
        relatedSteps: { value: (text: string, o: { within?: ReadonlySet<string> }) => (counted(o), library.relatedSteps(text, o)) },
      });
    });
    const small = (r: Ranker) => new Ranker(r.index, null, [], undefined, own.length);
    const cites = () => library.sample('corpus', 6).map((p) => p.title);

    for (const [name, document] of [
      ['a text alone', undefined],
      ['a passage of a document the field rule judges (its cited titles)', { id: 'paper.tex', prose: '' }],
    ] as const) {
      it(`${name}: answered at once from the smaller sources, no bar drawn over the large one; the whole answer once the bars are drawn in a pause`, async function () {
        this.timeout(30000);
        const doc = document && { ...document, cites: cites() };
        const ranker = small(new Ranker(spy));
        large = 0;
        const first = ranker.relatedNow(SENTENCE, { ...limits, document: doc });
        assert.equal(large, 0, 'no query over the large source');
        assert.equal(first.final, false, 'a provisional answer: code lenses ask again');
        assert.deepEqual(keys(first.hits), ['own-planning']);
        assert.deepEqual(await ranker.related(SENTENCE, { ...limits, document: doc }).then(keys), ['own-planning']);
        await ranker.barsDrawn();
        assert.ok(large >= 16, `the bars drawn in the background: ${large} queries`);
        const whole = ranker.relatedNow(SENTENCE, { ...limits, document: doc });
        assert.equal(whole.final, true);
        // What a ranker that draws every bar on the request answers.
        assert.deepEqual(keys(whole.hits), keys(new Ranker(library).relatedNow(SENTENCE, { ...limits, document: doc }).hits));
        assert.ok(whole.hits.some((h) => !h.paper.key.startsWith('own-')), 'the corpus joins the answer');
      });
    }

    it('a library within drawOnRequest draws its bars on the request, as before', () => {
      const ranker = new Ranker(spy);
      large = 0;
      const answer = ranker.relatedNow(SENTENCE, limits);
      assert.ok(large > 16);
      assert.equal(answer.final, true);
    });
  });

  it('a passage asked again the same way is answered from memory, the same answer', () => {
    let queries = 0;
    const spy = Object.create(index, { related: { value: (text: string, o: object) => (queries++, index.related(text, o)) } });
    const ranker = new Ranker(spy);
    const first = ranker.relatedNow(SENTENCE, limits);
    queries = 0;
    assert.deepEqual(ranker.relatedNow(SENTENCE, limits), first);
    assert.equal(queries, 0);
    // Anything else asked is asked of the index.
    assert.deepEqual(keys(ranker.relatedNow(SENTENCE, { ...limits, limit: 2 }).hits), keys(first.hits).slice(0, 2));
    ranker.relatedNow(SENTENCE, { ...limits, exclude: new Set(['mastering-atari-go']) });
    assert.equal(queries, 2);
  });
});

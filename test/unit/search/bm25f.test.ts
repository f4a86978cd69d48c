import { strict as assert } from 'node:assert';
import type { Paper } from '../../../server/src/library/paper';
import { PLAIN_BM25F, PlainBm25f, bm25Idf, bm25fScore, fieldCounts, queryStems } from '../../../server/src/search/bm25f';
import { SearchIndex } from '../../../server/src/search';
import { ChanceBar, LISTED, OVER_CHANCE, evidenceNeeded, normalisedScore, opensGate, pastBar } from '../../../server/src/search/gate';

const paper = (key: string, title: string, abstract?: string): Paper =>
  ({ key, title, abstract, authors: [], origin: { kind: 'workspace', file: 'refs.bib', line: 1 } }) as unknown as Paper;

describe('search: plain BM25F (the baseline and the related ranking)', () => {
  const papers = [
    paper('a', 'Glacier mass balance', 'Glaciers lose mass as summers warm.'),
    paper('b', 'Cement kilns', 'Limestone calcination releases carbon.'),
    paper('c', 'Alpine hydrology', 'Meltwater from glacier ice feeds rivers in spring and summer.'),
  ];

  it('scores one paper by the formula: title x2 + abstract, each normalised by its own length', () => {
    const plain = PlainBm25f.build(papers);
    const stems = queryStems('glacier');
    const doc = fieldCounts(papers[0]);
    const { avgTitle, avgAbstract } = plain.stats;
    const tf = (2 * 1) / (1 - 0.75 + (0.75 * doc.titleLength) / avgTitle) + (1 * 1) / (1 - 0.75 + (0.75 * doc.abstractLength) / avgAbstract);
    const expected = bm25Idf(2, 3) * (tf / (1.2 + tf));
    assert.ok(Math.abs(bm25fScore(stems, doc, plain.stats, PLAIN_BM25F) - expected) < 1e-12);
  });

  it('ranks a title match first, leaves out papers sharing no word, and lists best first', () => {
    const hits = PlainBm25f.build(papers).rank('glacier summer', 10);
    assert.deepEqual(
      hits.map((h) => h.paper.key),
      ['a', 'c'],
    );
    assert.ok(hits[0].score > hits[1].score);
  });
});

describe('search: the related ranking is plain BM25F (issue 17)', () => {
  const related = (papers: Paper[], text: string) =>
    SearchIndex.build(papers)
      .related(text, { limit: 10, threshold: 0 })
      .map((h) => h.paper.key)
      // After BM25F's list: papers that share only an author, venue or key word (BM25F scores them 0).
      .slice(0, baseline(papers, text).length);
  const baseline = (papers: Paper[], text: string) =>
    PlainBm25f.build(papers)
      .rank(text, 10)
      .map((h) => h.paper.key);

  it('counts df over titles and abstracts, not the venue or authors the index also holds', () => {
    // "glacier" is in ten venues: BM25F's df of it is 1 (paper a), so a's title match beats b's.
    const papers = [
      paper('a', 'Glacier', 'Kiln.'),
      paper('b', 'Kiln', 'Glacier.'),
      paper('c', 'Cement', 'A kiln fired with coal.'),
      ...Array.from({ length: 10 }, (_, i) => ({ ...paper(`v${i}`, `Moraine survey ${i}`, 'Sediment cores.'), venue: 'Glacier Review', authors: ['Glacier, Ann'] })),
    ];
    assert.deepEqual(baseline(papers, 'glacier kiln').slice(0, 2), ['a', 'b']);
    assert.deepEqual(related(papers, 'glacier kiln'), baseline(papers, 'glacier kiln'));
  });

  it("finds BM25F's best paper when it holds none of the 32 terms the index's candidates keep", () => {
    const word = (i: number) => `x${String.fromCharCode(98 + Math.floor(i / 20))}${String.fromCharCode(98 + (i % 20))}q`;
    const rare = Array.from({ length: 32 }, (_, i) => word(i));
    const common = Array.from({ length: 8 }, (_, i) => word(40 + i));
    const long = 'sediment core layer sample drill site depth record '.repeat(4);
    const papers = [
      // Each rare word once, deep in a long abstract; each common word in five such papers.
      ...rare.map((w, i) => paper(`r${i}`, `Survey ${i}`, `${long} ${w}.`)),
      ...common.flatMap((w, i) => Array.from({ length: 5 }, (_, j) => paper(`c${i}-${j}`, `Record ${i} ${j}`, `${long} ${w}.`))),
      paper('target', common.join(' '), 'All the common words in the title.'),
    ];
    const text = [...rare, ...common].join(' ');
    assert.equal(baseline(papers, text)[0], 'target');
    assert.deepEqual(related(papers, text), baseline(papers, text));
  });
});

describe('search: the related gate (gate.ts)', () => {
  it('asks more shared topical evidence of a longer passage, and only what a name has of a name', () => {
    assert.equal(evidenceNeeded({ words: 12, mass: 0 }), 2);
    assert.ok(Math.abs(evidenceNeeded({ words: 40, mass: 20 }) - 3.4) < 1e-9);
    assert.equal(evidenceNeeded({ words: 1, mass: 1 }), 1);
  });

  it('without a null, opens on a paper that reaches the threshold with enough evidence (the absolute rule)', () => {
    const passage = { words: 12, mass: 6 };
    assert.ok(opensGate(passage, { score: 0.4, ranked: 0.4, shared: 5, evidence: 3 }, 0.3));
    assert.ok(!opensGate(passage, { score: 0.4, ranked: 0.4, shared: 5, evidence: 2 }, 0.3), 'generic or coincidental words only');
    assert.ok(!opensGate(passage, { score: 0.29, ranked: 0.4, shared: 5, evidence: 3 }, 0.3));
  });

  it('with a null, opens on a paper whose evidence and score together beat chance OVER_CHANCE times, whatever its absolute score', () => {
    const passage = { words: 12, mass: 6 }; // needs 2.42 topical words
    const chance = 0.4; // what the top paper of a random passage of this length scores
    // Under the old absolute cut (0.25 < 0.3) but 3 / 2.42 x 0.25 / 0.4 = 0.77 over chance: open.
    assert.ok(opensGate(passage, { score: 0.2, ranked: 0.25, shared: 5, evidence: 3 }, 0.3, chance));
    assert.ok(!opensGate(passage, { score: 0.2, ranked: 0.2, shared: 5, evidence: 3 }, 0.3, chance), '0.62 over chance');
    // A high score on coincidental words is not enough: 1 / 2.42 x 0.6 / 0.4 = 0.62.
    assert.ok(!opensGate(passage, { score: 0.6, ranked: 0.6, shared: 5, evidence: 1 }, 0.3, chance));
    // A higher litlens.relatedThreshold asks for more: twice the default, twice OVER_CHANCE.
    assert.ok(!opensGate(passage, { score: 0.2, ranked: 0.25, shared: 5, evidence: 3 }, 0.6, chance));
    assert.ok(opensGate(passage, { score: 0.2, ranked: 0.5, shared: 5, evidence: 3 }, 0.6, chance));
    assert.ok(!opensGate(passage, { score: 0.9, ranked: 0.9, shared: 1, evidence: 3 }, 0.3, chance), 'one shared word');
    assert.equal(OVER_CHANCE, 0.75);
  });

  it('the per-paper bar: once the gate is open, the first paper and those reaching LISTED x chance are listed, in order', () => {
    const hits = [0.5, 0.3, 0.29, 0.2, 0.1].map((score) => ({ score }));
    assert.deepEqual(pastBar(hits, 0.3 / LISTED + 1e-9), [hits[0]]);
    assert.deepEqual(pastBar(hits, 0.29 / LISTED), hits.slice(0, 3));
    assert.deepEqual(pastBar(hits, 0), hits, 'no null: no bar');
  });

  it('puts a passage\'s ideal at 1 and a paper holding nothing at 0', () => {
    assert.equal(normalisedScore(10, 10, 8, 8), 1);
    assert.equal(normalisedScore(0, 10, 0, 8), 0);
  });

  it('a null: chance per passage length, drawn once from some prose\'s own words, the 90th percentile of random passages\' top scores', () => {
    const prose = Array.from({ length: 300 }, (_, i) => `word${i % 37}`).join(' ');
    let calls = 0;
    const bar = new ChanceBar(prose, (text) => {
      calls++;
      return text.split(' ').length / 100;
    });
    // Random passages of ~20 words score ~0.2 here: chance is that.
    assert.ok(bar.bar(20) > 0.15 && bar.bar(20) < 0.25, String(bar.bar(20)));
    const asked = calls;
    assert.equal(bar.bar(19), bar.bar(20), 'lengths 19 and 20 share a bar');
    assert.equal(calls, asked, 'a bar is drawn once');
    assert.equal(new ChanceBar('too few words to judge', () => 1).bar(5), 0);
  });
});

// The related gate over the user's own libraries (gate.ts ownOpens): a titles-only .bib with a null
// lists its papers the ranking has; a corpus of the same papers keeps the stricter gate (evidence
// and score together over chance).
import { strict as assert } from 'node:assert';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex } from '../../../server/src/search';
import { LISTED, ownListed, ownOpens, pastBar } from '../../../server/src/search/gate';
import { Ranker } from '../../../server/src/search/rank';

// Invented titles of one field (hydrology), no abstracts: what a user's .bib often holds.
const TITLES = [
  'Earlier snowmelt timing in alpine catchments',
  'Groundwater recharge under irrigated cropland',
  'Sediment transport during flash floods in arid basins',
  'Evapotranspiration estimates from eddy covariance towers',
  'Glacier retreat and summer streamflow',
  'Soil moisture memory and drought onset',
  'Rain-on-snow events in maritime mountain ranges',
  'Karst aquifer response to heavy rainfall',
  'River ice breakup and jam flooding',
  'Urban runoff and impervious surface cover',
  'Wetland storage and peak flow attenuation',
  'Permafrost thaw and subsurface drainage',
  'Nitrate leaching below the root zone',
  'Reservoir operation for flood control',
  'Hillslope connectivity during storm events',
  'Baseflow separation with recursive digital filters',
  'Stable isotopes trace water age in headwater streams',
  'Lake evaporation under a warming climate',
  'Canopy interception in temperate forests',
  'Floodplain inundation mapping from satellite radar',
  'Saltwater intrusion into coastal aquifers',
  'Hyporheic exchange in gravel bed rivers',
  'Snow water equivalent from passive microwave sensing',
  'Catchment travel times and solute export',
  'Dam removal and channel adjustment',
  'Drought propagation from precipitation to groundwater',
  'Infiltration capacity of compacted soils',
  'Stream temperature and riparian shading',
  'Land cover change and annual water yield',
  'Tile drainage and phosphorus loads',
  'Monsoon rainfall variability and river discharge',
  'Debris flow initiation on burned slopes',
  'Aquifer storage loss from land subsidence',
  'Frozen ground and spring runoff generation',
  'Preferential flow through macropores',
  'Water balance closure in large basins',
  'Estuary mixing and tidal river flow',
  'Peatland water tables after restoration',
  'Beaver dams raise riparian water tables',
  'Fog drip as a water source in coastal forests',
];
const titlesOnly = (kind: 'bibtex' | 'corpus') =>
  TITLES.map((title, i) => ({ key: `h${i}`, title, authors: [], origin: { kind, file: 'refs.bib', line: i + 1 } }) as unknown as Paper);
// A real citing sentence in other words: it shares "snowmelt" and "earlier" with its paper's title, little else.
const CITING = 'In the last decade the spring pulse has come earlier as snowmelt starts weeks before it used to';
const limits = { limit: 20, threshold: 0.3, relative: 0 };

describe('search: the related gate over the user\'s own libraries', () => {
  it('a titles-only .bib lists its paper for a citing sentence that shares a word or two with its title', () => {
    const ranker = new Ranker(SearchIndex.fromSources([{ id: 'refs.bib', papers: titlesOnly('bibtex') }]));
    const hits = ranker.relatedNow(CITING, limits).hits;
    assert.equal(hits[0]?.paper.key, 'h0');
    assert.ok(hits.length < TITLES.length, 'papers sharing no word are left out');
  });

  it('a small .bib (ten titles, under 200 words) has a null of its own, so its paper is listed too', () => {
    const small = titlesOnly('bibtex').slice(0, 10);
    assert.ok(small.map((p) => p.title).join(' ').split(' ').length < 200);
    const hits = new Ranker(SearchIndex.fromSources([{ id: 'refs.bib', papers: small }])).relatedNow(CITING, limits).hits;
    assert.equal(hits[0]?.paper.key, 'h0');
  });

  it('the same papers as a corpus keep the stricter gate', () => {
    const corpus = new Ranker(SearchIndex.fromSources([{ id: 'corpus', papers: titlesOnly('corpus'), kind: 'corpus' }]));
    assert.deepEqual(corpus.relatedNow(CITING, limits).hits, []);
  });

  it('a text sharing no word with the library gets nothing', () => {
    const ranker = new Ranker(SearchIndex.fromSources([{ id: 'refs.bib', papers: titlesOnly('bibtex') }]));
    assert.deepEqual(ranker.relatedNow('Knead the dough for ten minutes, then bake the loaf until golden', limits).hits, []);
  });

  it('an own-library paper is listed on a word specific in its own source, not on words a fifth of its titles hold', () => {
    const bayes = ['aquifer parameters', 'flood frequency', 'rating curves', 'snow density', 'soil hydraulic properties', 'evaporation rates', 'river bathymetry', 'tracer ages', 'drought indices', 'recharge rates'];
    const bayesian = (n: number) => bayes.slice(0, n).map((t, i) => ({ key: `b${i}`, title: `Bayesian inference of ${t}`, authors: [], origin: { kind: 'bibtex', file: 'refs.bib', line: 100 + i } }) as unknown as Paper);
    const passage = 'We use Bayesian inference to model the earlier snowmelt in alpine catchments';
    // Ten of fifty titles say "Bayesian inference": in this .bib the words single nothing out.
    const field = SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), ...bayesian(10)] }]);
    assert.ok(field.related(passage, { limit: 20, threshold: 0 }).some((h) => h.paper.key.startsWith('b')), 'the ranking has them');
    const hits = new Ranker(field).relatedNow(passage, limits).hits.map((h) => h.paper.key);
    assert.equal(hits[0], 'h0');
    assert.deepEqual(hits.filter((k) => k.startsWith('b')), [], hits.join(' '));
    // One such title in a .bib of another field: there the words are specific, and it is listed.
    const one = new Ranker(SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), ...bayesian(1)] }])).relatedNow(passage, limits).hits;
    assert.ok(one.some((h) => h.paper.key === 'b0'), one.map((h) => h.paper.key).join(' '));
  });

  it('one general-science word ("simulating") alone lists no own-library paper; a field word does', () => {
    const simulating = { key: 's0', title: 'Simulating reservoir sedimentation', authors: [], origin: { kind: 'bibtex', file: 'refs.bib', line: 99 } } as unknown as Paper;
    const index = SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), simulating] }]);
    const passage = 'We are simulating the earlier snowmelt in alpine catchments';
    assert.ok(index.related(passage, { limit: 20, threshold: 0 }).some((h) => h.paper.key === 's0'), 'the ranking has it');
    const hits = new Ranker(index).relatedNow(passage, limits).hits.map((h) => h.paper.key);
    assert.equal(hits[0], 'h0');
    assert.ok(!hits.includes('s0'), hits.join(' '));
    assert.ok(!ownListed(0.5, 1) && !ownListed(0.5, 2) && ownListed(0.5, 3), 'a general-science word beside two more shared words');
    assert.ok(ownListed(1, 1) && !ownListed(0, 5));
  });

  it('a hyphenated compound of generic parts ("state-space") is specific where few titles hold both parts ("state space")', () => {
    const own = (key: string, title: string) => ({ key, title, authors: [], origin: { kind: 'bibtex', file: 'refs.bib', line: 99 } }) as unknown as Paper;
    const index = SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), own('k0', 'Recursive filters in state space form')] }]);
    const compound = 'We write the snowmelt model in state-space form with daily inputs';
    assert.ok(index.related(compound, { limit: 20, threshold: 0 }).some((h) => h.paper.key === 'k0'), 'the ranking has it');
    const hits = new Ranker(index).relatedNow(compound, limits).hits.map((h) => h.paper.key);
    assert.ok(hits.includes('k0'), hits.join(' '));
    // The same generic words apart say nothing of the paper.
    const apart = new Ranker(index).relatedNow('The snowmelt model keeps its state in a small space each day', limits).hits.map((h) => h.paper.key);
    assert.ok(!apart.includes('k0'), apart.join(' '));
  });

  it('a paper sharing only a venue word (BM25F 0) follows in a ranking, but no gated list names it; one whose author the passage names still is', () => {
    const entry = (key: string, title: string, more: object) => ({ key, title, authors: [], origin: { kind: 'bibtex', file: 'refs.bib', line: 99 }, ...more }) as unknown as Paper;
    const venue = entry('v0', 'Sorting networks in reconfigurable hardware', { venue: 'Letters of the Decade' });
    const author = entry('a0', 'Parsing wiki markup at scale', { authors: ['Ingrid Oyelaran'] });
    const index = SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), venue, author] }]);
    const passage = `${CITING}, as Oyelaran noted`;
    const ranked = index.related(passage, { limit: 50, threshold: 0 });
    assert.equal(ranked.find((h) => h.paper.key === 'v0')?.score, 0, 'the ranking has it, at 0');
    const hits = new Ranker(index).relatedNow(passage, limits).hits;
    assert.equal(hits[0]?.paper.key, 'h0');
    assert.ok(!hits.some((h) => h.paper.key === 'v0'), hits.map((h) => `${h.paper.key} ${h.score}`).join(', '));
    assert.ok(hits.some((h) => h.paper.key === 'a0'), 'the passage names its author');
  });

  it("the words of the document's own title are no evidence for one passage of it: a paragraph that only names the package gets not the package's entry", () => {
    const own = (key: string, title: string) => ({ key, title, authors: [], origin: { kind: 'bibtex', file: 'refs.bib', line: 99 } }) as unknown as Paper;
    const ranker = new Ranker(SearchIndex.fromSources([{ id: 'refs.bib', papers: [...titlesOnly('bibtex'), own('f0', 'Floodnet: software for inundation maps'), own('g0', 'Telemetry for stream gauge networks')] }]));
    const document = { id: 'file:///paper.md', prose: 'Floodnet draws inundation maps from gauges.', title: 'Floodnet: inundation maps for everyone' };
    const names = 'Floodnet is installed with one command and reads its settings once';
    assert.deepEqual(ranker.relatedNow(names, limits).hits.map((h) => h.paper.key), ['f0'], 'a text alone: the name is specific in the .bib');
    assert.deepEqual(ranker.relatedNow(names, { ...limits, document }).hits, []);
    const gauges = 'Floodnet polls every stream gauge of the telemetry network each hour';
    const listed = ranker.relatedNow(gauges, { ...limits, document }).hits.map((h) => h.paper.key);
    assert.equal(listed[0], 'g0', 'a paper sharing words of the passage itself is still listed');
    assert.ok(!listed.includes('f0'), listed.join(' '));
  });

  it('own-library papers need a library null and no bar of their own; corpus papers keep LISTED x chance', () => {
    assert.ok(ownOpens(0.4));
    assert.ok(!ownOpens(0), 'no null: the absolute rule decides');
    const hits = [0.5, 0.3, 0.25, 0.19].map((score, i) => ({ score, own: i !== 1 }));
    // chance 0.5: the corpus paper (0.3) is under LISTED x 0.5 = 0.35; the own papers stay.
    assert.ok(LISTED * 0.5 > 0.3);
    assert.deepEqual(pastBar(hits, 0.5, (h) => h.own), [hits[0], hits[2], hits[3]]);
  });
});

describe('search: the library null is drawn ahead (Ranker.warm)', () => {
  it('once warm, the first related question asks no null query on its request', async () => {
    const index = SearchIndex.fromSources([{ id: 'refs.bib', papers: titlesOnly('bibtex') }]);
    let nullQueries = 0;
    // The nulls rank their random passages with threshold 0 and limit 1 (Ranker.topScore; in the background, in steps).
    const counted = (o: { limit: number; threshold: number }) => o.threshold === 0 && o.limit === 1 && nullQueries++;
    const spy = Object.create(index, {
      related: { value: (text: string, o: { limit: number; threshold: number }) => (counted(o), index.related(text, o)) },
      relatedSteps: { value: (text: string, o: { limit: number; threshold: number }) => (counted(o), index.relatedSteps(text, o)) },
    });
    const ranker = new Ranker(spy);
    await ranker.warm();
    assert.ok(nullQueries > 100, `the null drew ${nullQueries} passages`);
    nullQueries = 0;
    for (const text of [CITING, `${CITING} and ${CITING}`, TITLES.join(' ')]) ranker.relatedNow(text, limits);
    assert.equal(nullQueries, 0);
  });
});

// A bare \cite{ whose bibliography has more entries than litlens.maxSuggestions (20), over JSON-RPC:
// the papers from elsewhere that pass the related gate take the last of the first 20 rows, not
// rows 26 and after: bundled papers for an ML paper (test/fixtures/workspace-latex, refs.bib grown
// to 25 invented entries), a lab library's paper for a glaciology paper (workspace-glaciers), a Zotero
// paper for a long statistics paper whose own prose holds the document null shut (gate.ts ownPassesStrict).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatedItems, makeZoteroDb, type FixtureItem } from '../fixtures/zotero/make';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

/** Invented machine-learning titles: refs.bib's 24 more entries (the paper is in the corpus's field). */
const TOPICS = ['Curriculum learning', 'Contrastive pretraining', 'Sparse attention', 'Federated optimisation', 'Knowledge distillation', 'Meta learning', 'Neural architecture search', 'Label noise'];
const SETTINGS = ['for robotic grasping', 'for speech recognition', 'for protein structure'];
const MORE = TOPICS.flatMap((t) => SETTINGS.map((s) => `${t} ${s}`));

/** A .bib of invented entries PREFIX1, PREFIX2… */
const entries = (titles: readonly string[], prefix: string, author: string, firstYear: number) =>
  titles.map((title, i) => `@article{${prefix}${i + 1},\n  title = {${title}},\n  author = {${author}},\n  year = {${firstYear + i}}\n}\n`).join('\n');

/** A server (started before the suite's tests, stopped after) on a copy of `fixture`, changed by `prepare` first. */
function serverOn(fixture: string, prepare: (folder: string) => void): { folder: string; client: TestClient } {
  const s = { folder: '', client: undefined as unknown as TestClient };
  before(async () => {
    await buildOnce();
    s.folder = tempWorkspace(fixture);
    prepare(s.folder);
    s.client = TestClient.start();
    await s.client.initialize(s.folder, { cacheDir: null });
    await s.client.waitFor('litlens/status', (st: any) => st.state === 'ready', 30000);
  });
  after(async () => {
    await s.client?.stop();
    if (s.folder) fs.rmSync(s.folder, { recursive: true, force: true });
  });
  return s;
}

describe('language server over stdio: a bare \\cite{ with 25 entries in the bibliography', function () {
  this.timeout(60000);
  const s = serverOn('workspace-latex', (folder) => fs.appendFileSync(path.join(folder, 'refs.bib'), `\n${entries(MORE, 'more', 'Okafor, Ada', 2000)}`));

  it('offers every entry, with the bundled papers that pass the gate among the first 20 rows', async () => {
    const tex = path.join(s.folder, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await s.client.open(tex, 'latex', text);
    const list = await s.client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, 'board games \\cite{', 18) });
    const rows = list.items.sort((a, b) => a.sortText.localeCompare(b.sortText));
    const own = rows.filter((r) => !r.labelDetails.description.startsWith('+ '));
    assert.equal(own.length, 25, 'every entry of the bibliography is offered');
    const others = rows.map((r, i) => ({ key: r.textEdit.newText, row: i + 1, adds: r.labelDetails.description.startsWith('+ refs.bib · ') })).filter((r) => r.adds);
    assert.ok(others.length >= 1 && others.length <= 3, JSON.stringify(others));
    // The last of the first 20 rows (18-20 for three), the bibliography's other entries after them.
    assert.deepEqual(others.map((o) => o.row), [18, 19, 20].slice(3 - others.length));
    assert.ok(others.some((o) => o.key === 'mastering-atari-go'), JSON.stringify(others));
  });
});

/** A lab's library beside the glaciology paper (tier 2: in the folder, not named by the document); invented titles. */
const LAB = [
  'Sensitivity of glacier mass balance to summer air temperature in the Alps',
  'Groundwater recharge beneath irrigated valley floors',
  'Sediment transport in braided rivers during spring floods',
  'Lake ice phenology across the boreal zone',
  'Soil moisture memory and summer drought in mountain grasslands',
  'Snowpack water equivalent from passive microwave observations',
  'River temperature downstream of hydropower reservoirs',
  'Nitrate leaching from alpine pastures after snowmelt',
];

describe('language server over stdio: a bare \\cite{ in a glaciology paper with 25 entries and a lab library beside it', function () {
  this.timeout(60000);
  const s = serverOn('workspace-glaciers', (folder) => fs.writeFileSync(path.join(folder, 'lab.bib'), entries(LAB, 'lab', 'Rossi, Marta', 2016)));

  const complete = async (sentence: string, version: number) => {
    const tex = path.join(s.folder, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8').replace('\\section{Methods}', `${sentence} \\cite{}.\n\n\\section{Methods}`);
    if (version === 1) await s.client.open(tex, 'latex', text);
    else await s.client.notify('textDocument/didChange', { textDocument: { uri: uriOf(tex), version }, contentChanges: [{ text }] });
    const list = await s.client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, `${sentence} \\cite{`, sentence.length + 7) });
    return list.items.sort((a, b) => a.sortText.localeCompare(b.sortText)).map((i) => i.textEdit.newText as string);
  };

  it('offers the lab paper a sentence is about among the first 20 rows; none for a sentence about the paper\'s own work', async () => {
    const keys = await complete('Nitrate leaches from alpine pastures after the snow melts', 1);
    assert.equal(keys.indexOf('lab8'), 19, keys.join(' '));
    assert.equal(keys.filter((k) => /^glacier\d+$/.test(k)).length, 25);
    assert.ok(!keys.some((k) => !/^(glacier|lab)\d+$/.test(k)), 'no bundled ML paper: the paper is outside its field');
    const own = await complete('The stakes are drilled into the ice each spring and read again in autumn', 2);
    assert.deepEqual(own.filter((k) => !/^glacier\d+$/.test(k)), []);
  });
});

/** An invented statistics paper's bibliography: 20 entries, none on state space models or gaps in the data. */
const STATS = [
  'Bootstrap confidence intervals for skewed income distributions',
  'Quantile regression of household expenditure',
  'Mixed effects models for repeated clinical measurements',
  'Generalised additive models for crop yield',
  'Bayesian hierarchical models of hospital mortality',
  'Permutation tests for paired designs',
  'Robust regression under heavy tailed errors',
  'Lasso selection of predictors in high dimensional surveys',
  'Survival analysis of equipment failure times',
  'Multiple testing control of the false discovery rate',
  'Cross validation for choosing smoothing parameters of splines',
  'Poisson regression of accident counts at road junctions',
  'Principal component analysis of questionnaire scales',
  'Logistic regression for rare disease outcomes',
  'Empirical likelihood for survey means',
  'Markov chain Monte Carlo diagnostics for convergence',
  'Kernel density estimation with adaptive bandwidth',
  'Instrumental variables in observational economic studies',
  'Seasonal adjustment of monthly retail sales',
  'Sample size planning for cluster randomised trials',
];

/** The paper: it cites 8 of its entries, and its last sentence (where \cite{ is asked) is about filling gaps with a smoother. */
const STATS_TEX = (sentence: string) => String.raw`\documentclass{article}
\begin{document}
\section{Introduction}
Incomes are skewed, so intervals for their mean are drawn by resampling \cite{stat1}. Spending is modelled at several quantiles rather than at the mean alone \cite{stat2}. Patients measured again at each visit share a random effect \cite{stat3}. Yields respond smoothly to rainfall and temperature \cite{stat4}. Mortality is pooled across hospitals of one region \cite{stat5}. Heavy tailed errors call for a robust fit \cite{stat7}. Many predictors are screened with a penalty \cite{stat8}. Failure times of pumps are censored at the end of the study \cite{stat9}.

\section{Data}
Each of the forty river gauges reports the water level every hour, and the record of each gauge runs for twelve years. Some hours are lost when a gauge fails, when its battery runs down in winter or when ice forms around the float, so that about one observation in twenty is missing, and the gaps come in runs of a few hours to several weeks. The levels follow the seasons, rise quickly after heavy rain and fall back slowly over the following days, and neighbouring gauges on one river move together with a delay of a few hours.

\section{Methods}
We write the level of each gauge as a latent state that moves as a random walk with a seasonal term, observed with noise at the hours the gauge works. The state space model is fitted by maximum likelihood, and the variance of the noise is estimated for each gauge separately. ${sentence} \cite{}. We then compare the filled series with the levels read by hand at each site, and report the error of the filled values by the length of the gap they fill. Forecasts of the next day's level come from the same model and are checked against the levels observed the next day.

\bibliography{refs}
\end{document}
`;

/**
 * The user's Zotero library: three papers on state space smoothing and gaps in records, one off topic (invented);
 * with papers of other fields beside them (OTHER_FIELDS), so the library is mixed as a real one is: the field rule
 * must not judge it outside the paper's field and drop its papers (Ranker.inFieldSources judges corpora only).
 */
const ZOTERO_ITEMS: FixtureItem[] = [
  { key: 'KALM0001', type: 'journalArticle', fields: { title: 'Kalman smoothing of state space models with missing observations', date: '2014', extra: 'Citation Key: ito2014kalman' }, creators: [{ last: 'Ito', first: 'Ren' }] },
  { key: 'KALM0002', type: 'journalArticle', fields: { title: 'Imputation of gaps in environmental sensor records', date: '2018', extra: 'Citation Key: berg2018gaps' }, creators: [{ last: 'Berg', first: 'Lena' }] },
  { key: 'KALM0003', type: 'journalArticle', fields: { title: 'Particle filters for nonlinear tracking', date: '2011', extra: 'Citation Key: moss2011particle' }, creators: [{ last: 'Moss', first: 'Tom' }] },
  { key: 'OFFT0001', type: 'journalArticle', fields: { title: 'Pollination of orchards by wild bees', date: '2016', extra: 'Citation Key: silva2016bees' }, creators: [{ last: 'Silva', first: 'Ana' }] },
];

/** Papers of other fields in the same Zotero library (invented titles). */
const OTHER_FIELDS: FixtureItem[] = [
  'Nesting success of shorebirds on gravel beaches',
  'Protein folding pathways of small enzymes',
  'Graph neural networks for molecule property prediction',
  'Medieval trade routes of the Baltic towns',
  'Soil carbon under no tillage farming',
  'Attention mechanisms in machine translation',
  'Coral bleaching after marine heatwaves',
  'Urban heat islands and street trees',
  'Quantum error correction with surface codes',
  'Speech recognition for low resource languages',
  'Ancient DNA of early farmers in Anatolia',
  'Reinforcement learning for robot grasping',
  'Monetary policy and housing prices',
  'Volcanic ash dispersion forecasts for aviation',
  'Gut microbiome diversity in infants',
  'Privacy attacks on federated learning',
].map((title, i) => ({ key: `OTHR${String(i).padStart(4, '0')}`, type: 'journalArticle', fields: { title, date: String(2000 + i) }, creators: [{ last: 'Field', first: String.fromCharCode(65 + i) }] }));

/** A folder holding the statistics paper's 20-entry refs.bib and a Zotero library of `items`, and a server ready on both. */
async function statsWithZotero(prefix: string, items: FixtureItem[]): Promise<{ dir: string; client: TestClient }> {
  await buildOnce();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  fs.mkdirSync(path.join(dir, 'paper'));
  fs.mkdirSync(path.join(dir, 'Zotero'));
  fs.writeFileSync(path.join(dir, 'paper', 'refs.bib'), entries(STATS, 'stat', 'Novak, Eva', 2000));
  fs.writeFileSync(path.join(dir, 'Zotero', 'zotero.sqlite'), await makeZoteroDb({ version: 7, items }));
  const client = TestClient.start();
  client.settings = { zotero: path.join(dir, 'Zotero') };
  await client.initialize(path.join(dir, 'paper'), { litlens: client.settings, cacheDir: null });
  await client.waitFor('litlens/status', (st: any) => st.state === 'ready' && st.zotero?.state === 'ready', 60000);
  return { dir, client };
}

describe('language server over stdio: a bare \\cite{ in a statistics paper with 20 entries and a Zotero library beside it', function () {
  this.timeout(120000);
  let dir = '';
  let client: TestClient;
  let version = 0;

  before(async () => {
    ({ dir, client } = await statsWithZotero('litlens-room-zotero-', [...ZOTERO_ITEMS, ...OTHER_FIELDS]));
  });
  after(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const complete = async (sentence: string) => {
    const tex = path.join(dir, 'paper', 'paper.tex');
    const text = STATS_TEX(sentence);
    if (++version === 1) await client.open(tex, 'latex', text);
    else await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(tex), version }, contentChanges: [{ text }] });
    const list = await client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, `${sentence} \\cite{`, sentence.length + 7) });
    return list.items.sort((a, b) => a.sortText.localeCompare(b.sortText)).map((i) => i.textEdit.newText as string);
  };

  it('offers the Zotero paper the sentence is about (four words shared) among the first 20 rows; none for a sentence sharing one word', async () => {
    const keys = await complete('The missing observations are filled by a Kalman smoother run over the whole record');
    assert.equal(keys.filter((k) => /^stat\d+$/.test(k)).length, 20, 'every entry of the bibliography is offered');
    assert.ok(keys.slice(0, 20).includes('ito2014kalman'), keys.join(' '));
    assert.ok(!keys.includes('silva2016bees'), keys.join(' '));
    // One word shared with a Zotero paper ("tracking") takes no row from the bibliography.
    const one = await complete('The error grows with the length of the gap, and tracking the flood peaks is hardest');
    assert.deepEqual(one.filter((k) => !/^stat\d+$/.test(k)), []);
  });
});

describe('language server over stdio: a prose hover in that statistics paper, with a Zotero library of many fields', function () {
  this.timeout(120000);
  let dir = '';
  let client: TestClient;

  before(async () => {
    // 200 generated papers whose titles share a small vocabulary: the field rule would judge this library outside the paper's field.
    ({ dir, client } = await statsWithZotero('litlens-room-mixed-', [...ZOTERO_ITEMS, ...generatedItems(200)]));
  });
  after(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the Zotero paper the sentence is about: the field rule judges corpora, never the user\'s own libraries', async () => {
    const tex = path.join(dir, 'paper', 'paper.tex');
    const text = STATS_TEX('The missing observations are filled by a Kalman smoother run over the whole record');
    await client.open(tex, 'latex', text);
    const related = await client.request<any[]>('litlens/related', { uri: uriOf(tex), position: positionOf(text, 'Kalman smoother', 3) });
    assert.equal(related[0]?.key, 'ito2014kalman', related.map((r) => r.key).join(' '));
  });
});

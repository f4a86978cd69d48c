// The field rule (docs/related.md, gate.ts inField) beyond lenses and hovers, over JSON-RPC, on a
// glaciology paper whose titles were written for this test: the search panel's "All sources" ranks
// the bundled ML corpus after the paper's own libraries and marks it, and the source list says so.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, buildOnce, uriOf } from './harness';

/** Invented glaciology titles: the paper's bibliography. */
export const GLACIER_TITLES = [
  'Surface mass balance of alpine glaciers from repeated stake measurements',
  'Ice thickness of valley glaciers mapped with ground penetrating radar',
  'Debris cover and the melt of glacier tongues in the eastern Himalaya',
  'Calving fronts of tidewater glaciers in Svalbard over four decades',
  'Firn compaction and the density of accumulation zones on ice caps',
  'Glacier velocity from feature tracking of optical satellite images',
  'Proglacial lakes and the retreat of lake terminating glaciers',
  'Geodetic mass balance of glaciers from digital elevation model differencing',
  'Meltwater runoff from glacierised catchments in a warming climate',
  'Albedo of glacier ice darkened by dust and black carbon deposits',
  'Basal sliding of temperate glaciers over soft subglacial till',
  'Snow line altitude on glaciers observed in summer satellite scenes',
  'Energy balance of a debris free glacier surface at an automatic weather station',
  'Rock glaciers and permafrost creep in high mountain slopes',
  'Glacier outburst floods from ice dammed lakes',
  'Little Ice Age moraines and the former extent of alpine glaciers',
  'Winter accumulation on glaciers measured with snow probing and pits',
  'Crevasse patterns and strain rates on a fast flowing outlet glacier',
  'Supraglacial ponds and ice cliffs on debris covered glaciers',
  'Glacier inventories compiled from aerial photographs and maps',
  'Seasonal speed up of glaciers driven by surface meltwater reaching the bed',
  'Englacial temperature profiles measured in boreholes drilled with hot water',
  'Avalanche contribution to the accumulation of small cirque glaciers',
  'Sea level contribution of mountain glaciers outside the ice sheets',
  'Reanalysis of glacier length records from historical documents',
];

/** A glaciology paper of about 250 words citing the first `cited` entries, and its .bib. */
export function glacierWorkspace(cited = 8, entries = GLACIER_TITLES.length): { folder: string; tex: string; text: string } {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-field-')));
  const bib = GLACIER_TITLES.slice(0, entries)
    .map((title, i) => `@article{glacier${i + 1},\n  title = {${title}},\n  author = {Moser, Anna and Keller, Jon},\n  year = {${2000 + i}},\n  journal = {Journal of Glacier Studies}\n}\n`)
    .join('\n');
  fs.writeFileSync(path.join(folder, 'refs.bib'), bib);
  const cites = Array.from({ length: cited }, (_, i) => `glacier${i + 1}`);
  const sentences = [
    'Mountain glaciers lose mass in a warming climate, and their meltwater feeds rivers downstream',
    'Stake networks measure the surface mass balance at points of the glacier each autumn',
    'Radar soundings give the ice thickness, and with it the volume of ice left to melt',
    'Debris cover slows the melt of some tongues while ponds and ice cliffs speed it up',
    'Tidewater glaciers also lose ice by calving at their fronts',
    'Firn in the accumulation zone compacts over years before it turns to ice',
    'Feature tracking of satellite images shows how fast the ice flows',
    'Lakes form in front of retreating glaciers and can speed their retreat',
  ];
  const body = sentences.map((s, i) => `${s} \\cite{${cites[i % cites.length]}}.`).join(' ');
  const methods =
    'We combine the stake measurements with elevation changes from repeated surveys of each glacier. The winter snow is probed along profiles, and the summer melt is read from the stakes at the end of the season. Where the glacier is covered with debris, the melt is corrected for the thickness of the debris layer measured in pits. The mass balance of each year is the sum of the winter accumulation and the summer melt over the glacier area, and its uncertainty comes from the density of the snow and the firn. The geodetic mass balance over the whole period checks the sum of the yearly values. We then relate the yearly balance to summer temperature and winter precipitation at the nearest weather station, and estimate how much of the river discharge in late summer comes from glacier melt.';
  const text = `\\documentclass{article}\n\\begin{document}\n\\section{Introduction}\n${body}\n\n\\section{Methods}\n${methods}\n\n\\bibliography{refs}\n\\end{document}\n`;
  const tex = path.join(folder, 'paper.tex');
  fs.writeFileSync(tex, text);
  return { folder, tex, text };
}

describe('language server over stdio: the field rule in the search panel', function () {
  this.timeout(60000);
  let ws: ReturnType<typeof glacierWorkspace>;
  let client: TestClient;

  before(async () => {
    await buildOnce();
    ws = glacierWorkspace();
    client = TestClient.start();
    await client.initialize(ws.folder, { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
    await client.open(ws.tex, 'latex', ws.text);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws.folder, { recursive: true, force: true });
  });

  it('"All sources" from the paper: its own library first, the bundled ML corpus after it and marked; the same ranking within each', async () => {
    const query = 'mass balance model';
    const plain = await client.request('litlens/search', { query, limit: 10 });
    // Without a document the ranking mixes them: an ML paper above an entry of the paper's own field.
    const firstCorpus = plain.findIndex((r: any) => r.source === 'bundled corpus');
    assert.ok(firstCorpus >= 0 && plain.slice(firstCorpus).some((r: any) => r.source === 'refs.bib'), plain.map((r: any) => r.key).join(' '));
    assert.ok(plain.every((r: any) => !r.outsideField));

    const fromPaper = await client.request('litlens/search', { query, limit: 10, uri: uriOf(ws.tex) });
    const own = fromPaper.filter((r: any) => r.source === 'refs.bib');
    assert.ok(own.length >= 3);
    assert.deepEqual(fromPaper.slice(0, own.length), own, 'the paper\'s own library comes first');
    assert.ok(fromPaper.slice(own.length).every((r: any) => r.source === 'bundled corpus' && r.outsideField === true));
    // Within each part the order is the plain ranking's.
    const order = (rs: any[], source: string) => rs.filter((r) => r.source === source).map((r) => r.key);
    assert.deepEqual(order(fromPaper, 'refs.bib').slice(0, order(plain, 'refs.bib').length), order(plain, 'refs.bib'));
    assert.deepEqual(order(fromPaper, 'bundled corpus'), order(plain, 'bundled corpus').slice(0, order(fromPaper, 'bundled corpus').length));

    // Chosen by name, the corpus is searched as before: nothing is marked or left out.
    const named = await client.request('litlens/search', { query, limit: 5, sources: ['bundled corpus'], uri: uriOf(ws.tex) });
    assert.deepEqual(named.map((r: any) => r.key), order(plain, 'bundled corpus').slice(0, 5));
    assert.ok(named.every((r: any) => !r.outsideField));
  });

  it('the source list marks the sources outside the paper\'s field, and only when asked for a document', async () => {
    const info = await client.request('litlens/libraryInfo', { uri: uriOf(ws.tex) });
    assert.deepEqual(info.sources, [
      { name: 'refs.bib', papers: 25 },
      { name: 'bundled corpus', papers: 353, outsideField: true },
    ]);
    const alone = await client.request('litlens/libraryInfo', null);
    assert.ok(alone.sources.every((s: any) => !s.outsideField));
  });
});

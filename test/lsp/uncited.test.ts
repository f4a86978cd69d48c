// Uncited-claim hints and the gap report over JSON-RPC, on a workspace of invented papers: the
// hint's code, range, keys and quick fix (which writes the citation), none on a cited sentence or
// in back matter, and litlens/gaps.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

describe('language server over stdio: uncited-claim hints and the gap report', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;
  let uri: string;
  let text: string;
  let first: any;

  const SENTENCE = 'Repeated airborne lidar surveys show that the surface elevation of alpine glaciers declined sharply between 2000 and 2020, fastest at low altitude tongues.';
  const hints = (p: any) => p.diagnostics.filter((d: any) => d.code === 'uncited-claim');

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-uncited');
    const tex = path.join(ws, 'paper.tex');
    text = fs.readFileSync(tex, 'utf8');
    uri = uriOf(tex);
    client = TestClient.start();
    client.settings = { bundledCorpus: false };
    await client.initialize(ws, { litlens: { bundledCorpus: false }, cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
    await client.open(tex, 'latex', text);
    first = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 1 && hints(p).length > 0);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('hints the uncited sentence close to a paper: code, range, message and keys best first', () => {
    const [hint, ...more] = hints(first);
    assert.equal(more.length, 0, JSON.stringify(hints(first)));
    assert.equal(hint.source, 'litlens');
    assert.equal(hint.severity, 4);
    assert.deepEqual(hint.range, { start: positionOf(text, SENTENCE), end: positionOf(text, SENTENCE, SENTENCE.length) });
    assert.equal(hint.data.keys[0], 'moser2021lidar');
    assert.match(hint.message, /^Close to Moser, Keller 2021, 'Retreat of alpine glaciers/);
  });

  it('gives no hint on a cited sentence nor in the acknowledgments', () => {
    const lines = hints(first).map((d: any) => d.range.start.line);
    assert.ok(!lines.includes(positionOf(text, 'Marine heatwaves').line));
    assert.ok(!lines.includes(positionOf(text, 'We thank the field team').line));
  });

  it('litlens/gaps lists the uncited papers, best first, with section and passage; never a cited one', async () => {
    const gaps = await client.request('litlens/gaps', { textDocument: { uri } });
    const keys = gaps.map((g: any) => g.key);
    assert.equal(keys[0], 'moser2021lidar');
    assert.ok(!keys.includes('ortiz2019coral'));
    assert.equal(gaps[0].section, 'Introduction');
    assert.equal(gaps[0].passage.start.line, positionOf(text, SENTENCE).line);
    assert.equal(gaps[0].title, 'Retreat of alpine glaciers measured by repeated airborne lidar surveys');
    const section = await client.request('litlens/gaps', { textDocument: { uri }, position: positionOf(text, 'Marine heatwaves'), scope: 'section' });
    assert.deepEqual(section.map((g: any) => g.key), keys.filter((k: string) => section.some((g: any) => g.key === k)));
  });

  it('litlens.uncitedClaims: "information" raises the severity, "off" takes the hints away', async () => {
    const configure = async (uncitedClaims: string) => {
      client.settings = { bundledCorpus: false, uncitedClaims };
      await client.notify('workspace/didChangeConfiguration', { settings: { litlens: client.settings } });
    };
    await configure('information');
    const information = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && hints(p).some((d: any) => d.severity === 3));
    assert.equal(hints(information).length, 1);
    await configure('off');
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && hints(p).length === 0);
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: hints(first)[0].range, context: { diagnostics: [] } });
    assert.deepEqual(actions.filter((a: any) => a.title.startsWith('Cite ')), []);
    await configure('hint');
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && hints(p).some((d: any) => d.severity === 4));
  });

  it('a completion asked while a newly opened paper\'s hints are first ranked is answered before they are published', async () => {
    // A long paper of distinct invented sentences: its first ranking takes many turns of the event loop.
    const topics = ['airborne lidar surveys of alpine glaciers', 'marine heatwaves and coral bleaching', 'pesticide exposure of honey bee colonies'];
    const paras = Array.from({ length: 400 }, (_, i) => `Survey ${i} of ${topics[i % 3]} reports that station ${i * 7} recorded change ${i * 13} across site ${i * 3} over ${i + 2} seasons of field work.`);
    const long = `\\documentclass{article}\n\\begin{document}\n\\section{Introduction}\n\nHeat stress bleaches corals~\\cite{}.\n\n${paras.join('\n\n')}\n\n\\bibliography{refs}\n\\end{document}\n`;
    const file = path.join(ws, 'long.tex');
    fs.writeFileSync(file, long);
    const longUri = uriOf(file);
    const published = () => client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === longUri);
    await client.open(file, 'latex', long);
    // The paper's problems go out when its hints start being ranked (a long first ranking), the hints after.
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === longUri);
    const completion = await client.request('textDocument/completion', { textDocument: { uri: longUri }, position: positionOf(long, '~\\cite{', '~\\cite{'.length) });
    const answeredAfter = published().length;
    assert.ok(completion.items.some((i: any) => i.textEdit?.newText === 'ortiz2019coral'), JSON.stringify(completion.items[0]));
    await client.waitFor('textDocument/publishDiagnostics', () => published().length === 2, 60000);
    assert.equal(answeredAfter, 1, 'the completion was answered after the hints were published');
    assert.ok(hints(published()[1]!.params).length > 0);
    assert.deepEqual(hints(published()[0]!.params), []);
  });

  it('the quick fix "Cite Name Year (KEY)" writes the citation at the sentence end; the hint then goes away', async () => {
    const [hint] = hints(first);
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } });
    const cite = actions.find((a: any) => a.title === 'Cite Moser 2021 (moser2021lidar)');
    assert.ok(cite, actions.map((a: any) => a.title).join(', '));
    assert.ok(actions.filter((a: any) => a.title.startsWith('Cite ')).length <= 3);
    const doc = TextDocument.create(uri, 'latex', 1, text);
    const edited = TextDocument.applyEdits(doc, cite.edit.changes[uri]);
    assert.ok(edited.includes('fastest at low altitude tongues~\\cite{moser2021lidar}. We then'), edited);
    assert.deepEqual(cite.command.arguments, [uri, 'moser2021lidar']);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
    const after = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 2);
    assert.deepEqual(hints(after), []);
  });

  it('a sentence naming the paper in words: with natbib, "Cite Name Year (KEY)" turns its "(2021)" into \\citeyearpar and changes nothing else', async () => {
    const named = text.replace('\\documentclass{article}', '\\documentclass{article}\n\\usepackage[round]{natbib}').replace('Repeated airborne lidar surveys show', 'Repeated airborne lidar surveys by Moser et al.~(2021) show');
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: named }] });
    const [hint] = hints(await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 3 && hints(p).length > 0));
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } });
    const cite = actions.find((a: any) => a.title === 'Cite Moser 2021 (moser2021lidar)');
    assert.ok(cite, actions.map((a: any) => a.title).join(', '));
    const edited = TextDocument.applyEdits(TextDocument.create(uri, 'latex', 3, named), cite.edit.changes[uri]);
    assert.equal(edited, named.replace('Moser et al.~(2021)', 'Moser et al.~\\citeyearpar{moser2021lidar}'));
  });

  it('a table\'s body and AASTeX notes get no hint and no lens; its caption none either; every hint published gets a "Cite" quick fix', async () => {
    const BEES = 'Field trials showed that neonicotinoid pesticide exposure reduces honey bee foraging success and colony growth.';
    const table = [
      '\\begin{deluxetable}{cc}',
      `\\tablecaption{${BEES.replace('Field trials', 'Caption trials')} \\label{tab:bees}}`,
      '\\tablehead{\\colhead{Site} & \\colhead{Colonies}}',
      '\\startdata',
      'North & 12 \\\\',
      '\\enddata',
      `\\tablenotetext{a}{${BEES}}`,
      `\\tablecomments{${BEES.replace('Field trials', 'Later trials')}}`,
      '\\end{deluxetable}',
      '',
      '\\begin{table}',
      '\\begin{tabular}{ll}',
      `Note & ${BEES.replace('Field trials', 'Cell trials')} \\\\`,
      '\\end{tabular}',
      `\\tablenotetext{b}{${BEES.replace('Field trials', 'Outer trials')}}`,
      '\\end{table}',
    ].join('\n');
    const tabled = text.replace('\\section*{Acknowledgments}', `${table}\n\n\\section*{Acknowledgments}`);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 6 }, contentChanges: [{ text: tabled }] });
    const published = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 6 && hints(p).length > 0);
    const tableLines = [positionOf(tabled, '\\begin{deluxetable}').line, positionOf(tabled, '\\end{table}').line];
    const inTable = (line: number) => line >= tableLines[0]! && line <= tableLines[1]!;
    assert.deepEqual(hints(published).filter((d: any) => inTable(d.range.start.line)), [], JSON.stringify(hints(published)));
    assert.ok(hints(published).length > 0);
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.filter((l: any) => inTable(l.range.start.line)), [], JSON.stringify(lenses));
    // Asked for the hint's range, or at a cursor inside it (as the editor's light bulb asks): a "Cite" quick fix each time.
    for (const hint of hints(published)) {
      const cursor = { line: hint.range.start.line, character: hint.range.start.character + 5 };
      for (const range of [hint.range, { start: cursor, end: cursor }]) {
        const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [hint] } });
        assert.ok(actions.some((a: any) => a.title.startsWith('Cite ')), `no Cite action for the hint at line ${hint.range.start.line}`);
      }
    }
  });

  it('the paper being written (an entry titled as the document\'s \\title) is named by no hint, gap or related list', async () => {
    const position = positionOf(text, SENTENCE);
    const related = async () => (await client.request('litlens/related', { uri, position, threshold: 0, scope: 'paragraph' })).map((r: any) => r.key);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text }] });
    const plain = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 4);
    assert.equal(hints(plain)[0]?.data.keys[0], 'moser2021lidar');
    assert.equal((await related())[0], 'moser2021lidar');
    const own = text.replace('\\begin{document}', '\\title{Retreat of Alpine Glaciers Measured by Repeated Airborne {LiDAR} Surveys}\n\\begin{document}');
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: own }] });
    const titled = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 5);
    assert.ok(!hints(titled).some((d: any) => d.data.keys.includes('moser2021lidar')), JSON.stringify(hints(titled)));
    const gaps = (await client.request('litlens/gaps', { textDocument: { uri } })).map((g: any) => g.key);
    assert.ok(!gaps.includes('moser2021lidar'), gaps.join(', '));
    const listed = await related();
    assert.ok(listed.length > 0 && !listed.includes('moser2021lidar'), listed.join(', '));
  });
});

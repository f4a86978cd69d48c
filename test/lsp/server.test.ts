// The protocol suite: the real server (dist/cli.js lsp --stdio) in a temp copy of a fixture
// workspace, driven over JSON-RPC. Waits for the server's `litlens/status` "ready", never sleeps.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

const MUZERO = 'mastering-atari-go';
const MUZERO_TITLE = 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model';
const ready = (s: { state: string }) => s.state === 'ready';

describe('language server over stdio: LaTeX workspace', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;
  let tex: string;
  let texText: string;
  let texUri: string;
  let init: any;

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    tex = path.join(ws, 'paper.tex');
    texText = fs.readFileSync(tex, 'utf8');
    texUri = uriOf(tex);
    client = TestClient.start();
    init = await client.initialize(ws, { cacheDir: path.join(ws, '.cache-index'), litlens: { maxSuggestions: 10 } });
    await client.waitFor('litlens/status', ready, 30000);
    await client.open(tex, 'latex', texText);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('announces its features', () => {
    const caps = init.capabilities;
    assert.deepEqual(caps.completionProvider.triggerCharacters, ['{', ',', '@', '[']);
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.codeLensProvider.resolveProvider, true);
    assert.ok(caps.executeCommandProvider.commands.includes('litlens.ensureInBibliography'));
    assert.equal(init.serverInfo.name, 'litlens');
  });

  it('reports indexing with work-done progress and a ready status', () => {
    const statuses = client.notifications.filter((n) => n.method === 'litlens/status').map((n) => n.params);
    assert.equal(statuses[0].state, 'indexing');
    const done = statuses.find(ready);
    assert.ok(done.papers >= 353, `papers: ${done.papers}`);
    assert.ok(done.sources >= 2);
    assert.ok(client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'));
    const progress = client.notifications.filter((n) => n.method === '$/progress').map((n) => n.params.value.kind);
    assert.equal(progress[0], 'begin');
    assert.equal(progress[progress.length - 1], 'end');
  });

  it('registers file watchers for .bib and .json files', () => {
    const reg = client.serverRequests.find((r) => r.method === 'client/registerCapability' && r.params.registrations.some((x: any) => x.method === 'workspace/didChangeWatchedFiles'));
    assert.ok(reg, 'no watcher registration');
    const globs = JSON.stringify(reg.params.registrations);
    assert.match(globs, /\*\*\/\*\.\{bib/);
    assert.match(globs, /\*\*\/\*\.json/);
  });

  it('completes after \\cite{ with refs.bib first, then MuZero first of the corpus for a sentence on planning with a learned dynamics model', async () => {
    const list = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, '\\cite{}', 6) });
    assert.equal(list.isIncomplete, true);
    assert.ok(list.items.length > 1 && list.items.length <= 4, `items: ${list.items.length}`);
    // The row shows surname, year and title; the key is on its right, and is what is inserted.
    assert.equal(list.items[0].label, 'Smith 2020 · Graph Networks for Physical Reasoning');
    assert.equal(list.items[0].labelDetails.description, 'smith2020graphs');
    assert.equal(list.items[0].textEdit.newText, 'smith2020graphs');
    assert.equal(list.items[0].detail, 'smith2020graphs · in refs.bib');
    const first = list.items[1];
    assert.match(first.label, /^Mastering Atari/);
    assert.equal(first.labelDetails.description, `+ refs.bib · ${MUZERO}`, 'the row says it adds an entry');
    assert.equal(first.detail.replace(/\n +/g, ' ').startsWith(`${MUZERO} · bundled corpus — choosing it adds the entry to refs.bib`), true, first.detail);
    assert.match(first.documentation.value, /MuZero/);
    assert.equal(first.sortText, '00001');
    assert.deepEqual(first.textEdit.range, { start: positionOf(texText, '\\cite{}', 6), end: positionOf(texText, '\\cite{}', 6) });
    assert.equal(first.textEdit.newText, MUZERO);
    // In the library, not in refs.bib: choosing it adds the entry.
    assert.deepEqual(first.command.arguments, [texUri, MUZERO]);
    const sorts = list.items.map((i: any) => i.sortText);
    assert.deepEqual([...sorts].sort(), sorts);
  });

  it('does not offer keys already in the command, and answers null outside citations', async () => {
    const inside = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, '\\cite{mastering-atari-go}', 6) });
    assert.ok(!inside.items.some((i: any) => i.textEdit.newText === MUZERO && i.textEdit.range.start.character !== positionOf(texText, '\\cite{mastering-atari-go}', 6).character));
    const prose = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, 'glacier', 3) });
    assert.equal(prose, null);
  });

  it('hovers a cited key with the paper card', async () => {
    const at = positionOf(texText, '\\cite{mastering-atari-go}', 10);
    const hover = await client.request('textDocument/hover', { textDocument: { uri: texUri }, position: at });
    assert.ok(hover, 'no hover');
    assert.ok(hover.contents.value.startsWith(`### ${MUZERO_TITLE}\n`), hover.contents.value);
    assert.match(hover.contents.value, /superhuman performance/);
    assert.match(hover.contents.value, /`mastering-atari-go` · bundled corpus$/);
    // A workspace entry: a link to its file and line.
    const own = await client.request('textDocument/hover', { textDocument: { uri: texUri }, position: positionOf(texText, 'smith2020graphs', 2) });
    assert.ok(own.contents.value.endsWith(`\`smith2020graphs\` · [refs.bib:2](${uriOf(path.join(ws, 'refs.bib'))}#L2)`), own.contents.value);
    const start = positionOf(texText, '\\cite{mastering-atari-go}', 6);
    assert.deepEqual(hover.range, { start, end: { line: start.line, character: start.character + MUZERO.length } });
  });

  it('hovers prose with related papers for the sentence, and nothing for an off-topic sentence', async () => {
    const related = await client.request('textDocument/hover', { textDocument: { uri: texUri }, position: positionOf(texText, 'learned dynamics', 3) });
    assert.ok(related, 'no related hover');
    assert.match(related.contents.value, /Related papers/);
    // MuZero is cited in this paragraph: the hover offers the others.
    assert.doesNotMatch(related.contents.value, new RegExp(`\`${MUZERO}\``));
    assert.match(related.contents.value, /lightzero-unified-benchmark/);
    assert.equal(related.range.start.line, related.range.end.line, 'range is the sentence, not the document');
    assert.equal(related.range.start.line, positionOf(texText, 'Agents that plan').line);
    const offTopic = await client.request('textDocument/hover', { textDocument: { uri: texUri }, position: positionOf(texText, 'glacier mass', 3) });
    assert.equal(offTopic, null);
    const onCommand = await client.request('textDocument/hover', { textDocument: { uri: texUri }, position: positionOf(texText, '\\section{Intro', 3) });
    assert.equal(onCommand, null);
  });

  it('puts code lenses above related paragraphs and resolves them to the showPapers command', async () => {
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri: texUri } });
    assert.ok(lenses.length >= 1, 'no lens');
    assert.equal(lenses[0].command, undefined);
    const resolved = await client.request('codeLens/resolve', lenses[0]);
    assert.match(resolved.command.title, /^\d+ related papers?: /);
    assert.equal(resolved.command.command, 'litlens.showPapers');
    const args = resolved.command.arguments[0];
    assert.equal(args.uri, texUri);
    assert.ok(args.papers.length >= 1 && args.papers[0].key && args.papers[0].title);
    // Its papers are cited into its paragraph: at the end of the sentence closest to the paper (inside the citation ending it).
    assert.deepEqual([args.position, args.scope], [lenses[0].range.start, 'paragraph']);
    const place = await client.request('litlens/citePlace', { textDocument: { uri: texUri }, position: args.position, key: MUZERO, scope: args.scope });
    assert.deepEqual(place, {
      passage: { start: positionOf(texText, 'Agents that plan'), end: positionOf(texText, 'did not.', 8) },
      position: positionOf(texText, 'mastering-atari-go}.', MUZERO.length),
    });
    assert.equal(await client.request('litlens/citePlace', { textDocument: { uri: texUri }, position: { line: 0, character: 3 }, key: MUZERO }), null);
    assert.ok(!lenses.some((l: any) => l.range.start.line === positionOf(texText, 'glacier').line), 'the off-topic paragraph has a lens');
  });

  it('goes to the definition of a key in refs.bib or in the corpus', async () => {
    const own = await client.request('textDocument/definition', { textDocument: { uri: texUri }, position: positionOf(texText, 'smith2020graphs', 2) });
    assert.equal(own.uri, uriOf(path.join(ws, 'refs.bib')));
    assert.equal(own.range.start.line, 1);
    const corpus = await client.request('textDocument/definition', { textDocument: { uri: texUri }, position: positionOf(texText, MUZERO, 2) });
    assert.match(corpus.uri, /corpus\/papers\.json$/);
    assert.equal(corpus.range.start.line, 1);
  });

  it('warns about undefined keys, with a quick fix for keys the library has', async () => {
    const diags = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === texUri);
    const unknown = diags.diagnostics.find((d: any) => d.code === 'unknown-key');
    assert.ok(unknown, JSON.stringify(diags));
    assert.match(unknown.message, /nosuchkey2099/);
    assert.equal(unknown.severity, 2);
    assert.deepEqual(unknown.range.start, positionOf(texText, 'nosuchkey2099'));
    const missing = diags.diagnostics.find((d: any) => d.code === 'not-in-bibliography');
    assert.ok(missing, 'no not-in-bibliography diagnostic');
    assert.ok(!diags.diagnostics.some((d: any) => /smith2020graphs/.test(d.message)));
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri: texUri }, range: missing.range, context: { diagnostics: [missing] } });
    assert.equal(actions.length, 1);
    assert.match(actions[0].title, /Add entry from the library/);
    assert.deepEqual(actions[0].command.arguments, [texUri, MUZERO]);
    const none = await client.request('textDocument/codeAction', { textDocument: { uri: texUri }, range: unknown.range, context: { diagnostics: [unknown] } });
    assert.deepEqual(none, []);
  });

  it('choosing a corpus paper appends exactly one entry to refs.bib, once', async () => {
    const bib = path.join(ws, 'refs.bib');
    const before = fs.readFileSync(bib);
    const list = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, '\\cite{}', 6) });
    const item = list.items.find((i: any) => i.textEdit.newText === MUZERO);
    assert.match(item.detail.replace(/\n +/g, ' '), /no authors or year — will be added as @misc/, 'the row says so before it is chosen');
    const command = item.command;
    const asked = client.serverRequests.length;
    const result = await client.request('workspace/executeCommand', { command: command.command, arguments: command.arguments });
    const message = 'added to refs.bib without authors or year — complete the entry';
    assert.deepEqual(result, { file: bib, added: true, incomplete: { file: bib, line: before.toString().split('\n').length + 1, message } });
    // The command (completion, the quick fix) has nobody else to tell the writer: the server does, with a way to the entry.
    // Sent before the command's answer, so it is here already.
    const warning = client.serverRequests.slice(asked).find((r) => r.method === 'window/showMessageRequest')!;
    assert.ok(warning, JSON.stringify(client.serverRequests.slice(asked)));
    assert.equal(warning.params.type, 2);
    assert.equal(warning.params.message, `LitLens: ${message}`);
    assert.deepEqual(warning.params.actions, [{ title: 'Open entry' }]);
    const after = fs.readFileSync(bib);
    assert.ok(after.subarray(0, before.length).equals(before), 'existing bytes changed');
    const added = after.subarray(before.length).toString('utf8');
    assert.equal(added.match(/@\w+\s*\{/g)?.length, 1, added);
    assert.match(added, new RegExp(`@\\w+\\{${MUZERO},`));
    // Again: nothing more is added.
    const again = await client.request('litlens/ensureInBibliography', { uri: texUri, key: MUZERO });
    assert.deepEqual(again, { file: bib, added: false });
    assert.ok(fs.readFileSync(bib).equals(after));
    // The diagnostic goes away: the key is in refs.bib now.
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === texUri && !p.diagnostics.some((d: any) => d.code === 'not-in-bibliography'));
  });

  it('ensureInBibliography also works for a document the editor has not opened', async () => {
    const chapter = path.join(ws, 'chapter.tex');
    fs.writeFileSync(chapter, 'Fuzzing \\cite{improving-grey-box}.\n\\bibliography{refs}\n');
    const bib = path.join(ws, 'refs.bib');
    const before = fs.readFileSync(bib);
    const added = await client.request('litlens/ensureInBibliography', { uri: uriOf(chapter), key: 'improving-grey-box' });
    assert.deepEqual({ ...added, incomplete: undefined }, { file: bib, added: true, incomplete: undefined });
    assert.equal(added.incomplete.message, 'added to refs.bib without authors or year — complete the entry', 'the request answers it; the client shows it');
    assert.equal(fs.readFileSync(bib).subarray(before.length).toString().match(/@\w+\{improving-grey-box,/g)?.length, 1);
    assert.deepEqual(await client.request('litlens/ensureInBibliography', { uri: uriOf(chapter), key: 'no-such-key' }), { file: null, added: false, reason: '"no-such-key" is not in the library' });
    // A read-only bibliography is left alone, and the answer says why the entry is not there.
    const mode = fs.statSync(bib).mode;
    const kept = fs.readFileSync(bib);
    fs.chmodSync(bib, 0o444);
    try {
      const refused = await client.request('litlens/ensureInBibliography', { uri: uriOf(chapter), key: 'planning-diffusion-flexible' });
      assert.equal(refused.added, false);
      assert.match(refused.reason, /refs\.bib: read-only file/);
      assert.ok(fs.readFileSync(bib).equals(kept));
    } finally {
      fs.chmodSync(bib, mode);
    }
  });

  it('reports a broken .bib on the file, at its line, when the watcher says it changed', async () => {
    const broken = path.join(ws, 'broken.bib');
    fs.writeFileSync(broken, '@article{good2020,\n  title = {A Good Entry},\n  year = {2020}\n}\n\n@article{bad2021,\n  title = {Unbalanced {braces,\n  year = {2021}\n\n@misc{after2022, title = {After}}\n');
    const published = client.waitForNext('textDocument/publishDiagnostics', (p: any) => p.uri === uriOf(broken));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(broken), type: 1 }] });
    const diags = await published;
    assert.ok(diags.diagnostics.length >= 1);
    const err = diags.diagnostics[0];
    assert.equal(err.source, 'litlens');
    assert.ok(err.range.start.line >= 5 && err.range.start.line <= 9, `line ${err.range.start.line}: ${err.message}`);
    const status = await client.waitFor('litlens/status', (s: any) => s.errors >= 1);
    assert.ok(status.papers >= 354);
    // Fixing the file clears them.
    fs.writeFileSync(broken, '@article{good2020,\n  title = {A Good Entry},\n  year = {2020}\n}\n');
    const cleared = client.waitForNext('textDocument/publishDiagnostics', (p: any) => p.uri === uriOf(broken) && p.diagnostics.length === 0);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(broken), type: 2 }] });
    await cleared;
  });

  it('answers the custom requests of protocol.ts', async () => {
    const search = await client.request('litlens/search', { query: 'planning with a learned model', limit: 5 });
    assert.equal(search[0].key, MUZERO);
    assert.ok(search[0].file && search[0].line > 0 && search[0].source);
    const typed = await client.request('litlens/search', { query: 'masterng atar', limit: 5 });
    assert.equal(typed[0].key, MUZERO);
    const related = await client.request('litlens/related', { text: 'Agents plan with a learned dynamics model and tree search in Atari and Go.' });
    assert.ok(related.some((r: any) => r.key === MUZERO));
    const atPosition = await client.request('litlens/related', { uri: texUri, position: positionOf(texText, 'learned dynamics') });
    assert.ok(atPosition.some((r: any) => r.key === MUZERO));
    assert.deepEqual(await client.request('litlens/related', { text: 'The glacier mass balance in the Andes declined sharply over the winter.' }), []);
    const bibtex = await client.request('litlens/bibtex', { key: 'smith2020graphs' });
    assert.match(bibtex, /@article\{smith2020graphs,/);
    assert.equal(await client.request('litlens/bibtex', { key: 'no-such-key' }), null);
    const info = await client.request('litlens/libraryInfo', {});
    assert.ok(info.sources.some((s: any) => s.name === 'bundled corpus' && s.papers === 353), JSON.stringify(info));
    assert.ok(info.sources.some((s: any) => s.name === 'refs.bib'));
    assert.deepEqual(info.years, { min: 2020, max: 2020 });
    const filtered = await client.request('litlens/search', { query: 'graph networks', sources: ['refs.bib'] });
    assert.deepEqual(
      filtered.map((r: any) => r.key),
      ['smith2020graphs'],
    );
  });

  it('finds references of a key and renames it in the .bib and every citation', async () => {
    const bibUri = uriOf(path.join(ws, 'refs.bib'));
    const at = positionOf(texText, 'smith2020graphs', 2);
    const refs = await client.request('textDocument/references', { textDocument: { uri: texUri }, position: at, context: { includeDeclaration: true } });
    assert.deepEqual(
      refs.map((r: any) => [r.uri, r.range.start.line]),
      [
        [bibUri, 1],
        [texUri, at.line],
      ],
    );
    const prepared = await client.request('textDocument/prepareRename', { textDocument: { uri: texUri }, position: at });
    assert.equal(prepared.placeholder, 'smith2020graphs');
    assert.equal(await client.request('textDocument/prepareRename', { textDocument: { uri: texUri }, position: positionOf(texText, 'nosuchkey2099', 2) }), null);
    const edit = await client.request('textDocument/rename', { textDocument: { uri: texUri }, position: at, newName: 'smith2020gn' });
    assert.deepEqual(Object.keys(edit.changes).sort(), [bibUri, texUri].sort());
    assert.deepEqual(edit.changes[bibUri][0].range, { start: { line: 1, character: 9 }, end: { line: 1, character: 24 } });
    assert.equal(edit.changes[texUri][0].newText, 'smith2020gn');
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: texUri }, position: at, newName: 'bad key}' }), /not a valid citation key/);
  });

  it('rebuilds the index on request', async () => {
    const indexing = client.waitForNext('litlens/status', (s: any) => s.state === 'indexing');
    const status = await client.request('litlens/rebuildIndex', null);
    await indexing;
    assert.equal(status.state, 'ready');
    const list = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, '\\cite{}', 6) });
    // Added to refs.bib above: now ranked first among its entries.
    assert.equal(list.items[0].textEdit.newText, MUZERO);
  });

  it('pulls settings again after didChangeConfiguration', async () => {
    client.settings = { maxSuggestions: 1 };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const list = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(texText, '\\cite{}', 6) });
    // refs.bib's entries, and one paper from outside it.
    assert.equal(list.items.filter((i: any) => !i.detail.includes(' · in ')).length, 1);
    assert.ok(client.serverRequests.some((r) => r.method === 'workspace/configuration' && r.params.items.some((i: any) => i.scopeUri === texUri)), 'settings are read per resource');
    client.settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  });
});

describe('language server over stdio: Markdown workspace', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;
  let note: string;
  let text: string;

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-markdown');
    note = path.join(ws, 'note.md');
    text = fs.readFileSync(note, 'utf8');
    client = TestClient.start();
    // A client without workspace/configuration: the settings come from initializationOptions.
    await client.initialize(ws, { cacheDir: null, litlens: { maxSuggestions: 5 } }, { window: { workDoneProgress: false } });
    await client.waitFor('litlens/status', ready, 30000);
    await client.open(note, 'markdown', text);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('completes after [@ with the front matter\'s bibliography first, then MuZero', async () => {
    const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(note) }, position: positionOf(text, '[@]', 2) });
    assert.equal(list.items[0].textEdit.newText, 'smith2020graphs');
    assert.equal(list.items[1].textEdit.newText, MUZERO);
  });

  it('takes pushed settings from didChangeConfiguration when it cannot pull them', async () => {
    await client.notify('workspace/didChangeConfiguration', { settings: { litlens: { maxSuggestions: 1 } } });
    const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(note) }, position: positionOf(text, '[@]', 2) });
    assert.equal(list.items.length, 2);
    assert.ok(!client.serverRequests.some((r) => r.method === 'workspace/configuration'));
  });

  it('hovers a pandoc key', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(note) }, position: positionOf(text, '@smith2020graphs', 3) });
    assert.match(hover.contents.value, /Graph Networks for Physical Reasoning/);
    assert.match(hover.contents.value, /Jane Smith/);
  });

  it('hover on the front matter is null', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(note) }, position: positionOf(text, 'Reading notes', 2) });
    assert.equal(hover, null);
  });

  it('adds the entry to the bibliography the front matter names', async () => {
    const bib = path.join(ws, 'refs.bib');
    const before = fs.readFileSync(bib);
    const result = await client.request('litlens/ensureInBibliography', { uri: uriOf(note), key: MUZERO });
    assert.deepEqual({ ...result, incomplete: undefined }, { file: bib, added: true, incomplete: undefined });
    const after = fs.readFileSync(bib);
    assert.ok(after.subarray(0, before.length).equals(before));
    assert.equal(after.subarray(before.length).toString().match(/@\w+\{/g)?.length, 1);
  });
});

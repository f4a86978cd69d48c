// A discovery corpus end to end over JSON-RPC: the 1k-record arXiv fixture named in
// litlens.corpora with a category filter, read and indexed in the background while the workspace's
// own bibliography answers, searched, hovered, completed (documentation resolved from the file),
// written to a .bib, opened from the saved index by a second server, and read again when the file
// changes. Waits for `litlens/status`, never sleeps.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arxivCategories, arxivPaper, categoryFilter, type ArxivRecord } from '../../server/src/library/arxiv';
import { loadCorpus } from '../../server/src/library/corpus';
import { titleIdentity } from '../../server/src/library/store';
import { TestClient, addedEntry, asMarkdown, assertWholeEntry, buildOnce, hoverCitedKey, positionOf, tempWorkspace, uriOf } from './harness';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');
const CATEGORIES = ['cs.LG', 'stat.ML'];
const records = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ArxivRecord);
const keep = categoryFilter(CATEGORIES)!;
const kept = records.filter((r) => keep(arxivCategories(r)));
const left = records.filter((r) => !keep(arxivCategories(r)));
const paperOf = (r: ArxivRecord) => arxivPaper(r, FIXTURE, 0) as Exclude<ReturnType<typeof arxivPaper>, string>;

type Status = { state: string; papers: number; corpus?: { state: string; papers: number; filtered?: number } };
const corpusReady = (s: Status) => s.state === 'ready' && s.corpus?.state === 'ready';

describe('language server: an arXiv snapshot in litlens.corpora', function () {
  this.timeout(90000);
  let ws: string;
  let snapshot: string;
  let client: TestClient;
  let tex: string;
  const settings = { corpora: ['data/arxiv.jsonl'], corpusCategories: CATEGORIES, maxSuggestions: 10 };

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    snapshot = path.join(ws, 'data', 'arxiv.jsonl');
    fs.mkdirSync(path.dirname(snapshot));
    fs.copyFileSync(FIXTURE, snapshot);
    tex = path.join(ws, 'paper.tex');
    client = TestClient.start();
    client.settings = settings;
    await client.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: settings });
    await client.waitFor('litlens/status', corpusReady, 60000);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  const statuses = (c: TestClient = client): Status[] => c.notifications.filter((n) => n.method === 'litlens/status').map((n) => n.params);
  const progressMessages = (c: TestClient = client): string[] => c.notifications.filter((n) => n.method === '$/progress').map((n) => n.params.value.message ?? n.params.value.title ?? '');

  it('is ready for the workspace bibliography before the corpus is indexed, then counts the corpus', () => {
    const all = statuses();
    const firstReady = all.findIndex((s) => s.state === 'ready');
    assert.ok(firstReady >= 0);
    assert.equal(all[firstReady].corpus?.state, 'indexing', 'the own library is ready while the corpus is still being read');
    const done = all.find(corpusReady)!;
    assert.equal(done.corpus!.papers, kept.length);
    assert.equal(done.corpus!.filtered, left.length);
    assert.ok(done.papers >= 353 + kept.length, `papers: ${done.papers}`);
    assert.ok(progressMessages().some((m) => /arxiv\.jsonl: [\d,]+ papers/.test(m)), progressMessages().join('\n'));
  });

  it('draws the related gate\'s bars once the corpus joins, before any request, and saves them beside its saved index', async () => {
    // No request has been sent: the ranker over the corpus and its warm start when the corpus joins.
    assert.equal(client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').length, 0);
    const dir = path.join(ws, '.cache', 'corpora');
    const saved = () => {
      for (const id of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const file = path.join(dir, id, 'gate-bars.json');
        if (!fs.existsSync(file)) continue;
        const bars = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: [string, { fieldBars: unknown[]; libraryNull: unknown[] }][] };
        const last = bars.entries.at(-1)?.[1];
        if (last && last.fieldBars.length > 0 && last.libraryNull.length > 0) return last;
      }
      return null;
    };
    // Waits on the file (rewritten as warm draws, at most every 2 s; warm gives way to requests and
    // to a busy machine) until five lengths' null is in it, for at most 40 s.
    let bars = saved();
    for (const until = Date.now() + 40_000; (bars?.libraryNull.length ?? 0) < 5 && Date.now() < until; bars = saved()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(bars, 'no gate-bars.json saved beside the corpus within 40 s');
    assert.ok(bars.libraryNull.length >= 5, `${bars.libraryNull.length} lengths' library null saved within 40 s`);
  });

  it('searches the corpus: a kept paper by its title, never one outside the categories', async () => {
    const wanted = paperOf(kept.find((r) => (r.categories as string).startsWith('cs.LG') && r.doi && r['journal-ref'])!);
    const hits = await client.request<{ key: string; title: string; source: string; year?: number }[]>('litlens/search', { query: wanted.title, limit: 5 });
    const hit = hits.find((h) => h.key === wanted.key);
    assert.ok(hit, `${wanted.key} in ${JSON.stringify(hits.map((h) => h.key))}`);
    assert.equal(hit.year, wanted.year);
    assert.equal(hit.source, path.join('data', 'arxiv.jsonl'));
    const outside = paperOf(left[3]);
    const none = await client.request<{ key: string }[]>('litlens/search', { query: outside.title, limit: 20 });
    assert.ok(!none.some((h) => h.key === outside.key), `${outside.key} is outside ${CATEGORIES.join(', ')}`);
    const info = await client.request<{ sources: { name: string; papers: number }[] }>('litlens/libraryInfo', null);
    assert.deepEqual(
      info.sources.find((s) => s.name === path.join('data', 'arxiv.jsonl')),
      { name: path.join('data', 'arxiv.jsonl'), papers: kept.length },
    );
  });

  it('hovers a cited corpus key with the whole entry read from the file (abstract, journal, DOI)', async () => {
    const paper = paperOf(kept.find((r) => r.doi && r['journal-ref'])!);
    const card = await hoverCitedKey(client, tex, paper.key);
    assert.match(card, new RegExp(`^### ${paper.title.slice(0, 20).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}`));
    assertWholeEntry(card, paper);
  });

  it('completes a corpus paper; its documentation is resolved from the file', async () => {
    const paper = paperOf(kept.find((r) => r.abstract)!);
    const typed = paper.title.split(' ').slice(0, 4).join(' ');
    const text = `\\documentclass{article}\n\\begin{document}\nWe follow~\\cite{${typed}}.\n\\bibliography{refs}\n\\end{document}\n`;
    await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(tex), version: 2 }, contentChanges: [{ text }] });
    const list = await client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, typed, typed.length) });
    const item = list.items.find((i) => i.textEdit?.newText === paper.key);
    assert.ok(item, `${paper.key} in ${JSON.stringify(list.items.map((i) => i.textEdit?.newText))}`);
    assert.equal(item.documentation, undefined, 'a store paper is documented on resolve');
    const resolved = await client.request<any>('completionItem/resolve', item);
    assert.ok(resolved.documentation.value.includes(asMarkdown(paper.abstract!.slice(0, 30))), resolved.documentation.value);
    assert.match(resolved.documentation.value, /Choosing it adds the entry to refs\.bib/);
  });

  it('writes a complete entry to the .bib (authors, title, year, DOI, journal)', async () => {
    const record = kept.find((r) => r.doi && r['journal-ref'] && (r.authors_parsed as unknown[]).length > 3)!;
    const paper = paperOf(record);
    const { entry, field } = await addedEntry(client, tex, path.join(ws, 'refs.bib'), paper.key);
    assert.match(entry, new RegExp(`@article\\{${paper.key.replace(/[.:]/g, '\\$&')},`));
    // Every author (the compact record in memory keeps three): the entry came from the file.
    assert.equal(field('author')!.split(' and ').length, paper.authors.length);
    assert.ok(field('author')!.startsWith(paper.authors[0].split(',')[0]), entry);
    assert.ok(field('title'), entry);
    assert.equal(field('year'), String(paper.year));
    assert.equal(field('doi'), paper.doi);
    assert.equal(field('journal'), paper.venue);
    assert.ok(field('abstract'), entry);
    // The e-print fields, once the writer writes them (Paper.eprint): then exactly arXiv's.
    if (field('eprint') !== undefined) {
      assert.equal(field('eprint'), paper.eprint!.id);
      assert.equal(field('archivePrefix') ?? field('archiveprefix'), 'arXiv');
      assert.equal(field('primaryClass') ?? field('primaryclass'), paper.eprint!.primaryClass);
    }
  });

  it('gives a bundled corpus paper the authors and year of the snapshot record with its title', async () => {
    const bundled = (await loadCorpus()).papers;
    const byTitle = new Map(bundled.map((p) => [titleIdentity(p.title), p]));
    const joined = kept.map(paperOf).find((p) => byTitle.has(titleIdentity(p.title)));
    assert.ok(joined, 'the fixture holds bundled titles in the kept categories');
    const key = byTitle.get(titleIdentity(joined.title))!.key;
    const entry = await client.request<string | null>('litlens/bibtex', { key });
    assert.ok(entry, key);
    assert.match(entry, new RegExp(`^\\s*year\\s*=\\s*\\{${joined.year}\\}`, 'm'));
    assert.match(entry, /^\s*author\s*=/m);
    assert.ok(entry.startsWith(`@`) && entry.includes(`{${key},`), entry);
    // Listed once: the bundled paper stands for the record, which the library still knows.
    const hits = await client.request<{ key: string }[]>('litlens/search', { query: joined.title, limit: 10 });
    assert.equal(hits[0]?.key, key, JSON.stringify(hits));
    assert.ok(!hits.some((h) => h.key === joined.key), `${joined.key} listed beside ${key}`);
    assert.ok(await client.request<string | null>('litlens/bibtex', { key: joined.key }), 'the record is still in the library');
  });

  it('a second server opens the saved index without reading the snapshot, answering a key hover meanwhile', async () => {
    const second = TestClient.start();
    second.settings = settings;
    try {
      await second.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: settings });
      // A key of the workspace's own .bib hovered from the start, every 10 ms, until a card comes:
      // it must come while the saved corpus is still opening (read in the worker, decoded a chunk per turn).
      const opening = path.join(ws, 'opening.tex');
      const text = '\\documentclass{article}\n\\begin{document}\nAs in \\cite{smith2020graphs}.\n\\bibliography{refs}\n\\end{document}\n';
      await second.open(opening, 'latex', text);
      let card = '';
      let corpusWasReady = false;
      while (!card) {
        const hover = await second.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(opening) }, position: positionOf(text, 'smith2020graphs', 3) });
        corpusWasReady = statuses(second).some(corpusReady);
        if (hover && /^### /.test(hover.contents.value)) card = hover.contents.value;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(!corpusWasReady, `the key hover waited for the corpus: ${card.slice(0, 80)}`);
      const done = await second.waitFor<Status>('litlens/status', corpusReady, 30000);
      assert.equal(done.corpus!.papers, kept.length);
      const messages = progressMessages(second);
      assert.ok(messages.some((m) => /looking for a saved index/.test(m)), messages.join('\n'));
      assert.ok(!messages.some((m) => /indexing \(/.test(m)), `built again:\n${messages.join('\n')}`);
    } finally {
      await second.stop();
    }
  });

  it('reads the snapshot again when it changes', async () => {
    const extra = { ...records.find((r) => r.id === kept[0].id)!, id: '2612.99999', title: 'A Late Addition on Zebra Finch Song Learning' };
    fs.appendFileSync(snapshot, `${JSON.stringify(extra)}\n`);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(snapshot), type: 2 }] });
    const done = await client.waitForNext<Status>('litlens/status', (s) => corpusReady(s) && s.corpus!.papers === kept.length + 1, 60000);
    assert.equal(done.corpus!.papers, kept.length + 1);
    const hits = await client.request<{ key: string }[]>('litlens/search', { query: 'zebra finch song', limit: 3 });
    assert.equal(hits[0]?.key, 'arXiv:2612.99999');
  });
});

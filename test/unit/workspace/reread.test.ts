import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from '../../../bench/generate';
import { loadBibtexParser, parseBibtex } from '../../../server/src/library/bibtex';
import type { SearchIndex } from '../../../server/src/search';
import { LitLensWorkspace } from '../../../server/src/workspace/workspace';
import { config } from '../features/fixture';

/** The index's segments (one per chunk of a source), in order. */
const segments = (index: SearchIndex): unknown[] => (index as unknown as { parts: { seg: unknown }[] }).parts.map((p) => p.seg);

describe('workspace: a changed library file is re-read by what changed', function () {
  this.timeout(120000); // a 6k-entry file read and indexed in workers, on a shared machine
  let dir: string;
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-reread-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an unchanged rewrite changes nothing; one changed entry re-indexes only its chunk', async () => {
    const bib = path.join(dir, 'refs.bib');
    const papers = generatePapers(corpusItems(), 6000, 11, bib);
    const text = toBib(papers);
    fs.writeFileSync(bib, text);
    // Read as objects (a file this big would otherwise go into a paper store, re-read whole when it changes).
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: path.join(dir, '.cache'), storeBytes: Infinity });
    try {
      await ws.load(config({ bundledCorpus: false }));
      const before = ws.ready()!;
      const version = before.library.version;
      const segs = segments(before.index.index);
      assert.ok(segs.length >= 2, `${segs.length} chunks`);

      fs.writeFileSync(bib, text); // the same bytes again (an export run twice)
      assert.equal(await ws.update({ file: bib, type: 'changed' }), false);
      assert.equal(ws.ready()!.library.version, version, 'nothing was re-read');

      const i = text.indexOf('title = {', text.length >> 1);
      fs.writeFileSync(bib, `${text.slice(0, i + 9)}Zyzzogeton Quokkas ${text.slice(i + 9)}`);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      const after = ws.ready()!;
      assert.match((await after.index.search('zyzzogeton quokkas', { limit: 1 }))[0]?.paper.title ?? '', /^Zyzzogeton Quokkas/);
      const kept = segments(after.index.index).filter((s) => segs.includes(s));
      assert.equal(kept.length, segs.length - 1, 'every chunk but the edited one is the same segment');
    } finally {
      await ws.dispose();
    }
  });
});

describe('workspace: a library file in a paper store is re-read by what changed', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-reread-store-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses only the changed entries, keeps the others, and a reordered rewrite parses nothing', async () => {
    const bib = path.join(dir, 'big.bib');
    const papers = generatePapers(corpusItems(), 1500, 7, bib);
    const text = toBib(papers);
    fs.writeFileSync(bib, text);
    const log: string[] = [];
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: path.join(dir, '.cache'), storeBytes: 1, settle: { quietMs: 100, maxMs: 1000 }, log: (m) => log.push(m) });
    try {
      await ws.load(config({ bundledCorpus: false }));
      const before = ws.ready()!.library;
      assert.ok(before.stores.length === 1 && before.size === 1500, `${before.stores.length} stores, ${before.size} papers`);
      const titles = new Map(papers.map((p) => [p.key, before.get(p.key)?.title]));

      // One title edited in the middle of the file.
      const i = text.indexOf('title = {', text.length >> 1) + 'title = {'.length;
      const edited = `${text.slice(0, i)}Zyzzogeton Quokkas ${text.slice(i)}`;
      fs.writeFileSync(bib, edited);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      assert.match(log.at(-1)!, /big\.bib: 1 changed entry read again, 1499 kept/);
      const { library, index } = ws.ready()!;
      const hit = (await index.search('zyzzogeton quokkas', { limit: 1 }))[0]?.paper;
      assert.match(hit?.title ?? '', /^Zyzzogeton Quokkas/);
      assert.equal(library.size, 1500);
      for (const p of papers) if (p.key !== hit!.key) assert.equal(library.get(p.key)?.title, titles.get(p.key), p.key);
      assert.equal((await index.search(titles.get(hit!.key)!, { limit: 5 })).filter((h) => h.paper.key === hit!.key && !/Zyzzogeton/.test(h.paper.title)).length, 0, 'the old title is not found');
      // An entry after the edit is read from its new place in the file.
      const last = papers.at(-1)!;
      assert.equal((await library.fullEntry(last.key))?.title, last.title);

      // The entries in another order, none changed: matched by their bytes, nothing parsed.
      const entries = edited.split(/\n(?=@)/);
      const reordered = [...entries.slice(1), entries[0]].join('\n');
      fs.writeFileSync(bib, reordered);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      assert.match(log.at(-1)!, /0 changed entries read again/);
      const after = ws.ready()!.library;
      assert.equal(after.size, 1500);
      assert.equal((await after.fullEntry(papers[0].key))?.title, papers[0].title, 'the first entry, now last, read from its new place');
      assert.equal((await after.fullEntry(hit!.key))?.title, hit!.title);

      // An entry removed and one broken: applied once the file has settled, the error at its line.
      const removed = papers[10].key;
      const kept = reordered.split(/\n(?=@)/).filter((e) => !e.includes(`{${removed},`));
      const broken = `@article{broken2024,\n  title = {Unclosed\n`;
      const final = [...kept.slice(0, 5), broken, ...kept.slice(5)].join('\n');
      fs.writeFileSync(bib, final);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      const now = ws.ready()!.library;
      assert.equal(now.has(removed), false);
      assert.equal(now.size, 1499);
      // The problems a whole read of the file reports, at the same lines.
      await loadBibtexParser();
      const whole = parseBibtex(bib, final).issues;
      assert.ok(whole.some((e) => e.severity === 'error'));
      assert.deepEqual(now.issues.map(({ line, severity, message }) => ({ line, severity, message })), whole.map(({ line, severity, message }) => ({ line, severity, message })));
      assert.ok((await ws.ready()!.index.search(titles.get(removed)!, { limit: 3 })).every((h) => h.paper.key !== removed), 'the removed entry is not searchable');
    } finally {
      await ws.dispose();
    }
  });

  it('once the file is quiet, reads it whole and saves it: the next start opens the saved index', async () => {
    const bib = path.join(dir, 'big.bib');
    const text = toBib(generatePapers(corpusItems(), 600, 3, bib));
    fs.writeFileSync(bib, text);
    const cacheDir = path.join(dir, '.cache');
    const log: string[] = [];
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir, storeBytes: 1, foldMs: 100, log: (m) => log.push(m) });
    try {
      await ws.load(config({ bundledCorpus: false }));
      const i = text.indexOf('title = {', text.length >> 1) + 'title = {'.length;
      fs.writeFileSync(bib, `${text.slice(0, i)}Zyzzogeton Quokkas ${text.slice(i)}`);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      assert.equal(ws.ready()!.library.sources[0].papers.length, 1, 'the changed entry is held beside the store');
      for (let t = Date.now(); ws.ready()!.library.sources[0].papers.length && Date.now() - t < 60000; ) await new Promise((r) => setTimeout(r, 50));
      const folded = ws.ready()!.library.sources[0];
      assert.equal(folded.papers.length, 0, 'read whole again');
      assert.equal(folded.store!.live, 600);
      assert.match((await ws.ready()!.index.search('zyzzogeton quokkas', { limit: 1 }))[0]?.paper.title ?? '', /^Zyzzogeton Quokkas/);
    } finally {
      await ws.dispose();
    }
    const again = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir, storeBytes: 1, log: (m) => log.push(m) });
    try {
      await again.load(config({ bundledCorpus: false }));
      assert.match(log.at(-1)!, /big\.bib: opened its saved index \(600 entries\)/);
      assert.match((await again.ready()!.index.search('zyzzogeton quokkas', { limit: 1 }))[0]?.paper.title ?? '', /^Zyzzogeton Quokkas/);
    } finally {
      await again.dispose();
    }
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arxivKey, arxivYear, categoriesInLine, categoryFilter } from '../../../server/src/library/arxiv';
import { parseCslJson } from '../../../server/src/library/csljson';
import { scanRecords } from '../../../server/src/library/jsonl';
import { formatIssue } from '../../../server/src/library/paper';
import { loadBibtexParser, parseBibtex } from '../../../server/src/library/bibtex';
import { detectFormat, paperOfRecord, streamPapers, type StreamOptions, type StreamedPaper } from '../../../server/src/library/stream';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const edge = join(fixtures, 'arxiv', 'edge.jsonl');
const snapshot = join(fixtures, 'arxiv', 'snapshot-1k.jsonl');

async function read(file: string, options: StreamOptions = {}) {
  const papers: StreamedPaper[] = [];
  const result = await streamPapers(file, (p) => papers.push(p), options);
  return { papers, ...result };
}

describe('library/stream: arXiv snapshots and JSON lines read as a stream', () => {
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'litlens-stream-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('detects the format from the first record', async () => {
    assert.equal(await detectFormat(snapshot), 'arxiv');
    assert.equal(await detectFormat(join(fixtures, 'bib', 'items.json')), 'csl-json');
    const csl = join(tmp, 'items.jsonl');
    writeFileSync(csl, '{"id":"a","type":"article","title":"A"}\n');
    assert.equal(await detectFormat(csl), 'csl-jsonl');
    assert.match(await detectFormat(join(fixtures, 'bib', 'zotero.bib')), /neither JSON lines nor a JSON array/);
    assert.match(await detectFormat(join(tmp, 'missing.jsonl')), /no such file/);
  });

  it('reads arXiv records: arXiv:ID keys, the first version\'s year, LaTeX names decoded, the fields a .bib entry needs', async () => {
    const { papers, format } = await read(edge);
    assert.equal(format, 'arxiv');
    assert.deepEqual(
      papers.map((p) => [p.paper.key, p.paper.year, p.paper.origin.line]),
      [
        ['arXiv:0704.0001', 2007, 1],
        ['arXiv:hep-th/9901001', 1999, 2],
        ['arXiv:2103.01234', 2021, 6],
        ['arXiv:1905.00100', 2019, 7],
      ],
    );
    const [diphoton, , rank, graphs] = papers.map((p) => p.paper);
    assert.equal(diphoton.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
    assert.deepEqual(diphoton.authors, ['Balázs, C.', 'Berger, E. L.', 'Nadolsky, P. M.', 'Yuan, C. -P.']);
    assert.deepEqual(diphoton.eprint, { id: '0704.0001', archivePrefix: 'arXiv', primaryClass: 'hep-ph' });
    assert.equal(diphoton.venue, 'Phys.Rev.D76:013009,2007');
    assert.equal(diphoton.doi, '10.1103/PhysRevD.76.013009', 'the first of two DOIs');
    assert.equal(diphoton.type, 'article');
    assert.equal(diphoton.url, 'https://arxiv.org/abs/0704.0001');
    assert.equal(diphoton.abstract, 'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders.');
    assert.equal(rank.title, 'Learning to Rank Under \\emph{Distribution} Shift', 'LaTeX beyond the simple subset stays as written');
    assert.deepEqual(rank.authors, ['Lovelace, Ada', 'Kierkegaard, Søren']);
    assert.equal(rank.type, 'misc');
    assert.equal(rank.venue, undefined);
    assert.equal(rank.eprint?.primaryClass, 'cs.LG');
    assert.deepEqual(graphs.authors, ['Lee, Kim, Jr.']);
  });

  it('reports each bad line as file:line and keeps every other record; a cut last line says so', async () => {
    const { papers, issues, progress } = await read(edge);
    assert.equal(papers.length, 4);
    assert.deepEqual(
      issues.map((i) => formatIssue({ ...i, file: 'edge.jsonl' })),
      [
        'edge.jsonl:3: error: invalid JSON: Unexpected end of JSON input; skipped',
        'edge.jsonl:5: error: no "id"; skipped',
        'edge.jsonl:8: error: the file ends in the middle of a record (truncated?); skipped',
      ],
    );
    assert.deepEqual(progress, { bytes: progress.totalBytes, totalBytes: readFileSync(edge).length, records: 7, papers: 4, filtered: 0, issues: 3 });
  });

  it('gives each record\'s byte offset and length: the record can be read again on its own', async () => {
    const bytes = readFileSync(snapshot);
    const { papers } = await read(snapshot);
    assert.equal(papers.length, 1000);
    for (const p of [papers[0], papers[1], papers[499], papers[999]]) {
      const text = bytes.subarray(p.offset, p.offset + p.length).toString('utf8');
      const again = paperOfRecord('arxiv', snapshot, text, p.paper.origin.line);
      assert.ok(typeof again !== 'string');
      assert.deepEqual(again.paper, p.paper);
    }
    // Records are one per line and nothing else: offsets and lengths tile the file.
    let at = 0;
    for (const p of papers) {
      assert.equal(p.offset, at);
      at += p.length + 1;
    }
    assert.equal(at, bytes.length);
  });

  it('reads the same in small pieces as in large ones (records split across reads, multi-byte characters too)', async () => {
    const whole = await read(snapshot);
    const pieces: StreamedPaper[] = [];
    const issues: unknown[] = [];
    await scanRecords(snapshot, (r) => {
      const p = paperOfRecord('arxiv', snapshot, r.text, r.line);
      if (typeof p === 'string') issues.push(p);
      else pieces.push({ paper: p.paper, offset: r.offset, length: r.length });
    }, { layout: 'lines', chunkBytes: 97 });
    assert.deepEqual(issues, []);
    assert.deepEqual(pieces, whole.papers);
  });

  it('filters by category: any listed category counts, an archive name stands for all its classes', async () => {
    const all = await read(snapshot);
    const lg = await read(snapshot, { categories: ['cs.LG'] });
    const lines = readFileSync(snapshot, 'utf8').split('\n');
    const expected = all.papers.filter((p) => (JSON.parse(lines[p.paper.origin.line - 1]) as { categories: string }).categories.split(' ').includes('cs.LG'));
    assert.ok(expected.length > 100 && expected.length < 900);
    assert.deepEqual(lg.papers.map((p) => p.paper.key), expected.map((p) => p.paper.key));
    assert.equal(lg.progress.filtered, 1000 - expected.length);
    // An escaped categories field is parsed, not skipped; "astro-ph" takes astro-ph.CO.
    const edgeLg = await read(edge, { categories: ['stat.ML', 'astro-ph'] });
    assert.deepEqual(edgeLg.papers.map((p) => p.paper.key), ['arXiv:2103.01234', 'arXiv:1905.00100']);
    const test = categoryFilter(['cs', 'hep-th'])!;
    assert.equal(test(['cs.CL']), true);
    assert.equal(test(['hep-th']), true);
    assert.equal(test(['hep-ph', 'math.OC']), false);
    assert.equal(categoryFilter([]), null);
    assert.equal(categoryFilter([' ']), null);
    assert.deepEqual(categoriesInLine('{"id":"1","categories":"cs.LG stat.ML","x":1}'), ['cs.LG', 'stat.ML']);
    assert.equal(categoriesInLine('{"categories":"cs.LG\\u0020stat.ML"}'), undefined);
  });

  it('keys and years: versions dropped from keys; the year from the first version, else the id, else update_date', () => {
    assert.equal(arxivKey('2103.01234v2'), 'arXiv:2103.01234');
    assert.equal(arxivKey('hep-th/9901001'), 'arXiv:hep-th/9901001');
    assert.equal(arxivYear({ versions: [{ created: 'Mon, 2 Apr 2007 19:18:42 GMT' }, { created: 'Tue, 24 Jul 2008 20:10:27 GMT' }], update_date: '2010-01-01' }), 2007);
    assert.equal(arxivYear({ id: '1501.00001' }), 2015);
    assert.equal(arxivYear({ id: 'math.GT/0309136' }), 2003);
    assert.equal(arxivYear({ id: 'hep-th/9901001' }), 1999);
    assert.equal(arxivYear({ id: 'weird', update_date: '2012-03-04' }), 2012);
    assert.equal(arxivYear({}), undefined);
  });

  it('calls back with progress counts while it reads, and once at the end', async () => {
    const seen: number[] = [];
    const { progress } = await read(snapshot, { progressMs: 0, onProgress: (p) => seen.push(p.records) });
    assert.ok(seen.length >= 2);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'counts only grow');
    assert.equal(seen[seen.length - 1], progress.records);
    assert.equal(progress.records, 1000);
  });

  it('reads JSON lines of CSL items like the CSL-JSON reader, with their lines', async () => {
    const file = join(tmp, 'items.jsonl');
    writeFileSync(
      file,
      [
        '{"id":"ha2018world","type":"article-journal","title":"World Models","author":[{"family":"Ha","given":"David"}],"issued":{"date-parts":[[2018]]},"abstract":"Generative models of the world."}',
        '{"type":"book","title":"No id"}',
        '[1, 2]',
        '{"id":"untitled2020","type":"report"}',
        '',
      ].join('\n'),
    );
    const { papers, issues, format } = await read(file);
    assert.equal(format, 'csl-jsonl');
    assert.deepEqual(papers.map((p) => [p.paper.key, p.paper.origin.line, p.paper.year]), [['ha2018world', 1, 2018], ['untitled2020', 4, undefined]]);
    assert.deepEqual(papers[0].paper.authors, ['Ha, David']);
    assert.deepEqual(
      issues.map((i) => `${i.line}: ${i.severity}: ${i.message}`),
      ['2: error: the item has no "id"; skipped', '3: error: not a JSON object (a CSL item); skipped', '4: warning: item "untitled2020" has no title'],
    );
  });

  it('streams a CSL-JSON array item by item: the same papers and lines as reading it whole', async () => {
    const file = join(fixtures, 'bib', 'items.json');
    const whole = parseCslJson(file, readFileSync(file, 'utf8'));
    const { papers, issues } = await read(file);
    assert.deepEqual(
      papers.map((p) => p.paper),
      whole.papers,
    );
    assert.deepEqual(issues, whole.issues.map((i) => ({ ...i, message: i.message.replace(/^item 2 /, 'the item ') })));
  });

  it('an array cut short keeps the items before the cut and says where it ends', async () => {
    const file = join(tmp, 'cut.json');
    writeFileSync(file, '[\n{"id":"a","title":"A"},\n{"id":"b","title":"B, with a ] and a \\" inside"},\n{"id":"c","tit');
    const { papers, issues } = await read(file);
    assert.deepEqual(papers.map((p) => [p.paper.key, p.paper.title, p.paper.origin.line]), [['a', 'A', 2], ['b', 'B, with a ] and a " inside', 3]]);
    assert.deepEqual(issues.map((i) => [i.line, i.message]), [[4, 'the file ends inside item 3 (truncated?); the items before it are read']]);
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(papers[1].offset, papers[1].offset + papers[1].length).toString(), '{"id":"b","title":"B, with a ] and a \\" inside"}');
  });

  it('a file that is no corpus gives one issue and no papers', async () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'just some notes\n');
    const { papers, issues, format } = await read(file);
    assert.equal(format, null);
    assert.deepEqual(papers, []);
    assert.deepEqual(issues.map((i) => [i.line, i.message]), [[0, 'neither JSON lines nor a JSON array']]);
  });

  it('lists at most maxIssues problems, then counts the rest', async () => {
    const file = join(tmp, 'garbage.jsonl');
    writeFileSync(file, `${'{"id":"x","title":"ok","versions":[]}\n'}${'{oops\n'.repeat(30)}`);
    const { papers, issues, progress } = await read(file, { maxIssues: 5 });
    assert.equal(papers.length, 1);
    assert.equal(progress.issues, 30);
    assert.equal(issues.length, 6);
    assert.equal(issues[5].message, '25 more problems not listed');
  });
});

describe('library/stream: a BibTeX file read as a stream', () => {
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'litlens-bibstream-'));
    await loadBibtexParser();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  // @string macros, a broken entry, CRLF line ends, a BOM and non-ASCII text, entries cut by every block boundary.
  const entry = (i: number) =>
    `@article{key${i},\r\n  title = {Entry {${i}} on Gr\u00f6bner bases and caf\u00e9s},\r\n  author = {M\u00fcller, Anna and Smith, Bob},\r\n  journal = ${i % 2 ? 'jmlr' : '{Plain Venue}'},\r\n  year = {${2000 + (i % 20)}},\r\n  abstract = {${'Words of an abstract. '.repeat(i % 7)}},\r\n}\r\n\r\n`;
  const body = () => {
    let text = '\ufeff@string{jmlr = {Journal of Machine Learning Research}}\r\n\r\n';
    for (let i = 0; i < 120; i++) {
      if (i === 60) text += '@article{broken, title = {Never {closed},\r\n\r\n';
      if (i === 90) text += '@string{late = {Defined Late}}\r\n@misc{usesLate, title = {Late}, howpublished = late}\r\n';
      text += entry(i);
    }
    return text;
  };

  it('gives the papers, lines and issues of a whole read, and where each entry is', async () => {
    const file = join(tmp, 'refs.bib');
    const text = body();
    writeFileSync(file, text);
    const whole = parseBibtex(file, text.slice(1));
    for (const blockBytes of [1024, 4096, 1 << 20]) {
      const streamed = await read(file, { format: 'bibtex', blockBytes });
      assert.equal(streamed.fallback, undefined);
      assert.deepEqual(
        streamed.papers.map((p) => p.paper),
        whole.papers,
        `block ${blockBytes}`,
      );
      assert.deepEqual(streamed.issues, whole.issues);
      assert.match(streamed.issues.map(formatIssue).join('\n'), /refs\.bib:\d+: .*broken/);
      const bytes = readFileSync(file);
      for (const { paper, offset, length } of streamed.papers) {
        const record = bytes.toString('utf8', offset, offset + length);
        assert.ok(record.startsWith(`@`) && record.trimEnd().endsWith('}') && record.includes(`{${paper.key},`), record);
        const again = paperOfRecord('bibtex', file, record, paper.origin.line, streamed.strings);
        assert.ok(typeof again !== 'string');
        assert.deepEqual(again.paper, paper);
      }
    }
  });

  it('a file with crossref or not in UTF-8 is left to the whole-file reader', async () => {
    const crossref = join(tmp, 'crossref.bib');
    writeFileSync(crossref, '@inproceedings{child, title = {C}, crossref = {parent}}\n@proceedings{parent, title = {P}}\n');
    assert.equal((await read(crossref, { format: 'bibtex' })).fallback, 'crossref');
    const latin1 = join(tmp, 'latin1.bib');
    writeFileSync(latin1, Buffer.from('@article{k, title = {Caf\xe9}}\n', 'latin1'));
    assert.equal((await read(latin1, { format: 'bibtex' })).fallback, 'not UTF-8');
  });
});

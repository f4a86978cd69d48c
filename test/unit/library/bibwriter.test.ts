import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadBibtexParser, parseBibtex } from '../../../server/src/library/bibtex';
import { addEntries, appendEntry, escapeLatex, toBibtex } from '../../../server/src/library/bibwriter';
import { decodeBibliography } from '../../../server/src/library/encoding';
import type { Paper } from '../../../server/src/library/paper';

const muzero: Paper = {
  key: 'mastering-atari-go',
  title: 'MuZero: Mastering Atari, Go, Chess & Shogi with 100% of {GPT-3}_x',
  authors: ['Schrittwieser, Julian', 'Müller, Jörg', 'DeepMind Team'],
  year: 2020,
  venue: 'Nature',
  abstract: 'Costs $5 & #1 ~ 50% of C:\\path_x.',
  doi: '10.1038/s41586-020-03051-4',
  url: 'https://example.org/a_b%20c#frag',
  type: 'article',
  origin: { file: 'corpus/papers.json', line: 2, kind: 'corpus' },
};

describe('library/bibwriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'litlens-bib-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  before(loadBibtexParser);

  it('escapes LaTeX specials', () => {
    assert.equal(escapeLatex('& % $ # _ { } ~ ^ \\'), '\\& \\% \\$ \\# \\_ \\{ \\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
  });

  it('writes an entry that reads back to the same paper', () => {
    const bib = toBibtex(muzero);
    assert.match(bib, /^@article\{mastering-atari-go,\n/);
    assert.match(bib, /title += \{\{MuZero:\} Mastering Atari, Go, Chess \\& Shogi with 100\\% of \{\\\{GPT-3\\\}\\_x\}\},/);
    assert.match(bib, /author += \{Schrittwieser, Julian and Müller, Jörg and \{DeepMind Team\}\},/);
    assert.match(bib, /journal += \{Nature\},/);
    const back = parseBibtex('x.bib', bib).papers[0];
    assert.equal(back.title, muzero.title);
    assert.deepEqual(back.authors, muzero.authors);
    assert.equal(back.abstract, muzero.abstract);
    assert.equal(back.year, 2020);
    assert.equal(back.venue, 'Nature');
    assert.equal(back.doi, muzero.doi);
    assert.equal(back.url, muzero.url);
  });

  it('maps CSL types and venues to BibTeX fields', () => {
    assert.match(toBibtex({ ...muzero, type: 'paper-conference' }), /^@inproceedings\{[^]*booktitle += \{Nature\}/);
    assert.match(toBibtex({ ...muzero, type: undefined }), /^@misc\{[^]*howpublished/);
  });

  it('writes a bundled-corpus paper without authors or year as a @misc saying where it came from, inventing nothing', () => {
    const bare: Paper = { key: 'mastering-atari-go', title: 'Mastering Atari, Go, Chess and Shogi', authors: [], abstract: 'We plan.', type: 'article', origin: { file: 'corpus/papers.json', line: 2, kind: 'corpus' } };
    const bib = toBibtex(bare);
    assert.equal(bib, '@misc{mastering-atari-go,\n  title        = {Mastering Atari, Go, Chess and Shogi},\n  howpublished = {LitLens bundled corpus},\n  abstract     = {We plan.}\n}\n');
    const withEprint = toBibtex({ ...bare, eprint: { id: '1911.08265', archivePrefix: 'arXiv', primaryClass: 'cs.LG' }, url: 'https://arxiv.org/abs/1911.08265' });
    assert.ok(withEprint.includes('  howpublished  = {LitLens bundled corpus, arXiv:1911.08265},\n  eprint        = {1911.08265},\n  archivePrefix = {arXiv},\n  primaryClass  = {cs.LG},\n  url           = {https://arxiv.org/abs/1911.08265},'), withEprint);
    assert.match(withEprint, /^@misc\{/);
    assert.doesNotMatch(withEprint, /author|year/);
    // The title's maths as written, when the corpus keeps it.
    assert.match(toBibtex({ ...bare, title: 'AstroM3: a model' }, { titleTex: 'AstroM$^3$: a model' }), /title {8}= \{AstroM\$\^3\$: a model\}/);
    assert.match(toBibtex({ ...bare, title: 'A 100% b' }, { titleTex: 'A 100% b' }), /title {8}= \{A 100\\% b\}/, 'not written as is when it would break the value');
    const back = parseBibtex('x.bib', bib);
    assert.deepEqual(back.issues, []);
    assert.equal(back.papers[0].venue, 'LitLens bundled corpus');
  });

  it('writes an arXiv paper complete: all authors, title, year, eprint, archivePrefix, primaryClass, doi and journal', () => {
    const arxiv: Paper = {
      key: 'arXiv:2101.00001', title: 'An improved R̂ for assessing', authors: ['Vehtari, Aki', 'Gelman, Andrew', 'Simpson, Daniel'], year: 2021,
      eprint: { id: '2101.00001', archivePrefix: 'arXiv', primaryClass: 'stat.CO' }, url: 'https://arxiv.org/abs/2101.00001', type: 'misc',
      origin: { file: 'snap.json', line: 1, kind: 'arxiv' },
    };
    const misc = toBibtex(arxiv);
    assert.equal(
      misc,
      '@misc{arXiv:2101.00001,\n  author        = {Vehtari, Aki and Gelman, Andrew and Simpson, Daniel},\n  title         = {An improved R̂ for assessing},\n  year          = {2021},\n  eprint        = {2101.00001},\n  archivePrefix = {arXiv},\n  primaryClass  = {stat.CO},\n  url           = {https://arxiv.org/abs/2101.00001}\n}\n',
    );
    const article = toBibtex({ ...arxiv, type: 'article', venue: 'Bayesian Analysis 16 (2021) 667', doi: '10.1214/20-BA1221' });
    assert.match(article, /^@article\{[^]*journal {7}= \{Bayesian Analysis 16 \(2021\) 667\},[^]*eprint[^]*doi {11}= \{10\.1214\/20-BA1221\}/);
    const back = parseBibtex('x.bib', article).papers[0];
    assert.deepEqual(back.authors, arxiv.authors);
    assert.equal(back.year, 2021);
  });

  it('appends to a file without a final newline, keeping every byte', () => {
    const file = join(dir, 'refs.bib');
    const before = Buffer.from('% Jörg’s refs\n@misc{a,\n  title = {Ä}\n}', 'utf8');
    writeFileSync(file, before);
    chmodSync(file, 0o640);
    return appendEntry(file, muzero).then(() => {
      const after = readFileSync(file);
      assert.ok(after.subarray(0, before.length).equals(before), 'existing bytes unchanged');
      assert.equal(after.subarray(before.length).toString('utf8'), `\n\n${toBibtex(muzero)}`);
      assert.equal(statSync(file).mode & 0o777, 0o640, 'mode kept');
      assert.deepEqual(readdirSync(dir), ['refs.bib'], 'no temp file left');
      const { papers, issues } = parseBibtex(file, after.toString('utf8'));
      assert.deepEqual(issues, []);
      assert.deepEqual(papers.map((p) => [p.key, p.origin.line]), [['a', 2], ['mastering-atari-go', 6]]);
    });
  });

  it('keeps CRLF files CRLF and adds only one blank line after a final newline', async () => {
    const file = join(dir, 'crlf.bib');
    const before = Buffer.from('@misc{a,\r\n  title = {A}\r\n}\r\n', 'utf8');
    writeFileSync(file, before);
    await appendEntry(file, muzero);
    const after = readFileSync(file);
    assert.ok(after.subarray(0, before.length).equals(before));
    assert.equal(after.subarray(before.length).toString('utf8'), `\r\n${toBibtex(muzero).replace(/\n/g, '\r\n')}`);
  });

  it('creates a missing file and refuses a key already present', async () => {
    const file = join(dir, 'new.bib');
    await appendEntry(file, muzero);
    assert.equal(readFileSync(file, 'utf8'), toBibtex(muzero));
    await assert.rejects(appendEntry(file, muzero), /key "mastering-atari-go" is already in the file/);
    await assert.rejects(appendEntry(file, { ...muzero, key: 'MASTERING-atari-go' }), /already in the file/);
    assert.equal(readFileSync(file, 'utf8'), toBibtex(muzero), 'unchanged after refusing');
    assert.deepEqual(readdirSync(dir), ['new.bib']);
  });

  it('writes through a symlink instead of replacing it', async () => {
    const target = join(dir, 'real.bib');
    const link = join(dir, 'link.bib');
    writeFileSync(target, '@misc{a, title={A}}\n');
    symlinkSync(target, link);
    await appendEntry(link, muzero);
    assert.ok(statSync(link).isFile());
    assert.match(readFileSync(target, 'utf8'), /mastering-atari-go/);
  });

  it('leaves no temp file and the original intact when the write fails', async () => {
    const file = join(dir, 'ro', 'refs.bib');
    await assert.rejects(appendEntry(file, muzero));
    assert.deepEqual(readdirSync(dir), []);
  });
  const paper = (key: string, extra: Partial<Paper> = {}): Paper => ({ key, title: `Title of ${key}`, authors: ['Doe, Jane'], year: 2021, type: 'article', origin: { file: 'corpus', line: 1, kind: 'corpus' }, ...extra });

  it('addEntries says for each key: added, already there (any case, or earlier in the same call), or refused with the reason', async () => {
    const file = join(dir, 'refs.bib');
    writeFileSync(file, '@article{Old, title = {Old}}\n');
    const outcomes = await addEntries(file, [paper('new1'), paper('old'), paper('new1'), paper('with space'), paper('a,b'), paper('br{ace'), paper('q"uote'), paper('h#sh'), paper('per%cent'), paper('new2')]);
    assert.deepEqual(outcomes, [
      { key: 'new1', outcome: 'added' },
      { key: 'old', outcome: 'already-there' },
      { key: 'new1', outcome: 'already-there' },
      { key: 'with space', outcome: 'refused', reason: 'a BibTeX key cannot hold a space: "with space"' },
      { key: 'a,b', outcome: 'refused', reason: 'a BibTeX key cannot hold ",": "a,b"' },
      { key: 'br{ace', outcome: 'refused', reason: 'a BibTeX key cannot hold "{": "br{ace"' },
      { key: 'q"uote', outcome: 'refused', reason: 'a BibTeX key cannot hold """: "q\\"uote"' },
      { key: 'h#sh', outcome: 'refused', reason: 'a BibTeX key cannot hold "#": "h#sh"' },
      { key: 'per%cent', outcome: 'refused', reason: 'a BibTeX key cannot hold "%": "per%cent"' },
      { key: 'new2', outcome: 'added' },
    ]);
    assert.deepEqual(parseBibtex(file, readFileSync(file, 'utf8')).papers.map((p) => p.key), ['Old', 'new1', 'new2']);
    assert.deepEqual(await addEntries(join(dir, 'items.json'), [paper('x y'), paper('ok')]), [
      { key: 'x y', outcome: 'refused', reason: 'a citation key cannot hold spaces or control characters: "x y"' },
      { key: 'ok', outcome: 'added' },
    ]);
    assert.deepEqual(await addEntries(join(dir, 'items.json'), [paper('ok')]), [{ key: 'ok', outcome: 'already-there' }]);
  });

  it('refuses a read-only file (mode 444) even for root, and leaves it as it was', async () => {
    const file = join(dir, 'ro.bib');
    writeFileSync(file, '@misc{a, title = {A}}\n');
    chmodSync(file, 0o444);
    assert.deepEqual(await addEntries(file, [paper('b')]), [{ key: 'b', outcome: 'refused', reason: 'read-only file (mode 0444); make it writable to add entries' }]);
    await assert.rejects(appendEntry(file, paper('b')), /ro\.bib: read-only file \(mode 0444\); make it writable to add entries; the entry was not added/);
    assert.equal(readFileSync(file, 'utf8'), '@misc{a, title = {A}}\n');
    assert.deepEqual(readdirSync(dir), ['ro.bib'], 'no lock file left');
  });

  it("refuses, for a user who may not write the file, what that user's own `echo >>` would refuse", function () {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const file = join(dir, 'root-owned.bib');
    writeFileSync(file, '@misc{a, title = {A}}\n');
    chmodSync(file, 0o644);
    chmodSync(dir, 0o755);
    const script = `require('./server/src/library/bibwriter').addEntries(${JSON.stringify(file)}, [{ key: 'b', title: 'B', authors: [], origin: { file: 'x', line: 1, kind: 'corpus' } }]).then((r) => console.log(JSON.stringify(r)))`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ key: 'b', outcome: 'refused', reason: 'permission denied: the file (or its folder) is not writable for this user' }]);
    assert.equal(readFileSync(file, 'utf8'), '@misc{a, title = {A}}\n');
  });

  it('keeps the owner, group and mode, and both names of a hard link', async () => {
    const file = join(dir, 'shared.bib');
    const other = join(dir, 'other-name.bib');
    writeFileSync(file, '@misc{a, title = {A}}\n');
    chmodSync(file, 0o664);
    if (process.getuid?.() === 0) chownSync(file, 65534, 65534);
    linkSync(file, other);
    const before = statSync(file);
    await appendEntry(file, paper('b'));
    const after = statSync(file);
    assert.deepEqual([after.uid, after.gid, after.mode & 0o7777, after.ino, after.nlink], [before.uid, before.gid, 0o664, before.ino, 2]);
    assert.match(readFileSync(other, 'utf8'), /@article\{b,/, 'the other name sees the entry');
  });

  it('refuses a dangling symbolic link or a link loop instead of replacing it', async () => {
    const dangling = join(dir, 'dangling.bib');
    symlinkSync(join(dir, 'nowhere', 'refs.bib'), dangling);
    assert.deepEqual(await addEntries(dangling, [paper('b')]), [{ key: 'b', outcome: 'refused', reason: `dangling symbolic link: its target ${join(dir, 'nowhere', 'refs.bib')} does not exist` }]);
    assert.equal(statSync(dangling, { throwIfNoEntry: false }), undefined, 'no target was created');
    const loop = join(dir, 'loop.bib');
    symlinkSync('loop.bib', loop);
    assert.deepEqual(await addEntries(loop, [paper('b')]), [{ key: 'b', outcome: 'refused', reason: 'symbolic link loop: the link leads back to itself' }]);
  });

  it('matches the line ending most lines use, not the first CRLF it sees', async () => {
    const mostlyLf = join(dir, 'lf.bib');
    const lf = '@misc{a,\r\n  title = {A},\n  year = {2020}\n}\n';
    writeFileSync(mostlyLf, lf);
    await appendEntry(mostlyLf, paper('b'));
    assert.equal(readFileSync(mostlyLf, 'utf8'), `${lf}\n${toBibtex(paper('b'))}`);
    const mostlyCrlf = join(dir, 'crlf.bib');
    const crlf = '@misc{a,\r\n  title = {A},\r\n  year = {2020}\n}\r\n';
    writeFileSync(mostlyCrlf, crlf);
    await appendEntry(mostlyCrlf, paper('b'));
    assert.equal(readFileSync(mostlyCrlf, 'utf8'), `${crlf}\r\n${toBibtex(paper('b')).replace(/\n/g, '\r\n')}`);
  });

  it("writes the new entry in the file's own encoding (UTF-16, Windows-1252), refusing what the encoding cannot hold", async () => {
    const utf16 = join(dir, 'utf16.bib');
    const original = Buffer.from('\ufeff@misc{a, title = {Über}}\n', 'utf16le');
    writeFileSync(utf16, original);
    await appendEntry(utf16, paper('b', { title: 'Straße' }));
    const bytes = readFileSync(utf16);
    assert.ok(bytes.subarray(0, original.length).equals(original));
    const decoded = decodeBibliography(bytes);
    assert.ok('text' in decoded && decoded.encoding === 'utf-16le');
    assert.deepEqual(parseBibtex(utf16, decoded.text).papers.map((p) => p.title), ['Über', 'Straße']);
    const cp1252 = join(dir, 'cp1252.bib');
    writeFileSync(cp1252, Buffer.from([...Buffer.from('@misc{a, title = {Caf'), 0xe9, ...Buffer.from('}}\n')]));
    assert.deepEqual(await addEntries(cp1252, [paper('b', { title: 'Café – “quoted”' }), paper('c', { title: 'Ελληνικά' })]), [
      { key: 'b', outcome: 'added' },
      { key: 'c', outcome: 'refused', reason: "the file is in Windows-1252 (Latin-1), which cannot hold some of this entry's characters" },
    ]);
    assert.ok(readFileSync(cp1252).includes(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x93])), 'é – “ as Windows-1252 bytes');
  });

  it("waits for a live lock, takes over a dead writer's or a stale one, and refuses when the wait is over", async () => {
    const file = join(dir, 'locked.bib');
    writeFileSync(file, '');
    const lock = join(dir, '.locked.bib.lock');
    writeFileSync(lock, `999999999 ${hostname()} ${Date.now()} dead\n`);
    assert.deepEqual(await addEntries(file, [paper('a')]), [{ key: 'a', outcome: 'added' }], "a dead process's lock is taken over");
    writeFileSync(lock, `${process.pid} ${hostname()} ${Date.now()} live\n`);
    const [refused] = await addEntries(file, [paper('b')], { lockTimeoutMs: 100 });
    assert.equal(refused.outcome, 'refused');
    assert.match((refused as { reason: string }).reason, /^locked by another writer: process \d+ on \S+ holds .*\.locked\.bib\.lock$/);
    writeFileSync(lock, `${process.pid} ${hostname()} ${Date.now() - 60_000} old\n`);
    assert.deepEqual(await addEntries(file, [paper('b')]), [{ key: 'b', outcome: 'added' }], 'a lock older than the stale limit is taken over');
    assert.deepEqual(readdirSync(dir), ['locked.bib']);
  });

  it('two writer processes appending at once, 20 times: no entry lost, no existing byte changed', async function () {
    this.timeout(120_000);
    const root = join(__dirname, '..', '..', '..');
    const start = (): { child: ChildProcessWithoutNullStreams; next: () => Promise<string> } => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'append-child.ts')], { cwd: root });
      const queue: string[] = [];
      const waiters: ((line: string) => void)[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => (waiters.length ? waiters.shift()!(line) : queue.push(line)));
      return { child, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve))) };
    };
    const writers = [start(), start()];
    try {
      assert.deepEqual(await Promise.all(writers.map((w) => w.next())), ['ready', 'ready']);
      for (let trial = 0; trial < 20; trial++) {
        const file = join(dir, `race-${trial}.bib`);
        const before = Buffer.from(`% trial ${trial}\n@misc{existing${trial},\n  title = {Jörg’s entry ${'x'.repeat(trial * 50)}}\n}${trial % 2 ? '' : '\n'}`, 'utf8');
        writeFileSync(file, before);
        writers.forEach((w, i) => w.child.stdin.write(`${JSON.stringify({ file, key: `w${i}t${trial}` })}\n`));
        assert.deepEqual((await Promise.all(writers.map((w) => w.next()))).sort(), [`ok w0t${trial}`, `ok w1t${trial}`]);
        const after = readFileSync(file);
        assert.ok(after.subarray(0, before.length).equals(before), `trial ${trial}: existing bytes unchanged`);
        const { papers, issues } = parseBibtex(file, after.toString('utf8'));
        assert.deepEqual(issues, [], `trial ${trial}`);
        assert.deepEqual(papers.map((p) => p.key).sort(), [`existing${trial}`, `w0t${trial}`, `w1t${trial}`], `trial ${trial}: both entries kept`);
      }
    } finally {
      for (const w of writers) w.child.kill();
    }
  });
});

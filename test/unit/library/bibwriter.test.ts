import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBibtexParser, parseBibtex } from '../../../server/src/library/bibtex';
import { appendEntry, escapeLatex, toBibtex } from '../../../server/src/library/bibwriter';
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
});

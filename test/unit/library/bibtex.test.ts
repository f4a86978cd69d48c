import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BibtexCache, loadBibtexParser, MAX_DECODED, parseBibtex, parseBibtexAsync, scanBibtex } from '../../../server/src/library/bibtex';
import { latexField } from '../../../bench/decoding';
import { formatIssue, type Paper } from '../../../server/src/library/paper';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const byKey = (papers: Paper[]): Map<string, Paper> => new Map(papers.map((p) => [p.key, p]));

describe('library/bibtex', () => {
  before(loadBibtexParser);

  it('reads a Zotero/Better BibTeX export: titles, authors, dates, venues, abstracts, DOIs', () => {
    const { papers, issues } = parseBibtex('zotero.bib', read('zotero.bib'));
    assert.deepEqual(issues, []);
    assert.deepEqual(papers.map((p) => [p.key, p.origin.line]), [
      ['schrittwieserMasteringAtariGo2020', 2],
      ['vaswaniAttentionAllYou2017', 18],
      ['devlinBERTPretrainingDeep2019', 29],
    ]);
    const [muzero, attention, bert] = papers;
    assert.equal(muzero.title, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
    assert.deepEqual(muzero.authors, ['Schrittwieser, Julian', 'Antonoglou, Ioannis', 'Hubert, Thomas', 'Simonyan, Karen']);
    assert.equal(muzero.year, 2020);
    assert.equal(muzero.venue, 'Nature');
    assert.equal(muzero.doi, '10.1038/s41586-020-03051-4');
    assert.equal(muzero.type, 'article');
    assert.deepEqual(muzero.origin, { file: 'zotero.bib', line: 2, kind: 'bibtex' });
    assert.match(muzero.abstract ?? '', /^Constructing agents with planning capabilities .* is available\.$/);
    assert.equal(attention.venue, 'Advances in Neural Information Processing Systems');
    assert.match(attention.abstract ?? '', /Training costs 3\.5% of the compute – a fraction\.$/);
    assert.equal(bert.title, 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding');
    assert.equal(bert.url, 'https://arxiv.org/abs/1810.04805');
  });

  it('"and others" ends a cut-short author list, in plain and in LaTeX names alike', () => {
    const { papers } = parseBibtex('x.bib', '@misc{a, author = {Lee, Ada and others}, title = {A}}\n@misc{b, author = {M{\\"u}ller, Anna and Kim, Bo and others}, title = {B}}\n@misc{c, author = {Lee, Ada}, title = {C}}\n');
    assert.deepEqual(papers.map((p) => [p.authors, p.moreAuthors]), [
      [['Lee, Ada'], true],
      [['Müller, Anna', 'Kim, Bo'], true],
      [['Lee, Ada'], undefined],
    ]);
  });

  it('resolves @string macros and # concatenation, applies crossref, skips @comment and @preamble', () => {
    const { papers, issues } = parseBibtex('sc.bib', read('strings-crossref.bib'));
    assert.deepEqual(issues, []);
    const p = byKey(papers);
    assert.deepEqual([...p.keys()], ['ho2020ddpm', 'chen2020simclr', 'neurips2020']);
    assert.equal(p.get('chen2020simclr')!.venue, 'Proceedings of the International Conference on Machine Learning (ICML)');
    assert.equal(p.get('chen2020simclr')!.year, 2020);
    const ddpm = p.get('ho2020ddpm')!;
    assert.equal(ddpm.title, 'Denoising Diffusion Probabilistic Models');
    assert.equal(ddpm.year, 2020, 'year from the crossref parent');
    assert.equal(ddpm.venue, 'Advances in Neural Information Processing Systems 33', "the parent's title is the venue");
  });

  it('turns LaTeX accents, dashes, ties and math into readable Unicode without markup', () => {
    const p = byKey(parseBibtex('accents.bib', read('accents.bib')).papers);
    assert.equal(p.get('goedel1931')!.title, 'Über formal unentscheidbare Sätze der Principia Mathematica und verwandter Systeme');
    assert.deepEqual(p.get('goedel1931')!.authors, ['Gödel, Kurt']);
    assert.equal(p.get('goedel1931')!.venue, 'Monatshefte für Mathematik und Physik');
    assert.equal(p.get('erdos')!.title, 'Café naïve résumé: pages 10–20 and an em—dash here');
    assert.deepEqual(p.get('erdos')!.authors, ['Erdős, Paul', 'François, Jean', 'Straße, Hans', 'Dupont, Renée']);
    assert.equal(p.get('math2021')!.title, 'Learning O(n log n) Sorting with α-Networks in R³');
    for (const paper of p.values()) assert.doesNotMatch(paper.title, /[<>{}\\$]/);
  });

  it('keeps the words and hyphens that commands stand for (\\TeX, \\LaTeX\\ , \\hyphen, \\bibcyr{…}) on both decoding paths', () => {
    const { papers, issues } = parseBibtex('words.bib', read('words.bib'));
    assert.deepEqual(issues, []);
    assert.deepEqual(papers.map((p) => [p.key, p.title]), [
      ['texbook', 'The TeX book'],
      ['careful-texbook', 'The TeX book, revised'],
      ['latex', 'LaTeX and Friends'],
      ['careful-latex', 'LaTeX and Friends'],
      ['hyphen', 'A methodology-independent approach'],
      ['careful-hyphen', 'A methodology-independent approach'],
      ['cyrillic', 'Влияние температуры на рост'],
      ['careful-cyrillic', 'Влияние температуры на рост'],
      ['bibtex', 'Using BibTeX files with LaTeX2ε'],
    ]);
  });

  it('decodes a 1 MB field of LaTeX in well under a second: past MAX_DECODED it is kept as written, with one warning', () => {
    const text = `@article{big,\n  title = {T},\n  abstract = {${latexField(1024 * 1024)}}\n}\n@misc{after, title = {Sch{\\"o}n \\textbf{After}}}\n`;
    const cpu = process.cpuUsage();
    const { papers, issues } = parseBibtex('big.bib', text);
    const used = process.cpuUsage(cpu);
    assert.ok((used.user + used.system) / 1000 < 1000, `${(used.user + used.system) / 1000} ms of CPU`);
    assert.deepEqual(papers.map((p) => [p.key, p.title]), [['big', 'T'], ['after', 'Schön After']]);
    assert.ok(papers[0].abstract!.startsWith('Sch{\\"o}n \\textbf{bold} $\\alpha^2 + \\beta_i$'));
    assert.deepEqual(issues.map((i) => [i.line, i.message]), [[1, `entry "big": field "abstract" is over ${MAX_DECODED / 1024} KB: LaTeX that long is not decoded; showing it as written`]]);
  });

  it('keeps a field the careful parser drops (unclosed math), as raw text with a warning that names no made-up position', () => {
    const { papers, issues } = parseBibtex('m.bib', '@article{k, title = {T}, abstract = {Sch{\\"o}n \\textbf{b} $\\alpha b}}\n');
    assert.equal(papers[0].abstract, 'Sch"on b b');
    assert.deepEqual(issues.map((i) => i.message), ['entry "k": LaTeX could not be decoded (Unclosed math section); showing raw text']);
  });

  it('reports an entry with unbalanced braces at its line and still loads the entries before and after', () => {
    const { papers, issues } = parseBibtex('unbalanced.bib', read('unbalanced.bib'));
    assert.deepEqual(papers.map((p) => p.key), ['goodBefore', 'goodAfter', 'noTitle', 'lastGood']);
    assert.equal(byKey(papers).get('goodAfter')!.title, 'A Good Entry After');
    assert.equal(byKey(papers).get('goodAfter')!.origin.line, 12);
    assert.deepEqual(
      issues.map((i) => [i.line, i.severity, i.message]),
      [
        [7, 'error', 'entry "brokenEntry": unbalanced braces: entry is not closed before the next entry on line 12; entry skipped'],
        [19, 'error', 'entry "missingComma": expected "," after the key "missingComma"; entry skipped'],
        [22, 'warning', 'entry "noTitle" has no title'],
      ],
    );
    assert.ok(issues.every((i) => i.file === 'unbalanced.bib'));
  });

  it('reports an entry left open at the end of the file', () => {
    const { papers, issues } = parseBibtex('x.bib', '@article{a, title={A}}\n\n@article{b, title = {B\n');
    assert.deepEqual(papers.map((p) => p.key), ['a']);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].line, 3);
    assert.match(issues[0].message, /^entry "b": unbalanced braces: entry is not closed at the end of the file/);
  });

  it('keeps entries commented out inside @comment out, and recovers from an unclosed @comment', () => {
    const closed = parseBibtex('x.bib', '@comment{\n@article{old, title={Old}}\n}\n@article{new, title={New}}\n');
    assert.deepEqual(closed.papers.map((p) => p.key), ['new']);
    assert.deepEqual(closed.issues, []);
    const open = parseBibtex('x.bib', '@comment{ never closed\n@article{a, title={A}}\n');
    assert.deepEqual(open.papers.map((p) => p.key), ['a']);
    assert.deepEqual(open.issues.map((i) => [i.line, i.message]), [[1, '@comment: unbalanced braces: @comment is not closed; reading on from the next entry']]);
  });

  it('warns about an undefined @string and keeps the entry', () => {
    const { papers, issues } = parseBibtex('x.bib', '@article{a,\n  title = {A},\n  journal = nosuchmacro\n}\n');
    assert.equal(papers.length, 1);
    assert.deepEqual(issues.map((i) => [i.line, i.severity]), [[3, 'warning']]);
    assert.match(issues[0].message, /undefined @string "nosuchmacro"/);
  });

  it('accepts parenthesised entries, quoted values and numbers', () => {
    const { papers, issues } = parseBibtex('x.bib', '@Article(k1, title = "Quoted {Title}", year = 1999)\n');
    assert.deepEqual(issues, []);
    assert.equal(papers[0].title, 'Quoted Title');
    assert.equal(papers[0].year, 1999);
  });

  it('does not end a parenthesised entry at a ")" inside a quoted or braced value', () => {
    const { papers, issues } = parseBibtex('parens.bib', read('parens.bib'));
    assert.deepEqual(issues, []);
    assert.deepEqual(papers.map((p) => [p.key, p.title, p.origin.line]), [
      ['paren1', 'Reading again: (re)consideration of an old (and) quoted title', 2],
      ['paren2', 'Braced (values) are fine too', 9],
      ['paren3', 'A quote with braced "inner" text and a ) paren', 11],
      ['braced', 'After the parenthesised ones (still read)', 16],
    ]);
    assert.deepEqual(papers[0].authors, ['Rowe, Ada', 'Penn, Bo']);
    assert.equal(papers[0].venue, 'Journal of (Parenthetical) Studies');
  });

  it('refuses an exploding @string at its line; every entry still loads, fast', () => {
    const started = performance.now();
    const { papers, issues } = parseBibtex('bomb.bib', read('string-bomb.bib'));
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(papers.map((p) => [p.key, p.title]), [['before', 'Before the bomb'], ['usesBomb', ''], ['after', 'After the bomb']]);
    assert.equal(papers[1].venue, '0123456789'.repeat(1000), 'a3 is 10,000 characters: within the limit');
    assert.deepEqual(issues.map((i) => [i.line, i.severity, i.message]), [
      [6, 'error', '@string "a4": @string macros expand to more than 64 KB of text here; not defined'],
      [7, 'warning', '@string "a5": @string "a4" left empty: its definition was skipped'],
      [14, 'warning', 'entry "usesBomb" has no title'],
    ]);
  });

  it('quotes stray text on one line, line breaks escaped', () => {
    const { issues } = parseBibtex('x.bib', '@misc{a, title={A}}}\n  x = {y},\n  z = {w}\n}\n@misc{b, title={B}}\n');
    assert.deepEqual(issues.map((i) => [i.line, formatIssue(i)]), [[1, 'x.bib:1: warning: text outside any entry ("}\\n  x = {y},\\n  z = {w}\\n}"): unbalanced braces in the entry above?']]);
  });

  it('counts lines in a file with old Mac line ends (CR only)', () => {
    const { papers, issues } = parseBibtex('cr.bib', '@misc{a,\r title={A}}\r\r@misc{b,\r title = {B}, journal = nomacro}\r');
    assert.deepEqual(papers.map((p) => [p.key, p.origin.line]), [['a', 1], ['b', 4]]);
    assert.deepEqual(issues.map((i) => i.line), [5]);
  });

  it('scans entry boundaries and lines cheaply, ignoring text between entries', () => {
    const { chunks } = scanBibtex('junk line\n@article{a,\n x={\\}}}\nme@example.org\n@comment{x}\n@misc{b,}');
    assert.deepEqual(chunks.map((c) => [c.type, c.line, c.error]), [
      ['article', 2, undefined],
      ['comment', 5, undefined],
      ['misc', 6, undefined],
    ]);
  });

  it('with a cache, re-decodes only the entries that changed', () => {
    // \textsc sends the title to the careful parser; its math goes in as a placeholder, decoded by us.
    const entry = (i: number, extra = ''): string => `@article{k${i},\n  title = {A \\textsc{Net${i}} $\\alpha_${i}$ model${extra}},\n  author = {M{\\"u}ller, J. and Smith, Jane}\n}\n`;
    const text = Array.from({ length: 20 }, (_, i) => entry(i)).join('\n');
    const cache = new BibtexCache();
    const first = parseBibtex('c.bib', text, cache);
    assert.equal(first.papers[3].title, 'A Net3 α₃ model');
    const misses = cache.stats.misses;
    assert.equal(misses, 20);
    const changed = text.replace(entry(7), entry(7, ' revised'));
    const second = parseBibtex('c.bib', changed, cache);
    assert.equal(cache.stats.misses - misses, 1, 'only the changed entry is decoded again');
    assert.equal(second.papers[7].title, 'A Net7 α₇ model revised');
    const third = parseBibtex('c.bib', changed.replace('$\\alpha_7$', '$\\beta_7$'), cache);
    assert.equal(cache.stats.misses - misses, 1, 'math is decoded outside the careful parser: a change there costs no careful decoding');
    assert.equal(third.papers[7].title, 'A Net7 β₇ model revised');
    assert.equal(cache.size, 20, 'the replaced entry was dropped from the cache');
  });

  it('with a cache, gives the same papers and issues as without, even after lines move', () => {
    const text = read('unbalanced.bib') + '\n' + read('strings-crossref.bib') + '\n@article{u, title = {U}, journal = nomacro}\n';
    const cache = new BibtexCache();
    const cold = parseBibtex('m.bib', text, cache);
    assert.deepEqual(parseBibtex('m.bib', text, cache), cold);
    assert.ok(cache.stats.entryHits >= 8);
    const moved = '% two new\n% lines\n' + text;
    const shifted = parseBibtex('m.bib', moved, cache);
    assert.deepEqual(shifted, parseBibtex('m.bib', moved));
    assert.deepEqual(shifted.issues.map((i) => i.line), cold.issues.map((i) => i.line + 2));
  });

  it('never throws on damaged input: random edits to real files still give papers or issues', function () {
    this.timeout(30_000);
    const base = ['zotero.bib', 'strings-crossref.bib', 'accents.bib', 'unbalanced.bib'].map(read).join('\n');
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const noise = ['{', '}', '@', '"', ',', '=', '#', '\\', '$', '(', ')', '@article{', '\n@misc{k,', '%'];
    for (let round = 0; round < 100; round++) {
      let text = base;
      for (let k = 0; k < 1 + rand(5); k++) {
        const at = rand(text.length);
        text = rand(2) ? text.slice(0, at) + noise[rand(noise.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + rand(20));
      }
      const { papers, issues } = parseBibtex('fuzz.bib', text);
      assert.ok(papers.length + issues.length > 0);
      for (const i of issues) assert.ok(i.line >= 1 && i.line <= text.split('\n').length, `line ${i.line} in range`);
    }
  });

  it('parses asynchronously to the same result, letting timers run in between', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `@misc{k${i}, title = {T{\\"o}pic ${i}}}`).join('\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const result = await parseBibtexAsync('a.bib', text, undefined, 1);
    clearInterval(timer);
    assert.deepEqual(result, parseBibtex('a.bib', text));
    assert.equal(result.papers[2999].title, 'Töpic 2999');
    assert.ok(ticks > 0, 'the event loop ran during the parse');
  });

  it('with a cache, re-reads entries when an @string they may use changes', () => {
    const cache = new BibtexCache();
    const bib = (v: string): string => `@string{venue = "${v}"}\n@article{a, title = {A}, journal = venue}\n`;
    assert.equal(parseBibtex('s.bib', bib('First'), cache).papers[0].venue, 'First');
    assert.equal(parseBibtex('s.bib', bib('Second'), cache).papers[0].venue, 'Second');
    const broken = (v: string): string => `@string{venue = "${v}"}\n@string{broken = {\n@article{a, title = {A}, journal = venue}\n`;
    assert.equal(parseBibtex('s.bib', broken('First'), cache).papers[0].venue, 'First');
    assert.equal(parseBibtex('s.bib', broken('Second'), cache).papers[0].venue, 'Second', 'a broken @string after it does not hide the change');
  });
});

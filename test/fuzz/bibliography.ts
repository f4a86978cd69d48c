// Property-based fuzzing of the BibTeX reader (fast-check). A generated bibliography is @string
// chains (some of them exploding) followed by real-shaped entries; some entries are then damaged:
// cut short, unbalanced, with random text spliced in, duplicated, or with huge or deeply nested
// fields. Whatever the damage, parsing must not throw, must take bounded time per entry, must
// still load every intact entry (with the fields it has when read alone) and must report every
// problem as `file:line: …` on one line. Run by test/unit/library/fuzz.test.ts (fixed seed, a few
// seconds) and by `npm run fuzz -- --runs N --seed S` (test/fuzz/run.ts).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseBibtex } from '../../server/src/library/bibtex';
import { parseCslJson } from '../../server/src/library/csljson';
import { decodeBibliography } from '../../server/src/library/encoding';
import { decodeLatexText } from '../../server/src/library/latex';
import { formatIssue, withLfLineEnds, type Paper } from '../../server/src/library/paper';

const WORDS = ['learning', 'Deep', 'models', 'of', 'the', 'Graph', 'neural', 'networks', 'for', 'planning', 'a', 'Study', '(re)consideration', 'in', 'vision', '3D', 'über'];
const LATEX = ['{\\"o}', "\\'e", '\\c{c}', '{\\ss}', '--', '---', '~', '\\%', '\\&', '$\\alpha$', '$O(n \\log n)$', '\\textbf{bold}', '\\emph{it}', '{{BERT}}', '\\TeX{}', '\\LaTeX\\ ', 'methodology\\hyphen ', '\\bibcyr{Текст}', "``q''", '\\foo{bar}'];
const MACROS = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];

/** Words and bits of LaTeX: the text of a field. */
const text = (max: number): fc.Arbitrary<string> => fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.constantFrom(...LATEX) }), { minLength: 1, maxLength: max }).map((ws) => ws.join(' '));

/** Rare but big: a huge field, or one nested deep in braces. */
const unusual = fc.oneof(
  fc.tuple(text(8), fc.integer({ min: 1000, max: 30_000 })).map(([t, n]) => `${t} `.repeat(Math.ceil(n / (t.length + 1)))),
  fc.integer({ min: 20, max: 3000 }).map((depth) => `${'{'.repeat(depth)}deep${'}'.repeat(depth)}`),
);

const value = (t: fc.Arbitrary<string>, quoted: boolean): fc.Arbitrary<string> => t.map((v) => (quoted ? `"${v.replace(/"/g, '')}"` : `{${v}}`));

export interface Generated {
  /** The @string definitions every entry is read under. */
  strings: string;
  entries: { text: string; key: string; damaged: boolean }[];
}

const KEY = fc.stringMatching(/^[a-z][a-z0-9:_-]{0,10}$/);

const entry: fc.Arbitrary<{ text: string; key: string }> = fc
  .record({
    type: fc.constantFrom('article', 'inproceedings', 'book', 'misc', 'Article'),
    key: KEY,
    parens: fc.boolean(),
    quoted: fc.boolean(),
    title: fc.oneof({ weight: 9, arbitrary: text(12) }, { weight: 1, arbitrary: unusual }),
    authors: fc.array(fc.tuple(fc.constantFrom('M{\\"u}ller', 'Smith', 'Dupont', "O'Neil", 'van der Berg'), fc.constantFrom('Jane', 'J.', 'Ren{\\\'e}e', 'Bo')), { maxLength: 4 }),
    year: fc.option(fc.integer({ min: 1900, max: 2030 })),
    journal: fc.option(fc.oneof(text(5).map((t) => `{${t}}`), fc.constantFrom(...MACROS), fc.constantFrom(...MACROS).map((m) => `${m} # { Proceedings}`))),
    abstract: fc.option(fc.oneof({ weight: 9, arbitrary: text(60) }, { weight: 1, arbitrary: unusual })),
  })
  .chain((e) =>
    fc.tuple(value(fc.constant(e.title), e.quoted), e.abstract === null ? fc.constant(null) : value(fc.constant(e.abstract), false)).map(([title, abstract]) => {
      const [open, close] = e.parens ? ['(', ')'] : ['{', '}'];
      const fields = [`  title = ${title}`];
      if (e.authors.length) fields.push(`  author = {${e.authors.map(([f, g]) => `${f}, ${g}`).join(' and ')}}`);
      if (e.year !== null) fields.push(`  year = ${e.year}`);
      if (e.journal !== null) fields.push(`  journal = ${e.journal}`);
      if (abstract !== null) fields.push(`  abstract = ${abstract}`);
      return { text: `@${e.type}${open}${e.key},\n${fields.join(',\n')}\n${close}\n`, key: e.key };
    }),
  );

/** `@string{m0 = "…"}`, then each macro some copies of the one before: a few levels explode. */
const strings: fc.Arbitrary<string> = fc
  .tuple(text(4), fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: MACROS.length - 1 }))
  .map(([base, copies]) => [`@string{m0 = "${base.replace(/"/g, '')}"}`, ...copies.map((k, i) => `@string{m${i + 1} = ${Array(k).fill(`m${i}`).join(' # ')}}`)].join('\n') + '\n');

/** Noise to splice in: structure characters, entry openings, random text and bytes. */
const noise = fc.oneof(
  fc.constantFrom('{', '}', '"', '(', ')', ',', '=', '#', '\\', '$', '%', '@', '\n', '\r', '\n@misc{', '@article(', '@string{', '\u0000', '\ufffd', '\u2028'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

/** One way of damaging an entry's text. */
const damage: fc.Arbitrary<(t: string) => string> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (t: string) => t.slice(0, Math.floor(t.length * f))), // cut short
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (t: string) => { const i = t.indexOf('}', Math.floor(t.length * f)); return i < 0 ? `${t}{` : t.slice(0, i) + t.slice(i + 1); }), // a brace lost
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), noise).map(([f, n]) => (t: string) => { const i = Math.floor(t.length * f); return t.slice(0, i) + n + t.slice(i); }), // spliced in
  fc.constant((t: string) => t + t), // duplicated
);

export const bibliography: fc.Arbitrary<Generated> = fc.record({
  strings,
  entries: fc.array(
    fc.tuple(entry, fc.option(fc.array(damage, { minLength: 1, maxLength: 3 }), { freq: 3 })).map(([e, ds]) => ({ ...e, text: ds ? ds.reduce((acc, d) => d(acc), e.text) : e.text, damaged: ds !== null })),
    { minLength: 1, maxLength: 14 },
  ),
});

const fields = (p: Paper): unknown => ({ ...p, origin: undefined });

/** The invariants, for one generated bibliography. Throws (an assertion) when one does not hold. */
export function check(g: Generated): void {
  let text = g.strings;
  const intact: { line: number; text: string; key: string }[] = [];
  for (const e of g.entries) {
    // Every entry starts on a line of its own, as in a real file; damage stays inside its own text.
    if (text.length && !text.endsWith('\n')) text += '\n';
    if (!e.damaged) intact.push({ line: withLfLineEnds(text).split('\n').length, text: e.text, key: e.key });
    text += e.text;
  }
  const started = performance.now();
  const { papers, issues } = parseBibtex('fuzz.bib', text);
  const ms = performance.now() - started;
  const budget = 2000 + 250 * g.entries.length;
  assert.ok(ms < budget, `parse took ${ms.toFixed(0)} ms for ${g.entries.length} entries (budget ${budget} ms)`);
  const lines = withLfLineEnds(text).split('\n').length;
  for (const issue of issues) {
    const line = formatIssue(issue);
    assert.match(line, /^fuzz\.bib:\d+: (error|warning|info): [^\r\n\u2028\u2029]+$/, `one line with file:line: ${JSON.stringify(line)}`);
    assert.ok(issue.line >= 1 && issue.line <= lines, `line ${issue.line} of ${lines}`);
  }
  for (const e of intact) {
    // Read alone, an intact entry is one paper with its key and no error: the oracle for reading it among damaged ones.
    const alone = parseBibtex('fuzz.bib', g.strings + e.text);
    assert.deepEqual(alone.papers.map((p) => p.key), [e.key], `an intact entry alone is one paper: ${JSON.stringify(e.text.slice(0, 200))}`);
    assert.deepEqual(alone.issues.filter((i) => i.severity === 'error' && i.line >= g.strings.split('\n').length), [], 'an intact entry alone has no error');
    const expected = alone.papers[0];
    const got = papers.find((p) => p.origin.line === e.line && p.key === e.key);
    assert.ok(got, `intact entry "${e.key}" on line ${e.line} still loads`);
    assert.deepEqual(fields(got), fields(expected), `intact entry "${e.key}" keeps its fields`);
  }
}

export const property = fc.property(bibliography, check);

/** Any bytes at all: decoded as some text or refused, never a throw. */
export const bytesProperty = fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
  const decoded = decodeBibliography(bytes);
  assert.ok('text' in decoded ? typeof decoded.text === 'string' : decoded.refused.length > 0);
});

/** CSL-JSON with random text spliced in: never a throw, every problem on one line with its place. */
export const cslProperty = fc.property(fc.array(fc.record({ id: KEY, title: text(6) }), { maxLength: 6 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), noise), { maxLength: 3 }), (items, splices) => {
  let json = JSON.stringify(items, null, 2);
  for (const [f, n] of splices) json = json.slice(0, Math.floor(json.length * f)) + n + json.slice(Math.floor(json.length * f));
  for (const issue of parseCslJson('fuzz.json', json).issues) assert.match(formatIssue(issue), /^fuzz\.json:\d+: (error|warning|info): [^\r\n\u2028\u2029]+$/);
});

// Maths in titles: `$…$` built from known commands, unknown commands around words, scripts and
// groups. The fast decoder and the careful parser's path (a \\textsc elsewhere in the field sends
// it there) give the same text, and no word inside an unknown command's argument is lost.
const MATH_ATOMS = ['x', 'n', '2', '+', '(', ')', ',', '\\alpha', '\\log n', '\\infty', '\\leq', '\\widehat{R}', '\\hat x', '\\mathcal{O}', '\\mathbb{R}', '\\sqrt{n}', '\\frac{1}{k}', '\\left(', '\\right)', '\\,', "'"];
const mathWord = fc.stringMatching(/^[a-z]{3,8}$/);
const math: fc.Arbitrary<{ tex: string; words: string[] }> = fc.letrec<{ m: { tex: string; words: string[] } }>((tie) => ({
  m: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...MATH_ATOMS).map((tex) => ({ tex, words: [] as string[] })) },
      { weight: 2, arbitrary: mathWord.map((w) => ({ tex: `\\unknownmacro{${w}}`, words: [w] })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('^', '_', '\\hat', '\\mathrm', '\\text', '\\overline', '\\foo', ''), tie('m')).map(([op, m]) => ({ tex: `${op}{${m.tex}}`, words: op === '^' || op === '_' ? [] : m.words })) },
    ),
    { minLength: 1, maxLength: 6 },
  ).map((parts) => ({ tex: parts.map((p) => p.tex).join(' '), words: parts.flatMap((p) => p.words) })),
})).m;

export const mathProperty = fc.property(fc.array(fc.oneof(mathWord.map((w) => ({ tex: w, words: [w] })), math.map((m) => ({ tex: `$${m.tex}$`, words: m.words }))), { minLength: 1, maxLength: 5 }), (parts) => {
  const title = parts.map((p) => p.tex).join(' ');
  const fast = parseBibtex('m.bib', `@misc{m, title = {${title}}}`);
  const careful = parseBibtex('m.bib', `@misc{m, title = {\\textsc{Zed} ${title}}}`);
  assert.deepEqual(fast.issues.filter((i) => i.severity !== 'warning' || !/has no title/.test(i.message)), [], title);
  assert.equal(fast.papers[0].title, decodeLatexText(title), `parseBibtex takes the fast decoder's text: ${title}`);
  assert.equal(careful.papers[0].title, `Zed ${fast.papers[0].title}`.trim(), `the careful parser's path agrees: ${title}`);
  for (const w of parts.flatMap((p) => p.words)) assert.ok(fast.papers[0].title.includes(w), `"${w}" kept in ${JSON.stringify(fast.papers[0].title)} from ${title}`);
});

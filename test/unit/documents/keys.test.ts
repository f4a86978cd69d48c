import { strict as assert } from 'node:assert';
import { citationAt, citedKeys, keyAt } from '../../../server/src/documents';
import { fixture } from './fixture';

/** Every «span» in the fixture is a cited key, in order. */
function expectKeys(source: string, syntax: 'latex' | 'markdown') {
  const f = fixture(source);
  assert.deepEqual(
    citedKeys(f.text, syntax),
    f.spans.map((s) => ({ key: s.text, start: s.start, end: s.end })),
  );
}

describe('documents: citedKeys (LaTeX)', () => {
  it('all keys of a command with their spans', () => expectKeys('See \\cite{«a», «b2020»,«c:d»}.', 'latex'));
  it('keys across lines', () => expectKeys('\\citep[e.g.][]{\n  «silver2016»,\n  «hafner2019»\n}', 'latex'));
  it('every cite variant', () =>
    expectKeys('\\citet{«a»} \\citep*{«b»} \\parencite[p.~2]{«c»} \\textcite{«d»} \\autocite{«e»} \\nocite{«f»} \\footcite{«g»} \\Textcite{«h»}', 'latex'));
  it('multi-cite groups', () => expectKeys('\\cites[a][b]{«k1»,«k2»}[c]{«k3»}', 'latex'));
  it('not in comments, \\ref or \\label', () => expectKeys('\\cite{«a»} % \\cite{b}\n\\ref{c} \\label{d} \\citetext{e}', 'latex'));
  it('escaped percent before a cite is not a comment', () => expectKeys('50\\% of \\cite{«a»}', 'latex'));
  it('cites in the preamble count (\\nocite)', () => expectKeys('\\nocite{«x»}\n\\begin{document}\n\\cite{«y»}\n\\end{document}', 'latex'));
  it('empty and unclosed commands', () => expectKeys('\\cite{} \\cite{«a»,} \\cite{«b»\n\nNext', 'latex'));
  it('not macro parameters, nor citations in macro definitions', () =>
    expectKeys(
      [
        '\\newcommand{\\inlinecite}[1]{\\citeauthor{#1}~\\citep{#1}}',
        '\\renewcommand*\\mycite[2][p.]{\\cite[#1]{#2, fixed2020}}',
        '\\providecommand{\\x}{\\cite{p}} \\DeclareRobustCommand{\\y}{\\cite{q}}',
        '\\def\\seminal#1#2{\\citet{#1,#2}} \\gdef\\z{\\cite{g}}',
        '\\NewDocumentCommand{\\pc}{O{} m}{\\parencite[#1]{#2}}',
        '\\newenvironment{quoted}[1]{\\begin{quote}\\cite{#1}}{\\nocite{e}\\end{quote}}',
        '% \\newcommand{\\off}{',
        '\\begin{document}\\inlinecite{«a»} \\cite{«b»} and \\cite{#3, «c»}\\end{document}',
      ].join('\n'),
      'latex',
    ));
});

describe('documents: citedKeys (Markdown)', () => {
  it('bracketed and in-text keys', () => expectKeys('[@«a»; @«b», p. 3] and @«c2020» says [-@«d»].', 'markdown'));
  it('pandoc key syntax: internal punctuation, no trailing punctuation', () => expectKeys('@«doe:2020-x.y». And @«a_b».', 'markdown'));
  it('not e-mail addresses, code, comments or front matter', () =>
    expectKeys('---\nx: "@no"\n---\nfoo@bar.com `@c` <!-- @h --> [@«ok»]\n\n```\n@deco\n```\n', 'markdown'));
  it('keys at line start and after a list marker', () => expectKeys('@«a» first\n- @«b» second', 'markdown'));
});

describe('documents: keyAt', () => {
  it('LaTeX: the key under the cursor', () => {
    const f = fixture('\\cite{a, «sil|ver»}');
    assert.deepEqual(keyAt(f.text, f.cursor, 'latex'), { key: 'silver', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('LaTeX: at the key end', () => {
    const f = fixture('\\cite{«silver|»}');
    assert.deepEqual(keyAt(f.text, f.cursor, 'latex'), { key: 'silver', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('LaTeX: nothing on the comma or outside', () => {
    assert.equal(keyAt('\\cite{a, b} x', 12, 'latex'), null);
    const f = fixture('\\cite{a,| b}');
    assert.equal(keyAt(f.text, f.cursor, 'latex'), null);
  });
  it('Markdown: the key under the cursor', () => {
    const f = fixture('[@x; @«hal|ey2020»]');
    assert.deepEqual(keyAt(f.text, f.cursor, 'markdown'), { key: 'haley2020', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('Markdown: on the @ sign', () => {
    const f = fixture('As |@«key» says');
    assert.deepEqual(keyAt(f.text, f.cursor, 'markdown'), { key: 'key', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('Markdown: not in an e-mail address, not in code', () => {
    const f = fixture('foo@ba|r.com');
    assert.equal(keyAt(f.text, f.cursor, 'markdown'), null);
    const g = fixture('`@ke|y`');
    assert.equal(keyAt(g.text, g.cursor, 'markdown'), null);
  });
});

describe('documents: Markdown cross-references are not citations', () => {
  it('@fig-, @sec-, @tbl-, @eq: are left out of citedKeys', () => expectKeys('See @fig-plot, @sec-intro, [@tbl-res] and @eq:one; @«real2020».', 'markdown'));
  it('citationAt ignores a cross-reference being typed', () => {
    const f = fixture('See @fig-pl|');
    assert.equal(citationAt(f.text, f.cursor, 'markdown'), null);
  });
  it('keyAt ignores cross-references', () => {
    const f = fixture('See @sec-in|tro.');
    assert.equal(keyAt(f.text, f.cursor, 'markdown'), null);
  });
});

import { strict as assert } from 'node:assert';
import { paragraphs, passageAt, sections, sentences } from '../../../server/src/documents';
import { fixture } from './fixture';

describe('documents: passageAt', () => {
  it('LaTeX: the sentence around a \\cite being typed', () => {
    const f = fixture('\\section{Intro}\n«Planning with a learned dynamics model~\\cite{mu|} works.» «Second \\emph{sentence} here.»\n\nNext paragraph.');
    const p = passageAt(f.text, f.cursor, 'latex');
    assert.deepEqual(p.sentence, { text: 'Planning with a learned dynamics model works.', start: f.spans[0].start, end: f.spans[0].end });
    assert.deepEqual(p.paragraph, {
      text: 'Planning with a learned dynamics model works. Second sentence here.',
      start: f.spans[0].start,
      end: f.spans[1].end,
    });
    assert.equal(p.section?.title, 'Intro');
    assert.equal(p.section?.headingStart, 0);
    assert.equal(p.section?.headingEnd, '\\section{Intro}'.length);
    assert.equal(p.section?.text, 'Intro\n\nPlanning with a learned dynamics model works. Second sentence here.\n\nNext paragraph.');
  });
  it('LaTeX: the second sentence, after "e.g." and "et al."', () => {
    const f = fixture('First one, e.g. this, by Silver et al. is fine. «Second, as in Fig.~\\ref{f}, is| here.»');
    assert.deepEqual(passageAt(f.text, f.cursor, 'latex').sentence, { text: 'Second, as in Fig., is here.', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('Markdown: the sentence around [@', () => {
    const f = fixture('# Method\n\n«We plan with a *learned* model [@|].» «Then act.»\n');
    const p = passageAt(f.text, f.cursor, 'markdown');
    assert.deepEqual(p.sentence, { text: 'We plan with a learned model.', start: f.spans[0].start, end: f.spans[0].end });
    assert.equal(p.paragraph?.text, 'We plan with a learned model. Then act.');
    assert.equal(p.section?.title, 'Method');
  });
  it('between paragraphs there is no sentence or paragraph', () => {
    const f = fixture('One.\n\n|\n\nTwo.');
    const p = passageAt(f.text, f.cursor, 'markdown');
    assert.equal(p.sentence, null);
    assert.equal(p.paragraph, null);
    assert.equal(p.section, null);
  });
  it('at the end of a line after trailing spaces: still that sentence', () => {
    const f = fixture('«Only sentence.»   |\nNext line continues.');
    assert.equal(passageAt(f.text, f.cursor, 'markdown').sentence?.end, f.spans[0].end);
  });
  it('in the preamble nothing is found', () => {
    const f = fixture('\\usepackage{x|}\n\\begin{document}\nText.\n\\end{document}');
    assert.deepEqual(passageAt(f.text, f.cursor, 'latex'), { sentence: null, paragraph: null, section: null });
  });
  it('in a figure caption: the caption', () => {
    const f = fixture('Text.\n\n\\begin{figure}\n\\caption{«A plot of| returns.»}\n\\end{figure}');
    const p = passageAt(f.text, f.cursor, 'latex');
    assert.deepEqual(p.sentence, { text: 'A plot of returns.', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('in a list item: that item is the sentence, the list the paragraph', () => {
    const f = fixture('- first item\n- «second| item»\n- third\n');
    const p = passageAt(f.text, f.cursor, 'markdown');
    assert.deepEqual(p.sentence, { text: 'second item', start: f.spans[0].start, end: f.spans[0].end });
    assert.equal(p.paragraph?.text, 'first item\nsecond item\nthird');
  });
  it('innermost section', () => {
    const f = fixture('# A\n\nx.\n\n## B\n\ny| here.\n\n# C\n\nz.');
    const p = passageAt(f.text, f.cursor, 'markdown');
    assert.equal(p.section?.title, 'B');
    assert.equal(p.section?.text, 'B\n\ny here.');
  });
});

describe('documents: paragraphs', () => {
  it('LaTeX: blank lines, sections and environments break paragraphs; math-only ones are skipped', () => {
    const tex = 'First para\ncontinues.\n\nSecond.\n\\section{S}\nThird.\n\\begin{equation}\nx\n\\end{equation}\n\n\\[ y \\]\n\nFourth.';
    assert.deepEqual(paragraphs(tex, 'latex').map((p) => p.text), ['First para continues.', 'Second.', 'Third.', 'Fourth.']);
  });
  it('LaTeX: spans cover the source of the paragraph', () => {
    const f = fixture('«One \\emph{two}.»\n\n«Three \\cite{x}.»');
    assert.deepEqual(
      paragraphs(f.text, 'latex').map((p) => [p.start, p.end]),
      f.spans.map((s) => [s.start, s.end]),
    );
  });
  it('Markdown: headings are not paragraphs; code and front matter are skipped', () => {
    const md = '---\nx: y\n---\n# Title\n\nIntro text.\n\n```\ncode\n```\n\n- a\n- b\n\n$$x$$\n\nEnd.';
    assert.deepEqual(paragraphs(md, 'markdown').map((p) => p.text), ['Intro text.', 'a\nb', 'End.']);
  });
});

describe('documents: sections', () => {
  it('LaTeX: nested sections with spans', () => {
    const f = fixture('«\\section{One}»\nA.\n«\\subsection*{Two}»\nB.\n«\\section{Three \\cite{k}}»\nC.');
    const s = sections(f.text, 'latex');
    assert.deepEqual(s.map((x) => [x.title, x.level, x.headingStart, x.headingEnd]), [
      ['One', 1, f.spans[0].start, f.spans[0].end],
      ['Two', 2, f.spans[1].start, f.spans[1].end],
      ['Three', 1, f.spans[2].start, f.spans[2].end],
    ]);
    assert.deepEqual(s.map((x) => x.text), ['One\n\nA.\n\nTwo\n\nB.', 'Two\n\nB.', 'Three\n\nC.']);
    assert.equal(s[0].start, f.spans[0].start);
    assert.equal(s[0].end, f.text.indexOf('B.') + 2);
  });
  it('LaTeX: chapters contain sections', () => {
    const s = sections('\\chapter{C}\nx.\n\\section{S}\ny.', 'latex');
    assert.deepEqual(s.map((x) => [x.title, x.level]), [['C', 0], ['S', 1]]);
    assert.equal(s[0].text, 'C\n\nx.\n\nS\n\ny.');
  });
  it('Markdown: # levels and closing #s', () => {
    const s = sections('# One #\n\nA.\n\n### Deep\n\nB.\n\n## Two\n\nC.', 'markdown');
    assert.deepEqual(s.map((x) => [x.title, x.level, x.text]), [
      ['One', 1, 'One\n\nA.\n\nDeep\n\nB.\n\nTwo\n\nC.'],
      ['Deep', 3, 'Deep\n\nB.'],
      ['Two', 2, 'Two\n\nC.'],
    ]);
  });
  it('a heading keeps the text of its inline maths ("compressed $k$-mers"); a paragraph still reads maths as a gap', () => {
    const tex = '\\section{Indexing compressed $k$-mers in $\\mathcal{O}(n)$ time}\nChains of $k$-mers are kept.\n';
    assert.deepEqual(sections(tex, 'latex').map((s) => s.title), ['Indexing compressed k-mers in O(n) time']);
    assert.deepEqual(paragraphs(tex, 'latex').map((p) => p.text), ['Chains of -mers are kept.']);
    assert.deepEqual(sections('# Indexing compressed $k$-mers\n\nText.\n', 'markdown').map((s) => s.title), ['Indexing compressed k-mers']);
    assert.deepEqual(sections('# Cost of $\\alpha$ chains\n\nText.\n', 'markdown').map((s) => s.title), ['Cost of chains'], 'a TeX command is no text');
  });
  it('a setext heading (underlined with === or ---) keeps its inline maths like a # heading; its body does not', () => {
    const md = 'Indexing compressed $k$-mers\n============================\n\nChains of $k$-mers are kept.\n\n*Sampled* $n$-grams\n---\n\nCost of $\\alpha$ chains\n---\n';
    const s = sections(md, 'markdown');
    assert.deepEqual(s.map((x) => [x.title, x.level]), [['Indexing compressed k-mers', 1], ['Sampled n-grams', 2], ['Cost of chains', 2]]);
    assert.deepEqual(paragraphs(md, 'markdown').map((p) => p.text), ['Chains of -mers are kept.']);
    assert.deepEqual([s[0].headingStart, s[0].headingEnd], [0, md.indexOf('\n\nChains')]);
  });

  it('Markdown: # in a code block is not a heading', () => {
    assert.deepEqual(sections('```\n# comment\n```\n', 'markdown'), []);
  });
});

describe('documents: sentences', () => {
  it('all sentences in order with source spans', () => {
    const f = fixture('«A \\textbf{b}.» «C d~\\cite{x}.»\n\n«E.»');
    assert.deepEqual(
      sentences(f.text, 'latex').map((s) => [s.text, s.start, s.end]),
      [['A b.', f.spans[0].start, f.spans[0].end], ['C d.', f.spans[1].start, f.spans[1].end], ['E.', f.spans[2].start, f.spans[2].end]],
    );
  });
});

describe('documents: passageAt in the gaps', () => {
  it('blank lines at the end of a subsection belong to it', () => {
    const f = fixture('# A\n\nx.\n\n## B\n\ny.\n\n|\n\n# C\n\nz.');
    assert.equal(passageAt(f.text, f.cursor, 'markdown').section?.title, 'B');
  });
  it('on the heading line: that section, no paragraph', () => {
    const f = fixture('Intro.\n\n\\section{Me|thod}\nText.');
    const p = passageAt(f.text, f.cursor, 'latex');
    assert.equal(p.section?.title, 'Method');
    assert.equal(p.paragraph, null);
  });
  it('text before the first heading has no section', () => {
    const f = fixture('Pre|amble text.\n\n# A\n\nx.');
    const p = passageAt(f.text, f.cursor, 'markdown');
    assert.equal(p.section, null);
    assert.equal(p.sentence?.text, 'Preamble text.');
  });
});

describe('documents: passageAt at a citation that opens a paragraph or sentence', () => {
  it('\\citet{|} at the start of a paragraph: that paragraph and its first sentence', () => {
    const f = fixture('Before.\n\n\\citet{|} «showed that planning works.» Then more.');
    const p = passageAt(f.text, f.cursor, 'latex');
    assert.deepEqual(p.sentence, { text: 'showed that planning works.', start: f.spans[0].start, end: f.spans[0].end });
    assert.equal(p.paragraph?.text, 'showed that planning works. Then more.');
  });
  it('@key at the start of a Markdown paragraph', () => {
    const f = fixture('Before.\n\n@sil| «showed that planning works.»');
    assert.equal(passageAt(f.text, f.cursor, 'markdown').sentence?.text, 'showed that planning works.');
  });
  it('a citation between two sentences belongs to the next one', () => {
    const f = fixture('Planning works. \\citet{a|} «Later work agrees.»');
    assert.equal(passageAt(f.text, f.cursor, 'latex').sentence?.start, f.spans[0].start);
  });
  it('a citation before the period belongs to its sentence', () => {
    const f = fixture('«First one \\cite{a|}.» Second.');
    assert.deepEqual(passageAt(f.text, f.cursor, 'latex').sentence, { text: 'First one.', start: f.spans[0].start, end: f.spans[0].end });
  });
  it('an \\item opening a list after a paragraph: the list', () => {
    const f = fixture('Intro text.\n\\begin{itemize}\n\\item \\cite{x|} is one.\n\\end{itemize}');
    assert.equal(passageAt(f.text, f.cursor, 'latex').paragraph?.text, 'is one.');
  });
});

import { strict as assert } from 'node:assert';
import { isExcluded, plainText } from '../../../server/src/documents';

const plain = (tex: string) => plainText(tex, 'latex').text;

/** Every plain character maps to a source character that is the same (spaces and breaks aside). */
function assertMapped(tex: string) {
  const p = plainText(tex, 'latex');
  for (let i = 0; i < p.text.length; i++) {
    const c = p.text[i];
    if (c !== ' ' && c !== '\n') assert.equal(tex[p.offsets[i]], c, `plain ${i} "${c}" → source ${p.offsets[i]}`);
    if (i > 0) assert.ok(p.offsets[i] >= p.offsets[i - 1], 'offsets never decrease');
  }
  assert.equal(p.offsets[p.text.length], tex.length);
}

describe('documents: plainText (LaTeX)', () => {
  it('drops comments but not \\%', () => assert.equal(plain('We gain 5\\% here. % a note\nNext.'), 'We gain 5% here. Next.'));
  it('a comment at line end joins lines like TeX does', () => assert.equal(plain('foo%\nbar'), 'foobar'));
  it('a comment line does not break the paragraph', () => assert.equal(plain('One\n% note\ntwo.'), 'One two.'));
  it('a comment before a blank line still ends the paragraph', () => assert.equal(plain('One. % c\n\nTwo.'), 'One.\n\nTwo.'));
  it('drops inline math', () => assert.equal(plain('Let $x^2$ be \\(y\\) here.'), 'Let be here.'));
  it('drops display math, keeping a final period', () => {
    assert.equal(plain('We have \\[ a = b. \\] Then'), 'We have. Then');
    assert.equal(plain('We have $$ a = b $$ and so'), 'We have and so');
  });
  for (const env of ['equation', 'equation*', 'align', 'align*', 'gather', 'multline*', 'eqnarray', 'displaymath']) {
    it(`drops the ${env} environment`, () => assert.equal(plain(`Thus\n\\begin{${env}}\n  a &= b \\\\ c &= d\n\\end{${env}}\nwhere a holds.`), 'Thus where a holds.'));
  }
  it('drops citations and leaves no space before punctuation', () =>
    assert.equal(plain('As shown~\\citep[p.~3]{a,b}. Also \\citet*{c} said (\\cite{d}).'), 'As shown. Also said.'));
  it('drops \\ref, \\eqref, \\cref, \\autoref, \\label, \\url', () =>
    assert.equal(plain('See Fig.~\\ref{f}, Eq.~\\eqref{e}, \\cref{s}, \\autoref{t}\\label{l} at \\url{http://x}.'), 'See Fig., Eq., at.'));
  it('keeps the text of \\emph, \\textbf, \\textit, \\footnote', () =>
    assert.equal(plain('An \\emph{important} and \\textbf{bold \\textit{nested}} claim.\\footnote{A note.}'), 'An important and bold nested claim. A note.'));
  it('drops unknown command names but keeps their text arguments', () => assert.equal(plain('\\noindent The \\mymacro{word} here.'), 'The word here.'));
  it('keeps the text of \\href, not its URL', () => assert.equal(plain('Visit \\href{http://x.org}{our site}.'), 'Visit our site.'));
  it('escaped characters', () => assert.equal(plain('R\\&D \\#1 \\$5 a\\_b \\{x\\}'), 'R&D #1 $5 a_b {x}'));
  it('~, \\, and \\\\ are spaces', () => assert.equal(plain('Fig.~3 and 10\\,km\\\\next'), 'Fig. 3 and 10 km next'));
  it('accents keep their letter', () => assert.equal(plain("Schr\\\"odinger and G\\'{e}rard"), 'Schrodinger and Gerard'));
  it('drops the preamble', () =>
    assert.equal(plain('\\documentclass{article}\n\\title{T}\n\\begin{document}\nBody text.\n\\end{document}\nafter'), 'Body text.'));
  it('a commented \\begin{document} does not start the body', () =>
    assert.equal(plain('% \\begin{document}\nText.'), 'Text.'));
  it('sections become their own paragraph, title kept', () =>
    assert.equal(plain('Intro text.\n\\section{Related Work}\\label{s}\nBody.'), 'Intro text.\n\nRelated Work\n\nBody.'));
  it('\\section* with a short title', () => assert.equal(plain('\\section*[Short]{Long Title}\nBody.'), 'Long Title\n\nBody.'));
  it('\\paragraph is a run-in heading', () => assert.equal(plain('\\paragraph{Setup.} We train.'), 'Setup.\nWe train.'));
  it('figures keep only their caption', () =>
    assert.equal(
      plain('Text.\n\\begin{figure}[t]\n\\centering\n\\includegraphics[width=\\linewidth]{a.png}\nstray words\n\\caption{A \\emph{nice} plot.}\\label{f}\n\\end{figure}\nMore.'),
      'Text.\n\nA nice plot.\n\nMore.',
    ));
  it('tables keep only their caption', () =>
    assert.equal(plain('\\begin{table}\n\\caption{Results.}\n\\begin{tabular}{ll}\na & b \\\\\n\\end{tabular}\n\\end{table}'), 'Results.'));
  it('AASTeX deluxetable and longtable keep only their caption; table notes are not prose, inside a table or after it', () => {
    assert.equal(
      plain('Text.\n\\begin{deluxetable*}{cc}\n\\tablecaption{Fitted rates. \\label{t}}\n\\tablehead{\\colhead{Site} & \\colhead{Rate}}\n\\startdata\nNorth & 3 \\\\\n\\enddata\n\\tablenotetext{a}{Rates were measured by hand in spring.}\n\\tablecomments{Sites are ordered by altitude.}\n\\tablerefs{(1) a survey of the valley.}\n\\end{deluxetable*}\nMore.'),
      'Text.\n\nFitted rates.\n\nMore.',
    );
    assert.equal(plain('\\begin{longtable}{ll}\n\\caption{Counts.}\\\\\nBees counted in spring & 4 \\\\\n\\end{longtable}'), 'Counts.');
    assert.equal(plain('\\begin{supertabular}{ll}\nBees counted in spring & 4 \\\\\n\\end{supertabular}'), '');
    assert.equal(plain('\\begin{table}\n\\begin{tabular}{ll}\na & b\n\\end{tabular}\n\\end{table}\n\\tablenotetext{a}{Rates were measured by hand.}\n\nAfter.'), 'After.');
  });
  it('verbatim and lstlisting are dropped', () =>
    assert.equal(plain('A.\n\\begin{verbatim}\n% not a comment $\n\\end{verbatim}\nB \\verb|$x| c.'), 'A.\n\nB c.'));
  it('environments break paragraphs; \\begin/\\end tokens dropped', () =>
    assert.equal(plain('Before\n\\begin{itemize}\n\\item One.\n\\item Two.\n\\end{itemize}\nAfter.'), 'Before\n\nOne.\nTwo.\n\nAfter.'));
  it('theorem with an optional name', () => assert.equal(plain('\\begin{theorem}[Main]\nIt holds.\n\\end{theorem}'), 'It holds.'));
  it('blank lines are paragraph breaks, single newlines spaces', () => assert.equal(plain('One\ntwo.\n\n\n  \nThree.'), 'One two.\n\nThree.'));
  it('an unclosed $ while typing stops at the paragraph end', () => assert.equal(plain('Cost $x and\n\nNext para.'), 'Cost\n\nNext para.'));
  it('an unclosed \\cite{ while typing does not swallow the document', () =>
    assert.equal(plain('As \\cite{mu\nmore words.\n\nNext para.'), 'As more words.\n\nNext para.'));
  it('offsets map back to the same characters', () => {
    assertMapped('\\section{Intro}\nAn \\emph{x} y~\\cite{a}. $m$ R\\&D 5\\% % c\n\\begin{figure}\\caption{Cap.}\\end{figure}\n\nLast.');
  });
  it('offsets of a simple sentence', () => {
    const p = plainText('A \\emph{b} c.', 'latex');
    assert.equal(p.text, 'A b c.');
    assert.deepEqual([...p.offsets], [0, 1, 8, 10, 11, 12, 13]);
  });
});

describe('documents: plainText (LaTeX) edge cases', () => {
  it('CRLF line endings', () => assert.equal(plainText('One\r\ntwo. % c\r\n\r\nThree.', 'latex').text, 'One two.\n\nThree.'));
  it('a display ending in a period after a colon ends the sentence without a period', () =>
    assert.equal(plainText('It is:\n\\[ x = 1. \\]\nThen more.', 'latex').text, 'It is:\nThen more.'));
  it('an unclosed \\section while typing takes the rest of the line', () =>
    assert.equal(plainText('\\section{Intro\nText.', 'latex').text, 'Intro\n\nText.'));
  it('no \\begin{document}: the whole file is body (an \\input chapter)', () =>
    assert.equal(plainText('\\chapter{C}\nText.', 'latex').text, 'C\n\nText.'));
});

describe('documents: plainText (LaTeX) while typing', () => {
  it('an unclosed equation environment ends at the paragraph end', () =>
    assert.equal(plainText('Thus\n\\begin{equation}\nx = 1\n\nNext paragraph.', 'latex').text, 'Thus\n\nNext paragraph.'));
  it('an unclosed \\( ends at the paragraph end', () => assert.equal(plainText('Let \\(x\n\nNext.', 'latex').text, 'Let\n\nNext.'));
});

describe('documents: plainText (LaTeX) symbols', () => {
  it('\\ldots is an ellipsis', () => assert.equal(plainText('We tried A, B\\ldots and more.', 'latex').text, 'We tried A, B… and more.'));
});

describe('documents: plainText (LaTeX) subfigures', () => {
  it('keeps \\subcaption and \\caption of a figure with subfigures', () =>
    assert.equal(
      plainText('\\begin{figure}\n\\begin{subfigure}{.5\\linewidth}\\includegraphics{a}\\subcaption{Left.}\\end{subfigure}\n\\caption{Both.}\n\\end{figure}', 'latex').text,
      'Left.\n\nBoth.',
    ));
});

describe('documents: plainText (LaTeX) title page and definitions', () => {
  const doc = (body: string, preamble = '') => `\\documentclass{article}\n${preamble}\\begin{document}\n${body}\n\\end{document}\n`;
  it('before \\maketitle, a class\'s own title-page macros are no prose', () => {
    const tex = doc('\\title{Fast sorting}\n\\newcounter{affilno}\n\\affilmark{\\arabic{affilno}}{Department of Sorting, Example University, Springfield}\n\n\\maketitle\n\nWe sort lists of numbers quickly and well.');
    assert.equal(plain(tex), 'We sort lists of numbers quickly and well.');
    assert.equal(isExcluded(plainText(tex, 'latex'), tex.indexOf('Department')), true);
  });
  it('before \\begin{abstract}, too, when the abstract comes first', () =>
    assert.equal(plain(doc('\\authornote{Example Lab, Springfield}\n\n\\begin{abstract}\nWe sort lists.\n\\end{abstract}\n\\maketitle\n\nBody text.')), 'We sort lists.\n\nBody text.'));
  it('a \\maketitle after the first heading does not hide what comes before', () =>
    assert.equal(plain(doc('\\section{Intro}\nWe sort lists.\n\n\\maketitle\n\nMore.')), 'Intro\n\nWe sort lists.\n\nMore.'));
  it('without \\maketitle or an abstract, nothing is taken for a title page', () =>
    assert.equal(plain(doc('We sort lists.\n% \\maketitle\n\nMore.')), 'We sort lists.\n\nMore.'));
  it('a \\def body in the document is markup, not prose', () => {
    assert.equal(plain('Text.\n\\def\\shortcut#1{\\fbox{image #1}}\n\\edef\\where{\\arabic{page}}\\gdef\\x{y}\nMore text.'), 'Text. More text.');
    assert.equal(plain('A \\newcommand\\name[1]{Name #1} B \\newcommand{\\other}{Other} C \\let\\a=\\b D'), 'A B C D');
  });
  it('\\newcounter and \\tikzstyle hold no prose', () =>
    assert.equal(plain('\\newcounter{step}\n\\tikzstyle{hidden node}=[node, fill=blue!15]\nWe count steps.'), 'We count steps.'));
  it('the document\'s own reference macros drop their label arguments', () => {
    const pre = '\\newcommand{\\figref}[1]{Figure~\\ref{fig:#1}}\n\\newcommand{\\Fig}[1]{\\figref{#1}}\n\\newcommand{\\seclabel}[1]{\\label{sec:#1}}\n\\newcommand{\\both}[2]{\\ref{#1} and \\ref{#2}}\n';
    assert.equal(plain(doc('\\section{Method}\\seclabel{method}\nAs \\figref{speed-plot} and \\Fig{memory} show, \\both{a-b}{c-d} agree.', pre)), 'Method\n\nAs and show, agree.');
  });
  it('the document\'s own word macros read as their words', () => {
    const pre = '\\newcommand{\\tool}[1]{\\textsf{#1}}\n\\newcommand{\\sorter}{\\tool{quicksort}}\n\\newcommand{\\vx}{\\mathbf{x}}\n';
    const tex = doc('We run \\sorter\\ on $\\vx$ and \\vx.', pre);
    assert.equal(plain(tex), 'We run quicksort on and.');
    // Its words map to the command that stands for them.
    const p = plainText(tex, 'latex');
    assert.equal(p.offsets[p.text.indexOf('quicksort')], tex.indexOf('\\sorter\\ '));
  });
});

describe('documents: plainText (LaTeX) an abstract in the preamble', () => {
  it('is prose, though the rest of the preamble is not', () => {
    const tex = '\\documentclass{article}\n\\newcommand{\\x}{y}\n\\begin{abstract}\nWe sort lists fast.\n\\end{abstract}\n\\title{T}\n\\begin{document}\n\\maketitle\nBody.\n\\end{document}\n';
    const p = plainText(tex, 'latex');
    assert.equal(p.text, 'We sort lists fast.\n\nBody.');
    assert.equal(isExcluded(p, tex.indexOf('sort')), false);
    assert.equal(isExcluded(p, tex.indexOf('newcommand')), true);
    assert.equal(isExcluded(p, tex.indexOf('\\title')), true);
  });
});

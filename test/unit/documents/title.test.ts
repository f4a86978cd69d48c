import { strict as assert } from 'node:assert';
import { documentTitle, titleKey } from '../../../server/src/documents';

describe('documents: the document\'s own title', () => {
  it('LaTeX: \\title{…}, the long form of \\title[short]{long}, less \\thanks; none when commented out or absent', () => {
    assert.equal(documentTitle('\\documentclass{article}\n\\title{Glacier {R}etreat \\emph{measured}}\n\\begin{document}', 'latex'), 'Glacier {R}etreat \\emph{measured}');
    assert.equal(documentTitle('\\title[Short]{The long title\\thanks{Funded by {X}.} of it}', 'latex'), 'The long title of it');
    assert.equal(documentTitle('% \\title{Old}\n\\begin{document}\\maketitle', 'latex'), null);
    assert.equal(documentTitle('\\titleformat{\\section}{x}', 'latex'), null);
  });

  it('Markdown: front matter `title:`, quoted or not; none outside front matter', () => {
    assert.equal(documentTitle('---\nauthor: A\ntitle: "Glacier retreat: a survey"\n---\n\nText.', 'markdown'), 'Glacier retreat: a survey');
    assert.equal(documentTitle('---\ntitle: Glacier retreat\n---\n', 'markdown'), 'Glacier retreat');
    assert.equal(documentTitle('# Heading\n\ntitle: not front matter\n', 'markdown'), null);
  });

  it('titleKey ignores TeX commands and braces, accents, case, punctuation and whitespace', () => {
    const key = titleKey('Retreat of alpine glaciers: measured by lidar');
    assert.equal(titleKey('{R}etreat of \\emph{Alpine} Glaciers --- Measured\nby   LiDAR.'), key);
    assert.equal(titleKey('Caf\\\'{e} na\\"ive'), titleKey('Café naïve'));
    assert.notEqual(titleKey('Retreat of alpine glaciers measured by radar'), key);
  });
});

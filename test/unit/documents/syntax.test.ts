import { strict as assert } from 'node:assert';
import { syntaxOf, syntaxOfFile } from '../../../server/src/documents';

describe('documents: syntaxOf', () => {
  it('maps language ids', () => {
    assert.equal(syntaxOf('latex'), 'latex');
    assert.equal(syntaxOf('tex'), 'latex');
    assert.equal(syntaxOf('markdown'), 'markdown');
    assert.equal(syntaxOf('quarto'), 'markdown');
    assert.equal(syntaxOf('rmd'), 'markdown');
    assert.equal(syntaxOf('plaintex'), 'latex');
    assert.equal(syntaxOf('python'), null);
  });
});

describe('documents: syntaxOfFile', () => {
  it('maps file extensions, in any case', () => {
    for (const f of ['a.tex', 'b.latex', 'c.ltx', '/x/y/Paper.TEX']) assert.equal(syntaxOfFile(f), 'latex', f);
    for (const f of ['a.md', 'b.markdown', 'c.qmd', 'd.Rmd']) assert.equal(syntaxOfFile(f), 'markdown', f);
    for (const f of ['refs.bib', 'tex', 'a.tex.bak', '.md/file']) assert.equal(syntaxOfFile(f), null, f);
  });
});

import { strict as assert } from 'node:assert';
import { bibliographyFiles } from '../../../server/src/documents';

describe('documents: bibliographyFiles', () => {
  it('\\bibliography adds .bib to each name', () =>
    assert.deepEqual(bibliographyFiles('\\bibliography{refs, other}', 'latex'), ['refs.bib', 'other.bib']));
  it('\\bibliography keeps an existing .bib and paths', () =>
    assert.deepEqual(bibliographyFiles('\\bibliography{../lib/refs.bib}', 'latex'), ['../lib/refs.bib']));
  it('\\addbibresource, with and without options', () =>
    assert.deepEqual(bibliographyFiles('\\addbibresource{main.bib}\n\\addbibresource[location=local]{extra.bib}', 'latex'), ['main.bib', 'extra.bib']));
  it('commented-out lines are ignored, duplicates dropped', () =>
    assert.deepEqual(bibliographyFiles('% \\bibliography{old}\n\\bibliography{refs}\n\\addbibresource{refs.bib}', 'latex'), ['refs.bib']));
  it('none', () => assert.deepEqual(bibliographyFiles('\\section{x}', 'latex'), []));
  it('front matter: a string', () =>
    assert.deepEqual(bibliographyFiles('---\ntitle: T\nbibliography: refs.bib\n---\n# X', 'markdown'), ['refs.bib']));
  it('front matter: quoted string', () =>
    assert.deepEqual(bibliographyFiles('---\nbibliography: "my refs.bib"\n---\n', 'markdown'), ['my refs.bib']));
  it('front matter: inline list', () =>
    assert.deepEqual(bibliographyFiles('---\nbibliography: [a.bib, "b.json"]\n---\n', 'markdown'), ['a.bib', 'b.json']));
  it('front matter: dash list', () =>
    assert.deepEqual(bibliographyFiles('---\nbibliography:\n  - a.bib\n  - \'lib/b.bib\'\ncsl: x.csl\n---\n', 'markdown'), ['a.bib', 'lib/b.bib']));
  it('no front matter, or bibliography: in the body', () => {
    assert.deepEqual(bibliographyFiles('# T\n\nbibliography: x.bib\n', 'markdown'), []);
    assert.deepEqual(bibliographyFiles('Text\n---\nbibliography: x.bib\n---\n', 'markdown'), []);
  });
});

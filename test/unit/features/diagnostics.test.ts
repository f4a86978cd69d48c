import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectBibliography } from '../../../server/src/features/bibliography';
import { citationProblems } from '../../../server/src/features/diagnostics';
import { definitionAt } from '../../../server/src/features/definition';
import { readLibraryFile } from '../../../server/src/library/files';
import { config, docAt, makeProject } from './fixture';

describe('features: diagnostics and definitions', () => {
  it('flags keys missing from the bibliography (fixable when the library has them) and unknown keys', async () => {
    const { dir, ready } = await makeProject();
    try {
      const { doc } = docAt('\\cite{smith2020graphs, mastering-atari-go}\\cite{nope2000}\n\\bibliography{refs}|', 'latex', path.join(dir, 'paper.tex'));
      const problems = citationProblems(ready.library, doc, projectBibliography(doc, [dir], config()));
      assert.deepEqual(
        problems.map((p) => [p.code, p.key, doc.text.slice(p.start, p.end)]),
        [
          ['not-in-bibliography', 'mastering-atari-go', 'mastering-atari-go'],
          ['unknown-key', 'nope2000', 'nope2000'],
        ],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a readable bibliography file, only keys the library lacks are flagged', async () => {
    const { dir, ready } = await makeProject();
    try {
      const { doc } = docAt('[@mastering-atari-go; @nope2000]|', 'markdown', path.join(dir, 'sub', 'note.md'));
      const problems = citationProblems(ready.library, doc, projectBibliography(doc, [dir], config({ defaultBibliography: 'missing.bib' })));
      assert.deepEqual(problems.map((p) => p.key), ['nope2000']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flags a key defined in two of the project files', async () => {
    const { dir, ready } = await makeProject();
    try {
      const other = path.join(dir, 'other.bib');
      fs.writeFileSync(other, '@misc{smith2020graphs, title = {Another}}\n');
      ready.library.setSource(other, await readLibraryFile(other), 'workspace', 'other.bib', other);
      const { doc } = docAt('\\cite{smith2020graphs}\\bibliography{refs,other}|', 'latex', path.join(dir, 'paper.tex'));
      const problems = citationProblems(ready.library, doc, projectBibliography(doc, [dir], config()));
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.code, 'duplicate-key');
      assert.match(problems[0]!.message, /refs\.bib:1, other\.bib:1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes to the project entry first, else the library entry', async () => {
    const { dir, bib, ready } = await makeProject();
    try {
      const own = docAt('\\cite{smith20|20graphs}\\bibliography{refs}', 'latex', path.join(dir, 'paper.tex'));
      const files = projectBibliography(own.doc, [dir], config()).files;
      assert.deepEqual(definitionAt(ready.library, own.doc, own.offset, files), { file: bib, line: 1, start: 6, end: 21 });
      const corpus = docAt('\\cite{mastering-|atari-go}', 'latex', path.join(dir, 'paper.tex'));
      const def = definitionAt(ready.library, corpus.doc, corpus.offset, files)!;
      assert.match(def.file, /papers\.json$/);
      assert.equal(def.line, 2);
      const nothing = docAt('\\cite{nope|}', 'latex', path.join(dir, 'paper.tex'));
      assert.equal(definitionAt(ready.library, nothing.doc, nothing.offset, files), null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

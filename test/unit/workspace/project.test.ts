import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Syntax } from '../../../server/src/documents';
import { fileUri } from '../../../server/src/workspace/documents';
import { projectOf } from '../../../server/src/workspace/project';
import { config } from '../features/fixture';

const doc = (text: string, syntax: Syntax, file: string) => ({ uri: fileUri(file), path: file, text, syntax, version: 1 });

describe('workspace: a document\'s project', () => {
  it('is what the document names, resolved against its folder; else the default file in the workspace folder', () => {
    const ws = path.join(os.tmpdir(), 'ws');
    const named = doc('\\bibliography{refs,more/other}', 'latex', path.join(ws, 'chapters', 'one.tex'));
    const p = projectOf(named, [ws], config());
    assert.deepEqual(p.named, [path.join(ws, 'chapters', 'refs.bib'), path.join(ws, 'chapters', 'more', 'other.bib')]);
    assert.equal(p.target, path.join(ws, 'chapters', 'refs.bib'));
    const md = doc('---\nbibliography: [lib.json]\n---\nText', 'markdown', path.join(ws, 'note.md'));
    assert.equal(projectOf(md, [ws], config()).target, path.join(ws, 'lib.json'));
    const bare = doc('No bibliography here.', 'latex', path.join(ws, 'a', 'b.tex'));
    const q = projectOf(bare, [ws], config({ defaultBibliography: 'bib/main.bib' }));
    assert.deepEqual(q.named, []);
    assert.equal(q.target, path.join(ws, 'bib', 'main.bib'));
    assert.deepEqual(q.files, [q.target]);
  });
});

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLibraryFiles, readLibraryFile } from '../../../server/src/library/files';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');

describe('library/files', () => {
  it('refuses a binary file with one clear error', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'binary.bib'));
    assert.deepEqual(papers, []);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].severity, 'error');
    assert.match(issues[0].message, /^binary file/);
  });

  it('refuses invalid UTF-8 and names the line of the first bad byte', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'latin1.bib'));
    assert.deepEqual(papers, []);
    assert.deepEqual(issues.map((i) => [i.line, i.severity]), [[2, 'error']]);
    assert.match(issues[0].message, /^not valid UTF-8 \(byte 0xe9/);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'bom.bib'));
    assert.deepEqual(issues, []);
    assert.deepEqual(papers.map((p) => [p.key, p.title, p.origin.line]), [['bom', 'With a BOM', 1]]);
  });

  it('refuses a file over the size limit, an unknown extension and a missing file', async () => {
    const big = await readLibraryFile(join(fixtures, 'zotero.bib'), { maxBytes: 100 });
    assert.match(big.issues[0].message, /^file is 2 KB, over the 100 bytes limit for a bibliography; not read$/);
    const txt = await readLibraryFile(join(fixtures, 'notes.txt'));
    assert.match(txt.issues[0].message, /^unknown library format "\.txt"/);
    const missing = await readLibraryFile(join(fixtures, 'nope.bib'));
    assert.deepEqual(missing.issues.map((i) => [i.line, i.message]), [[0, 'no such file']]);
  });

  it('reads .bib and .json by extension', async () => {
    assert.equal((await readLibraryFile(join(fixtures, 'zotero.bib'))).papers.length, 3);
    assert.equal((await readLibraryFile(join(fixtures, 'items.json'))).papers.length, 2);
  });

  it('finds library files recursively, skipping node_modules, .git and JSON that is not CSL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'litlens-find-'));
    try {
      for (const d of ['refs', 'node_modules/pkg', '.git', 'deep/er']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'refs', 'a.bib'), '');
      writeFileSync(join(dir, 'deep', 'er', 'b.bibtex'), '');
      writeFileSync(join(dir, 'items.json'), '[{"id":"x"}]');
      writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
      writeFileSync(join(dir, 'node_modules', 'pkg', 'c.bib'), '');
      writeFileSync(join(dir, '.git', 'd.bib'), '');
      const found = (await findLibraryFiles(dir)).map((f) => f.slice(dir.length + 1));
      assert.deepEqual(found, ['deep/er/b.bibtex', 'items.json', 'refs/a.bib']);
      assert.equal((await findLibraryFiles(dir, { maxFiles: 1 })).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

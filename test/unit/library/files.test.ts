import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLibraryFiles, readLibraryFile } from '../../../server/src/library/files';
import { loadLibrary } from '../../../server/src/library/load';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');

describe('library/files', () => {
  it('refuses a binary file with one clear error', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'binary.bib'));
    assert.deepEqual(papers, []);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].severity, 'error');
    assert.match(issues[0].message, /^binary file/);
  });

  it('reads Windows-1252 (Latin-1) and says so in an info message at the first byte that is not UTF-8', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'cp1252.bib'));
    assert.deepEqual(papers.map((p) => p.title), ['Café “quoted” pages 1–2']);
    assert.deepEqual(issues.map((i) => [i.line, i.severity, i.message]), [[2, 'info', 'read as Windows-1252 (Latin-1): not UTF-8 (byte 0xe9 on this line)']]);
    assert.deepEqual((await readLibraryFile(join(fixtures, 'latin1.bib'))).papers.map((p) => p.title), ['Café in Latin-1']);
  });

  it('reads UTF-16 with a byte order mark (either order) or ASCII-shaped without one, saying so', async () => {
    for (const [name, order] of [['utf16le-bom.bib', 'little'], ['utf16be-bom.bib', 'big'], ['utf16le-nobom.bib', 'little']]) {
      const { papers, issues } = await readLibraryFile(join(fixtures, name));
      assert.deepEqual(papers.map((p) => [p.key, p.title, p.authors, p.origin.line]), [['utf16', 'Über die Straße: naïve café', ['Gödel, Kurt'], 2]], name);
      assert.deepEqual(issues.map((i) => [i.line, i.severity, i.message]), [[0, 'info', `read as UTF-16 (${order}-endian)`]], name);
    }
  });

  it('reads a UTF-8 file with a stray byte as UTF-8, warning at the line of the bad byte', async () => {
    const { papers, issues } = await readLibraryFile(join(fixtures, 'utf8-damaged.bib'));
    assert.deepEqual(papers.map((p) => p.title), ['Gödel, Escher, Bach', 'Caf� au lait']);
    assert.deepEqual(issues.map((i) => [i.line, i.severity, i.message]), [[3, 'warning', 'not valid UTF-8 (byte 0xe9; 1 bad byte in all, shown as �); save the file as UTF-8']]);
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
    assert.deepEqual(missing.issues.map((i) => [i.line, i.message]), [[0, 'no such file or folder']]);
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

  it('follows symbolic links to files and folders, each file once, and says what is wrong with a broken link', async () => {
    const root = mkdtempSync(join(tmpdir(), 'litlens-links-'));
    try {
      const lib = join(root, 'lib');
      for (const d of ['lib/real', 'elsewhere', 'other']) mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(lib, 'real', 'a.bib'), '@misc{a, title = {A}}\n');
      writeFileSync(join(root, 'elsewhere', 'b.bib'), '@misc{b, title = {B}}\n');
      writeFileSync(join(root, 'other', 'c.bib'), '@misc{c, title = {C}}\n');
      symlinkSync(join(root, 'elsewhere', 'b.bib'), join(lib, 'b-link.bib'));
      symlinkSync(join(root, 'other'), join(lib, 'linked-folder'));
      symlinkSync(lib, join(lib, 'real', 'loop')); // a folder link back up: walked once
      symlinkSync('self.bib', join(lib, 'self.bib'));
      symlinkSync('nowhere.bib', join(lib, 'dangling.bib'));
      symlinkSync(join('real', 'a.bib'), join(lib, 'same-as-a.bib'));
      const found = (await findLibraryFiles(lib)).map((f) => f.slice(lib.length + 1));
      assert.deepEqual(found, ['b-link.bib', 'dangling.bib', 'linked-folder/c.bib', 'real/a.bib', 'self.bib']);
      const library = await loadLibrary({ libraries: [lib], corpus: false });
      assert.deepEqual(library.papers.map((p) => p.key).sort(), ['a', 'b', 'c']);
      assert.deepEqual(library.issues.map((i) => [i.file.slice(lib.length + 1), i.message]), [
        ['dangling.bib', 'dangling symbolic link: its target nowhere.bib does not exist'],
        ['self.bib', 'symbolic link loop: the link leads back to itself'],
      ]);
      const named = await loadLibrary({ libraries: [join(lib, 'self.bib')], corpus: false });
      assert.deepEqual(named.issues.map((i) => i.message), ['symbolic link loop: the link leads back to itself']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BibtexCache } from '../../../server/src/library/bibtex';
import { readLibraryFile } from '../../../server/src/library/files';
import { loadLibrary } from '../../../server/src/library/load';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');

describe('library/worker: BibTeX read off the main thread', function () {
  this.timeout(60_000);
  let dir: string;
  let threaded: BibtexCache;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'litlens-thread-'));
    threaded = new BibtexCache({ thread: true });
  });
  after(async () => {
    await threaded.thread?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives what the main thread gives, and decodes nothing there', async () => {
    for (const name of ['zotero.bib', 'accents.bib', 'unbalanced.bib', 'words.bib', 'string-bomb.bib']) {
      const there = await readLibraryFile(join(fixtures, name), { cache: threaded });
      assert.deepEqual(there, await readLibraryFile(join(fixtures, name)), name);
    }
    assert.deepEqual(threaded.stats, { hits: 0, misses: 0, entryHits: 0 }, 'the main thread decoded nothing');
  });

  it('sends a large file back in slices, keeps its cache across reads, and keeps timers running meanwhile', async () => {
    const file = join(dir, 'big.bib');
    const entry = (i: number): string => `@article{k${i},\n  title = {T{\\"o}pic \\textbf{${i}} $\\alpha_{${i % 7}}$},\n  author = {M{\\"u}ller, J.}\n}\n`;
    writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => entry(i)).join(''));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const first = await readLibraryFile(file, { cache: threaded });
    clearInterval(timer);
    assert.equal(first.papers.length, 20_000);
    assert.equal(first.papers[19_999].title, 'Töpic 19999 α₀');
    assert.ok(ticks > 10, `timers ran ${ticks} times during the read`);
    const again = await readLibraryFile(file, { cache: threaded });
    assert.deepEqual(again, first);
  });

  it("serves loadLibrary, and a file that cannot be read is still that file's error", async () => {
    const library = await loadLibrary({ libraries: [join(fixtures, 'zotero.bib'), join(fixtures, 'binary.bib')], corpus: false, cache: threaded });
    assert.equal(library.papers.length, 3);
    assert.deepEqual(library.issues.map((i) => [i.file.endsWith('binary.bib'), i.severity]), [[true, 'error']]);
  });
});

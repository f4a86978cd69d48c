// The gate's bars saved by the library's content (workspace/gateBars.ts): the same library in
// another folder finds them, any other content does not, and a damaged file is no bars.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchIndex } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import { gateKey, readGateBars, writeGateBars } from '../../../server/src/workspace/gateBars';
import { corpusPapers } from '../search/corpus';

describe('workspace/gateBars: the gate\'s bars kept by library content', () => {
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'litlens-gatebars-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('one key for the same content wherever its files are; another for any change, or papers hidden', async () => {
    const papers = await corpusPapers();
    const mine = papers.slice(0, 20).map((p) => ({ ...p, origin: { file: 'refs.bib', line: 1, kind: 'bibtex' as const } }));
    const at = (file: string, own = mine) => SearchIndex.fromSources([{ id: file, papers: own, kind: 'workspace' }, { id: 'corpus', papers, kind: 'corpus' }]);
    const key = gateKey(at('/a/refs.bib'));
    assert.equal(gateKey(at('/b/elsewhere/refs.bib')), key);
    assert.notEqual(gateKey(at('/a/refs.bib', mine.slice(1))), key);
    assert.notEqual(gateKey(at('/a/refs.bib', [{ ...mine[0], title: 'Another title' }, ...mine.slice(1)])), key);
    const hiding = at('/a/refs.bib');
    hiding.hideKeys([papers[30].key]);
    assert.notEqual(gateKey(hiding), key);
  });

  it('saves and reads the newest entries; a damaged file reads as none', async function () {
    this.timeout(20000); // warm draws ~550 queries: seconds on a loaded machine
    const index = SearchIndex.fromSources([{ id: 'corpus', papers: await corpusPapers(), kind: 'corpus' }]);
    const ranker = new Ranker(index);
    await ranker.warm();
    const bars = ranker.drawnBars();
    assert.ok(bars.libraryNull.length > 10 && bars.fieldBars.length === 1);
    const entries = new Map(Array.from({ length: 6 }, (_, i) => [`key${i}`, bars] as const));
    await writeGateBars(join(tmp, 'here'), entries);
    const read = await readGateBars(join(tmp, 'here'));
    assert.deepEqual([...read.keys()], ['key2', 'key3', 'key4', 'key5']);
    assert.deepEqual(read.get('key5'), bars);
    const file = join(tmp, 'here', 'gate-bars.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    assert.equal((await readGateBars(join(tmp, 'here'))).size, 0);
    assert.equal((await readGateBars(join(tmp, 'nowhere'))).size, 0);
    assert.equal((await readGateBars(null)).size, 0);
  });
});

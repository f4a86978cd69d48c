import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from '../../../bench/generate';
import type { SearchIndex } from '../../../server/src/search';
import { LitLensWorkspace } from '../../../server/src/workspace/workspace';
import { config } from '../features/fixture';

/** The index's segments (one per chunk of a source), in order. */
const segments = (index: SearchIndex): unknown[] => (index as unknown as { parts: { seg: unknown }[] }).parts.map((p) => p.seg);

describe('workspace: a changed library file is re-read by what changed', function () {
  this.timeout(120000); // a 6k-entry file read and indexed in workers, on a shared machine
  let dir: string;
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-reread-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an unchanged rewrite changes nothing; one changed entry re-indexes only its chunk', async () => {
    const bib = path.join(dir, 'refs.bib');
    const papers = generatePapers(corpusItems(), 6000, 11, bib);
    const text = toBib(papers);
    fs.writeFileSync(bib, text);
    // Read as objects (a file this big would otherwise go into a paper store, re-read whole when it changes).
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: path.join(dir, '.cache'), storeBytes: Infinity });
    try {
      await ws.load(config({ bundledCorpus: false }));
      const before = ws.ready()!;
      const version = before.library.version;
      const segs = segments(before.index.index);
      assert.ok(segs.length >= 2, `${segs.length} chunks`);

      fs.writeFileSync(bib, text); // the same bytes again (an export run twice)
      assert.equal(await ws.update({ file: bib, type: 'changed' }), false);
      assert.equal(ws.ready()!.library.version, version, 'nothing was re-read');

      const i = text.indexOf('title = {', text.length >> 1);
      fs.writeFileSync(bib, `${text.slice(0, i + 9)}Zyzzogeton Quokkas ${text.slice(i + 9)}`);
      assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
      const after = ws.ready()!;
      assert.match((await after.index.search('zyzzogeton quokkas', { limit: 1 }))[0]?.paper.title ?? '', /^Zyzzogeton Quokkas/);
      const kept = segments(after.index.index).filter((s) => segs.includes(s));
      assert.equal(kept.length, segs.length - 1, 'every chunk but the edited one is the same segment');
    } finally {
      await ws.dispose();
    }
  });
});

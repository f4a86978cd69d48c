import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from './generate';
import { LitLensWorkspace } from '../server/src/workspace/workspace';
import { rereadBibtex } from '../server/src/library/stream';
import { defaultSettings } from '../server/src/protocol';
(async () => {
  const n = Number(process.argv[2] ?? 10000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c18-edit-'));
  const bib = path.join(dir, 'big.bib');
  const papers = generatePapers(corpusItems(), n, 7, bib);
  const text = toBib(papers);
  fs.writeFileSync(bib, text);
  const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: path.join(dir, '.cache'), log: (m) => console.log('log:', m) });
  let t = performance.now();
  await ws.load({ ...defaultSettings, bundledCorpus: false });
  console.log('load', (performance.now() - t).toFixed(0));
  for (let r = 0; r < 3; r++) {
    const i = text.indexOf('title = {', text.length >> 1) + 9;
    fs.writeFileSync(bib, `${text.slice(0, i)}Zyzz${r} ${text.slice(i)}`);
    t = performance.now();
    await ws.update({ file: bib, type: 'changed' });
    console.log('update', (performance.now() - t).toFixed(0));
  }
  const store = ws.ready()!.library.stores[0].store as any;
  t = performance.now();
  const rr = await rereadBibtex(bib, { hashes: store.columns().entryHashes, strings: '' });
  console.log('rereadBibtex in this thread', (performance.now() - t).toFixed(0), rr.fresh.length);
  await ws.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
})();

import * as fs from 'node:fs';
import { corpusItems, generatePapers, toBib } from './generate';
import { rereadBibtex } from '../server/src/library/stream';
(async () => {
  const bib = '/tmp/c18-rr.bib';
  if (!fs.existsSync(bib)) fs.writeFileSync(bib, toBib(generatePapers(corpusItems(), 10000, 7, bib)));
  const all = await rereadBibtex(bib, { hashes: new Float64Array(0), strings: '' });
  const hashes = Float64Array.from(all.fresh.map((f) => f.hash!));
  for (let r = 0; r < 4; r++) {
    const t = performance.now();
    const rr = await rereadBibtex(bib, { hashes, strings: '' });
    console.log('reread', (performance.now() - t).toFixed(0), rr.fallback, rr.fresh.length);
  }
})();

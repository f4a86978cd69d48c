// Timing of the document functions on a 5,000-line paper, as on a keystroke (a new text each round):
//   npx tsx test/unit/documents/measure.ts
import { citationAt, citedKeys, paragraphs, passageAt, plainText, sections } from '../../../server/src/documents';
import { longDocument } from './generate';

const rounds = 60;
const warmup = 10;
for (const syntax of ['latex', 'markdown'] as const) {
  const base = longDocument(syntax, 5000);
  const times: Record<string, number[]> = { plainText: [], passageAt: [], 'paragraphs+sections': [], citationAt: [], citedKeys: [] };
  const probe = base.lastIndexOf(syntax === 'latex' ? 'silver' : '@silver') + 3;
  for (let r = 0; r < rounds; r++) {
    const text = base + ' '.repeat(r + 1);
    let t = performance.now();
    plainText(text, syntax);
    times.plainText.push(performance.now() - t);
    t = performance.now();
    passageAt(text, text.length >> 1, syntax);
    times.passageAt.push(performance.now() - t);
    t = performance.now();
    paragraphs(text, syntax);
    sections(text, syntax);
    times['paragraphs+sections'].push(performance.now() - t);
    t = performance.now();
    citationAt(text, probe, syntax);
    times.citationAt.push(performance.now() - t);
    t = performance.now();
    citedKeys(text, syntax);
    times.citedKeys.push(performance.now() - t);
  }
  const sorted = (a: number[]) => a.slice(warmup).sort((x, y) => x - y);
  console.log(`${syntax}: ${base.split('\n').length} lines, ${base.length} UTF-16 units`);
  for (const [name, v] of Object.entries(times)) {
    const s = sorted(v);
    console.log(`  ${name.padEnd(20)} min ${s[0].toFixed(2)} ms  median ${s[s.length >> 1].toFixed(2)} ms  p95 ${s[Math.floor(s.length * 0.95)].toFixed(2)} ms`);
  }
}

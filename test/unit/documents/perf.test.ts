import { strict as assert } from 'node:assert';
import { citationAt, citedKeys, paragraphs, passageAt, plainText } from '../../../server/src/documents';
import { longDocument } from './generate';

/** Best of a few runs, so a busy machine does not fail the suite; the bounds catch quadratic slips, not ms. */
function best(f: () => void, runs = 5): number {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

describe('documents: speed on a 5,000-line document', () => {
  for (const syntax of ['latex', 'markdown'] as const) {
    it(`${syntax}: plain text, passages and keys stay well under a keystroke`, () => {
      const base = longDocument(syntax, 5000);
      let r = 0;
      const ms = best(() => {
        const text = base + ' '.repeat(++r);
        plainText(text, syntax);
        passageAt(text, text.length >> 1, syntax);
        paragraphs(text, syntax);
        citedKeys(text, syntax);
        citationAt(text, text.length >> 1, syntax);
      });
      assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
    });
  }
  it('pathological input: unclosed groups everywhere stays linear', () => {
    const latex = '\\cite{a \\begin{equation} $x \\( [\n'.repeat(3000);
    const md = '[@a `b $c <!-- ![d]( [e](\n'.repeat(3000);
    assert.ok(best(() => plainText(latex + ' ', 'latex'), 2) < 300);
    assert.ok(best(() => plainText(md + ' ', 'markdown'), 2) < 300);
    assert.ok(best(() => citedKeys(latex + '  ', 'latex'), 2) < 300);
    assert.ok(best(() => citedKeys(md + '  ', 'markdown'), 2) < 300);
  });
});

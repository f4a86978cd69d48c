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
  it('pathological input: thousands of definitions, unclosed or calling one another, stay linear', () => {
    const unclosed = '\\def\\x#1{ \\newcommand{\\y}[1]{\\ref{#1} | `a`\n'.repeat(1000);
    // A new text each run: the same text again is answered from memory.
    let r = 0;
    // Macro names are letters: \\maaa, \\maab…; each calls the next, the last \\ref, defined in reverse order.
    const name = (i: number) => 'm' + [...i.toString(26).padStart(3, '0')].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
    const chain = Array.from({ length: 3000 }, (_, i) => `\\newcommand{\\${name(i)}}[1]{\\${name(i + 1)}{#1}}`).join('\n');
    const tex = `${chain}\n\\newcommand{\\${name(3000)}}[1]{\\ref{#1}}\n\\begin{document}\nSee \\${name(0)}{fig-x}.\n\\end{document}`;
    assert.ok(best(() => plainText(unclosed + ' '.repeat(++r), 'latex'), 2) < 300);
    assert.ok(best(() => plainText(unclosed + ' '.repeat(++r), 'markdown'), 2) < 300);
    assert.equal(plainText(tex, 'latex').text, 'See.');
    assert.ok(best(() => plainText(tex + ' '.repeat(++r), 'latex'), 2) < 300);
  });
});

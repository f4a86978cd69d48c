import { strict as assert } from 'node:assert';
import { decodeSimpleLatex, splitMath } from '../../../server/src/library/latex';

// The simple decoder must say exactly what the careful parser says, or step aside (null).
const SAMPLES = [
  'Sch{\\"o}n and Sch\\"{o}n and Sch\\"on',
  "\\'{e}t\\'e \\`a la \\^{o} \\~n \\=a \\.z",
  '{\\ss} \\ss{} Stra\\ss e \\c{c}a \\c c \\H{o} \\v{s} \\u{g} \\k{a} \\r{a} \\aa{} \\AA',
  'na\\"{\\i}ve na\\"\\i{}ve {\\o}re \\O \\ae \\AE \\oe \\l \\L',
  'pages 10--20, an em---dash, a~tie',
  '``quoted\'\' and `single\' and it\'s',
  '50\\% \\& \\_ \\# \\$ \\{braces\\}',
  '{{MuZero}}: Mastering {Atari}, {Go}',
  'a {\\textendash} b \\textemdash{} c \\textquoteright s',
];

describe('library/latex', () => {
  let careful: (tex: string) => string;
  before(async () => {
    const { parse } = await import('@retorquere/bibtex-parser');
    careful = (tex) => {
      const r = parse(`@misc{x, title = {${tex}}}`, { english: false, sentenceCase: false, caseProtection: false, unsupported: 'ignore' });
      // bibtex.ts applies the same repair: a dotless i under an accent is an i.
      return String(r.entries[0].fields.title).replace(/ı(?=\p{M})/gu, 'i').normalize('NFC').replace(/\s+/g, ' ').trim();
    };
  });

  for (const tex of SAMPLES) {
    it(`agrees with the careful parser: ${tex}`, () => {
      const simple = decodeSimpleLatex(tex);
      assert.notEqual(simple, null);
      assert.equal(simple, careful(tex));
    });
  }

  it('steps aside for math, unknown commands and bare specials', () => {
    for (const tex of ['$x$', '\\textbf{b}', '\\url{x}', 'a % comment', 'x^2', 'a_b', '\\newcommand']) {
      assert.equal(decodeSimpleLatex(tex), null, tex);
    }
  });

  it('splits inline math from text', () => {
    assert.deepEqual(splitMath('a $x$ b $\\$y$ c'), ['a ', '$x$', ' b ', '$\\$y$', ' c']);
    assert.equal(splitMath('unpaired $x'), null);
    assert.equal(splitMath('$$display$$'), null);
  });
});

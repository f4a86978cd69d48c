import { strict as assert } from 'node:assert';
import { decodeLatexText, decodeMath, decodeSimpleLatex, splitMath } from '../../../server/src/library/latex';

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
    assert.deepEqual(splitMath('a $$x$$ b'), ['a ', '$$x$$', ' b']);
    assert.equal(splitMath('$$x$ y'), null);
  });

  it('decodes maths in titles to text, never dropping an argument', () => {
    const cases: [string, string][] = [
      ['An improved $\\widehat{R}$ for assessing convergence', 'An improved R̂ for assessing convergence'],
      ['The $\\alpha$-divergence', 'The α-divergence'],
      ['$x^2$ and $10^{-3}$ and $x_{ij}$', 'x² and 10⁻³ and xᵢⱼ'],
      ['$\\mathcal{O}(n)$ time, $O(\\log n)$ regret, $n \\log n$', 'O(n) time, O(log n) regret, n log n'],
      ['$\\hat{x}$, $\\hat\\theta$, $\\tilde y$, $\\bar{z}$, $\\vec{v}$', 'x̂, θ̂, ỹ, z̄, v⃗'],
      ['$\\mathbb{R}^d$, $\\ell_1$, $\\sqrt{n}$, $\\frac{1}{2}$, $\\frac{a+b}{c}$', 'Rᵈ, ℓ₁, √n, 1/2, (a+b)/c'],
      ['$\\unknowncommand{kept}$ and $\\mathrm{SO}(3)$ and $k\\text{-NN}$', 'kept and SO(3) and k-NN'],
      ['$e^{i\\pi}$, $\\mathcal{H}_\\infty$, $\\left( a \\right)$', 'e^(iπ), H_∞, (a)'],
      ['Sch{\\"o}n with $\\alpha_i$ and $$x$$', 'Schön with αᵢ and x'],
      ['$\\widehat{ABC}$ stays searchable', 'ABC stays searchable'],
    ];
    for (const [tex, text] of cases) assert.equal(decodeLatexText(tex), text, tex);
  });

  it('reads any math in one pass: deep nesting, long command chains and unclosed groups', () => {
    assert.equal(decodeMath('{'.repeat(10_000) + 'x' + '}'.repeat(10_000)), 'x');
    assert.match(decodeMath('\\hat'.repeat(10_000) + '{x}'), /^x\p{M}?$/u);
    assert.equal(decodeMath('\\frac{a'), 'a/');
    assert.equal(decodeMath('x^'), 'x');
    assert.equal(decodeLatexText('unpaired $x'), null, 'left to the careful parser');
  });
});

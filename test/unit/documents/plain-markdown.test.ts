import { strict as assert } from 'node:assert';
import { citedKeys, isExcluded, plainText } from '../../../server/src/documents';

const plain = (md: string) => plainText(md, 'markdown').text;

function assertMapped(md: string) {
  const p = plainText(md, 'markdown');
  for (let i = 0; i < p.text.length; i++) {
    const c = p.text[i];
    if (c !== ' ' && c !== '\n') assert.equal(md[p.offsets[i]], c, `plain ${i} "${c}" → source ${p.offsets[i]}`);
    if (i > 0) assert.ok(p.offsets[i] >= p.offsets[i - 1], 'offsets never decrease');
  }
}

describe('documents: plainText (Markdown)', () => {
  it('drops front matter', () => assert.equal(plain('---\ntitle: "A: b"\nbibliography: refs.bib\n---\n\nBody.'), 'Body.'));
  it('a --- line later is not front matter', () => assert.equal(plain('Text.\n\n---\n\nMore.'), 'Text.\n\nMore.'));
  it('drops fenced code blocks (``` and ~~~, with info strings)', () =>
    assert.equal(plain('A.\n\n```python\nx = 1  # @key\n```\n\n~~~{r}\ny\n~~~\n\nB.'), 'A.\n\nB.'));
  it('drops indented code blocks', () => assert.equal(plain('A.\n\n    code here\n    more\n\nB.'), 'A.\n\nB.'));
  it('drops inline code', () => assert.equal(plain('Call `f(x)` and ``a ` b`` now.'), 'Call and now.'));
  it('drops HTML comments, also across lines', () => assert.equal(plain('A <!-- hidden\nstill --> b.'), 'A b.'));
  it('keeps link text, drops the URL', () => assert.equal(plain('See [the docs](https://x.org/a_(b)) and [ref][1].'), 'See the docs and ref.'));
  it('drops images and autolinks', () => assert.equal(plain('An ![alt text](a.png) image <https://x.org>.'), 'An image.'));
  it('drops emphasis markers', () => assert.equal(plain('A *b* **c** _d_ __e__ ~~f~~ snake_case_name.'), 'A b c d e f snake_case_name.'));
  it('drops heading #s and attributes', () => assert.equal(plain('## Related Work {#sec:rel}\n\nText.'), 'Related Work\n\nText.'));
  it('drops pandoc citations', () =>
    assert.equal(plain('Planning [@muzero; @alpha, p. 3] works, as @silver2016 showed [-@x].'), 'Planning works, as showed.'));
  it('keeps e-mail addresses', () => assert.equal(plain('Mail foo@bar.com now.'), 'Mail foo@bar.com now.'));
  it('drops math', () => assert.equal(plain('Let $x^2$ be small. $$\\int f = 1.$$ Then'), 'Let be small. Then'));
  it('a dollar amount is not math', () => assert.equal(plain('It costs $5 and $10 today.'), 'It costs $5 and $10 today.'));
  it('a pipe table is data, not prose: its cells are dropped, its caption kept', () => {
    assert.equal(plain('Before.\n\n| Model | Score |\n|---|---:|\n| MuZero | 0.9 |\n\nTable: Scores by model.\n\nAfter.'), 'Before.\n\nTable: Scores by model.\n\nAfter.');
    assert.equal(plain('Model | Score\n--- | ---\nMuZero | 0.9\nAfter the table.'), 'After the table.');
  });
  it('a line with a pipe over a plain rule is a setext heading, not a table', () => assert.equal(plain('Either | or\n---\n\nText.'), 'Either | or\n\nText.'));
  it('a citation in a table cell is still a citation', () =>
    assert.deepEqual(citedKeys('| Model | Source |\n|---|---|\n| MuZero | [@schrittwieser2020] |', 'markdown').map((k) => k.key), ['schrittwieser2020']));
  it('a name set as code is a word of its sentence; other code is not', () => {
    const md = '`quicksort` sorts in place, unlike `merge_sort.py`; call `sort(xs, key=f)` for more.';
    assert.equal(plain(md), 'quicksort sorts in place, unlike merge_sort.py; call for more.');
    assertMapped(md);
    // Still code: no prose hover there.
    assert.equal(isExcluded(plainText(md, 'markdown'), 2), true);
  });
  it('raw LaTeX cross-references are labels, not prose', () =>
    assert.equal(plain('As \\autoref{fig:scores} shows, it works.\\label{sec:works}'), 'As shows, it works.'));
  it('list items: one paragraph, each item its own sentence', () =>
    assert.equal(plain('Intro:\n\n- first item\n- second *item*\n  continued\n1. third\n\nAfter.'), 'Intro:\n\nfirst item\nsecond item continued\nthird\n\nAfter.'));
  it('task lists', () => assert.equal(plain('- [ ] todo\n- [x] done'), 'todo\ndone'));
  it('block quotes', () => assert.equal(plain('> Quoted *text*\n> goes on.'), 'Quoted text goes on.'));
  it('footnote references and definitions', () => assert.equal(plain('Claim.[^1]\n\n[^1]: The note.'), 'Claim.\n\nThe note.'));
  it('link reference definitions are dropped', () => assert.equal(plain('Text [a][r].\n\n[r]: http://x.org'), 'Text a.'));
  it('setext headings', () => assert.equal(plain('Title\n=====\n\nBody.'), 'Title\n\nBody.'));
  it('HTML tags dropped, text kept', () => assert.equal(plain('A <span class="x">b</span> c.'), 'A b c.'));
  it('backslash escapes', () => assert.equal(plain('Not \\*emphasis\\* and \\@key.'), 'Not *emphasis* and @key.'));
  it('quarto fenced divs', () => assert.equal(plain('::: {.note}\nInside.\n:::\n'), 'Inside.'));
  it('offsets map back to the same characters', () =>
    assertMapped('---\na: b\n---\n# T\n\nA *b* [c](u) `d` [@k] $m$ e.\n\n- f\n- g <!-- h -->\n'));
  it('offsets of a simple sentence', () => {
    const p = plainText('A **b** c.', 'markdown');
    assert.equal(p.text, 'A b c.');
    assert.deepEqual([...p.offsets], [0, 1, 4, 7, 8, 9, 10]);
  });
});

describe('documents: plainText (Markdown) edge cases', () => {
  it('CRLF line endings', () => assert.equal(plainText('# T\r\n\r\nOne\r\ntwo.\r\n\r\nThree.\r\n', 'markdown').text, 'T\n\nOne two.\n\nThree.'));
  it('characters outside the BMP keep their UTF-16 offsets', () => {
    const md = 'Emoji 😀 then *x*.';
    const p = plainText(md, 'markdown');
    assert.equal(p.text, 'Emoji 😀 then x.');
    assert.equal(p.offsets[p.text.indexOf('x')], md.indexOf('x'));
  });
  it('pandoc bracketed spans keep their text', () => assert.equal(plainText('A [small caps]{.smallcaps} word.', 'markdown').text, 'A small caps word.'));
});

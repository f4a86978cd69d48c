import { strict as assert } from 'node:assert';
import { citationAt } from '../../../server/src/documents';
import { fixture } from './fixture';

/** `\cite{mu|}` → the citation context at the cursor. */
function at(source: string) {
  const f = fixture(source);
  return { f, ctx: citationAt(f.text, f.cursor, 'latex') };
}

/** Asserts typed text, its span (from `«»` around the key token when given) and the other keys. */
function expectCite(source: string, typed: string, keys: string[] = [], command?: string) {
  const { f, ctx } = at(source);
  assert.ok(ctx, `expected a citation context in ${source}`);
  assert.equal(ctx.typed, typed);
  assert.equal(ctx.typedStart, f.cursor - typed.length);
  if (f.spans.length) {
    assert.equal(ctx.typedStart, f.spans[0].start, 'typedStart');
    assert.equal(ctx.typedEnd, f.spans[0].end, 'typedEnd');
  } else assert.equal(ctx.typedEnd, f.cursor);
  assert.deepEqual(ctx.keys, keys);
  assert.equal(ctx.syntax, 'latex');
  if (command) assert.equal(ctx.command, command);
}

function expectNone(source: string) {
  const { ctx } = at(source);
  assert.equal(ctx, null, `expected no citation context in ${source}`);
}

describe('documents: citationAt (LaTeX)', () => {
  it('right after \\cite{ with nothing typed', () => expectCite('See \\cite{|}.', '', [], '\\cite'));
  it('right after \\cite{ unclosed at the end of the text', () => expectCite('See \\cite{|', ''));
  it('partial key', () => expectCite('\\cite{«mu|»}', 'mu'));
  it('partial key, unclosed, prose on the next line', () => expectCite('as shown \\cite{«mu|»\nby others.', 'mu'));
  it('unclosed with prose after a space', () => expectCite('as shown \\cite{«mu|» and more text.', 'mu'));
  it('cursor in the middle of a key: typedEnd is the key end', () => expectCite('\\cite{«schr|ittwieser2020»}', 'schr'));
  it('cursor at the start of a key', () => expectCite('\\cite{«|silver2016»}', ''));
  it('after a comma, next key', () => expectCite('\\cite{silver2016,«|»}', '', ['silver2016']));
  it('after a comma and a space', () => expectCite('\\cite{silver2016, «al|»}', 'al', ['silver2016']));
  it('between keys', () => expectCite('\\cite{a, «b|c», d}', 'b', ['a', 'd']));
  it('across a line break inside the braces', () => expectCite('\\citep{silver2016,\n  «schr|»,\n  hafner2019}', 'schr', ['silver2016', 'hafner2019']));
  it('\\citep with one optional argument', () => expectCite('\\citep[p.~3]{«k|»}', 'k', [], '\\citep'));
  it('\\citep with two optional arguments', () => expectCite('\\citep[see][chap. 2]{a,«|»}', '', ['a']));
  it('optional argument holding braces', () => expectCite('\\citep[{see}][{p. 2}]{«x|»}', 'x'));
  it('starred form', () => expectCite('\\citet*{«ha|»}', 'ha', [], '\\citet*'));
  it('space between command and brace', () => expectCite('\\cite {«ab|»}', 'ab'));
  for (const cmd of [
    'cite', 'citep', 'citet', 'citealp', 'citealt', 'citeauthor', 'citeyear', 'citeyearpar', 'parencite', 'textcite',
    'autocite', 'footcite', 'smartcite', 'supercite', 'fullcite', 'nocite', 'Cite', 'Parencite', 'Textcite', 'Citet',
    'Autocite', 'citetitle',
  ]) {
    it(`\\${cmd}`, () => expectCite(`x \\${cmd}{a,«b|»}`, 'b', ['a'], `\\${cmd}`));
  }
  it('\\cites multi-cite: second group', () => expectCite('\\cites[pre][post]{a}[p.~4]{«b|»}', 'b', ['a'], '\\cites'));
  it('\\parencites multi-cite: first group', () => expectCite('\\parencites{«a|»}{b,c}', 'a', ['b', 'c']));
  it('keys already in the command exclude the one typed', () => expectCite('\\cite{a,b,«c|»}', 'c', ['a', 'b']));
  it('key with colon, dash and dot', () => expectCite('\\cite{«doe:2020-ab.x|»}', 'doe:2020-ab.x'));
  it('unicode key characters', () => expectCite('\\cite{«müller|»}', 'müller'));
  it('two cites on a line: the second one', () => expectCite('\\cite{a} and \\citep{«b|»}', 'b', [], '\\citep'));

  it('unclosed, after a comma and a line break, at the end of the text', () => expectCite('\\cite{a,\n  |', '', ['a']));
  it('a line of spaces is a blank line: the paragraph, and the citation, ended', () => expectNone('\\cite{a,\n  |\nmore'));
  it('unclosed, after a comma, keys on the next lines', () => expectCite('\\cite{a,\n  «b|»', 'b', ['a']));
  it('unclosed: prose after the key is not inside', () => expectNone('\\cite{mu and more| text'));
  it('unclosed at the very end of the document', () => expectCite('Text \\cite{a, «x|»', 'x', ['a']));
  it('not after the closing brace', () => expectNone('\\cite{a}|'));
  it('not after the closing brace, later in the sentence', () => expectNone('\\cite{a} and then | more'));
  it('not in the optional argument', () => expectNone('\\citep[p.|~3]{a}'));
  it('not on the command name', () => expectNone('\\ci|te{a}'));
  it('not in \\ref', () => expectNone('\\ref{fig|}'));
  it('not in \\citetext (it holds text)', () => expectNone('\\citetext{see |}'));
  it('not in a comment', () => expectNone('% \\cite{mu|}'));
  it('not when the cite is commented out before the cursor', () => expectNone('text % \\cite{\nmu|'));
  it('escaped percent is not a comment', () => expectCite('50\\% \\cite{«mu|»}', 'mu'));
  it('not across a paragraph break', () => expectNone('\\cite{a,\n\nNew paragraph |'));
  it('not in plain text', () => expectNone('Plain | text.'));
  it('offset outside the text', () => {
    assert.equal(citationAt('\\cite{a}', 99, 'latex'), null);
    assert.equal(citationAt('\\cite{a}', -1, 'latex'), null);
  });
  it('at the offset just after the last key before the brace', () => expectCite('\\cite{«abc|»}', 'abc'));
  it('inside the braces of the first cite when another follows', () => expectCite('\\cite{«x|»} \\cite{y}', 'x'));
});

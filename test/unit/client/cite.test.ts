// What "Insert Citation" (command, panel, lens) types at the cursor, in LaTeX and Markdown.
import * as assert from 'node:assert/strict';
import { citationText, citeCommand } from '../../../server/src/documents/citationText';

/** `|` marks the cursor in `doc`; answers the document after inserting the citation of `key`. */
function cite(doc: string, key: string, syntax: 'latex' | 'markdown'): string {
  const at = doc.indexOf('|');
  const before = doc.slice(0, at);
  const rest = doc.slice(at + 1);
  const after = rest.split('\n')[0] ?? '';
  return before + citationText(before, after, key, syntax) + rest;
}

describe('client citationText', () => {
  describe('latex', () => {
    it('adds \\cite{key} after a word, tied with ~', () => {
      assert.equal(cite('planning with a learned model|.', 'mastering-atari-go', 'latex'), 'planning with a learned model~\\cite{mastering-atari-go}.');
    });
    it('adds no tie after a space', () => {
      assert.equal(cite('as shown in |', 'k', 'latex'), 'as shown in \\cite{k}');
    });
    it('inserts only the key inside an empty cite command', () => {
      assert.equal(cite('model~\\cite{|}', 'k', 'latex'), 'model~\\cite{k}');
    });
    it('separates the key with a comma after other keys, for every cite variant', () => {
      assert.equal(cite('\\citep[see][p.~3]{a,b|}', 'k', 'latex'), '\\citep[see][p.~3]{a,b,k}');
      assert.equal(cite('\\parencite*{a|}', 'k', 'latex'), '\\parencite*{a,k}');
      assert.equal(cite('\\textcite{a, |}', 'k', 'latex'), '\\textcite{a, k}');
    });
    it('adds a comma before a key that follows the cursor', () => {
      assert.equal(cite('\\cite{|b}', 'k', 'latex'), '\\cite{k,b}');
    });
    it('writes the document\'s parenthetical command (citeCommand): its most used of \\cite, \\citep, \\parencite, \\autocite', () => {
      const natbib = 'As shown~\\citep{a}, and again~\\citep[p.~2]{b}; \\citet{c} disagrees~\\cite{d}.\n% \\cite{e} \\cite{f} \\cite{g}\n';
      assert.equal(citeCommand(natbib), '\\citep', 'two \\citep over one \\cite; \\citet is textual, comments do not count');
      assert.equal(citeCommand('See \\parencite*{a} and \\autocite{b} and \\parencite{c}.'), '\\parencite');
      assert.equal(citeCommand('No citation yet, \\textcite{a} only.'), '\\cite', 'none used: \\cite');
      assert.equal(citeCommand('\\citep{a} and \\cite{b}'), '\\cite', 'a tie keeps \\cite');
      const at = 'planning with a learned model|.';
      const before = at.slice(0, at.indexOf('|'));
      assert.equal(citationText(before, '.', 'k', 'latex', citeCommand(natbib)), '~\\citep{k}');
      assert.equal(citationText(before, '.', 'k', 'latex'), '~\\cite{k}');
      assert.equal(citationText('\\citep{a,|'.slice(0, -1), '}', 'k', 'latex', '\\citep'), 'k', 'inside a citation only the key');
    });
    it('does not treat a closed cite command as open', () => {
      assert.equal(cite('\\cite{a} and |', 'k', 'latex'), '\\cite{a} and \\cite{k}');
    });
  });

  describe('markdown', () => {
    it('adds [@key] after a word with a space', () => {
      assert.equal(cite('a learned model.|', 'k', 'markdown'), 'a learned model. [@k]');
    });
    it('completes a key after @ inside brackets', () => {
      assert.equal(cite('model [@|]', 'k', 'markdown'), 'model [@k]');
    });
    it('adds ; @key inside a bracket citation with keys', () => {
      assert.equal(cite('model [@a|]', 'k', 'markdown'), 'model [@a; @k]');
      assert.equal(cite('model [see @a; |]', 'k', 'markdown'), 'model [see @a; @k]');
    });
    it('ignores brackets on earlier lines', () => {
      assert.equal(cite('[@a\nnext line|', 'k', 'markdown'), '[@a\nnext line [@k]');
    });
  });

  describe('a key the citation already holds', () => {
    it('is not inserted again, before or after the cursor, in either syntax', () => {
      assert.equal(cite('see \\cite{a, k|}.', 'k', 'latex'), 'see \\cite{a, k}.');
      assert.equal(cite('see \\citep[p.~2]{|k,b}.', 'k', 'latex'), 'see \\citep[p.~2]{k,b}.');
      assert.equal(cite('[@bayes; @arXiv:stat/0501001|]', 'arXiv:stat/0501001', 'markdown'), '[@bayes; @arXiv:stat/0501001]');
      assert.equal(cite('[see @k, p. 3; |]', 'k', 'markdown'), '[see @k, p. 3; ]');
    });
    it('a longer key that starts with it is another key', () => {
      assert.equal(cite('\\cite{k2|}', 'k', 'latex'), '\\cite{k2,k}');
      assert.equal(cite('[@k2|]', 'k', 'markdown'), '[@k2; @k]');
    });
  });
});


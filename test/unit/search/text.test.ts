import { strict as assert } from 'node:assert';
import { fuzzyTerms } from '../../../server/src/search/fuzzy';
import { porterStem } from '../../../server/src/search/porter';
import { fold, indexWords, tokenize } from '../../../server/src/search/text';

describe('search: words, stems, fuzzy lookup', () => {
  it('folds case and accents', () => {
    assert.equal(fold('Schrödinger'), 'schrodinger');
    assert.equal(fold('Łukasiewicz Straße Ørsted'), 'lukasiewicz strasse orsted');
  });

  it('tokenizes with offsets, skips LaTeX commands, joins two-part compounds', () => {
    const text = 'Pre-training \\emph{state-of-the-art} GPT-3 models';
    const tokens = tokenize(text);
    assert.deepEqual(
      tokens.map((t) => t.term),
      ['pre', 'pretraining', 'training', 'state', 'of', 'the', 'art', 'gpt', 'models'],
    );
    for (const t of tokens) assert.equal(fold(text.slice(t.start, t.end)).replace('-', ''), t.term);
  });

  it('indexWords gives exactly the words tokenize gives', () => {
    for (const text of [
      'Pre-training of state-of-the-art Schrödinger \\emph{x} Łukasz GPT-3 self-supervised',
      'α-β pruning — “quotes” naïve café 3.5× faster; x² ½ Straße ﬁne 日本語 テキスト',
      'AstroM$^3$: a—b c–d e-f-g h-i. don\'t',
    ]) {
      const fast: string[] = [];
      indexWords(text, (w) => fast.push(w));
      assert.deepEqual(fast, tokenize(text).map((t) => t.term), text);
    }
  });

  it('stems like Porter', () => {
    const cases: Record<string, string> = { caresses: 'caress', ponies: 'poni', relational: 'relat', planning: 'plan', planned: 'plan', generalization: 'gener', hopping: 'hop', networks: 'network' };
    for (const [w, s] of Object.entries(cases)) assert.equal(porterStem(w), s, w);
  });

  it('finds terms within an edit distance in a sorted vocabulary, transpositions included', () => {
    const terms = ['atari', 'attention', 'mastering', 'master', 'planning', 'plan', 'transformer', 'transformers'].sort();
    const names = (q: string, d: number, prefix = false) =>
      fuzzyTerms(terms, q, d, prefix)
        .flatMap((m) => terms.slice(m.term, m.end))
        .sort();
    assert.deepEqual(names('mastring', 1), ['mastering']);
    assert.deepEqual(names('transfromer', 2), ['transformer', 'transformers']);
    assert.deepEqual(names('planing', 1), ['planning']);
    assert.deepEqual(names('trnasfo', 1, true), ['transformer', 'transformers']);
    assert.deepEqual(names('zebra', 1), []);
  });
});

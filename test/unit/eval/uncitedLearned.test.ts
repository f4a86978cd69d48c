import { strict as assert } from 'node:assert';
import { citationSpans, cut } from '../../../eval/uncited';
import { features, tokens } from '../../../eval/uncitedLearned';

describe('eval:uncited:learned: what the citation-worthiness classifier reads', () => {
  it('keeps stopwords, "e.g." and "et al", and reads numbers and years by their shape', () => {
    assert.deepEqual(tokens('As Moser et al. (2019) showed, e.g. 3.5 m of ice-loss…'), ['as', 'moser', 'et', 'al', '<year>', 'showed', 'e.g.', '<num>', 'm', 'of', 'ice-loss']);
  });

  it('makes no bigram across a removed citation, and no token of its residue', () => {
    const tex = 'The model from~\\cite{moser2021} could be used (see~\\citealp{huss}) here.';
    const copy = cut(tex, citationSpans(tex, 'latex'));
    assert.equal(copy.text, 'The model from could be used (see) here.');
    const f = features(copy.text, tex);
    assert.ok(f.includes('b:model from') && f.includes('b:could be'), f.join(' '));
    assert.ok(!f.includes('b:from could') && !f.includes('b:see here'), f.join(' '));
    assert.ok(!f.some((x) => /moser|huss|cite|[()[\]{}\\~]/.test(x)), f.join(' '));
  });
});

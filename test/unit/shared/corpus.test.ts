// A candidate's stored impacts come back as PostgreSQL's text of a tsvector (shared/corpus.ts
// storedTerms): `'stem':impact` with the field's label, quotes and backslashes doubled in lexemes.
import { strict as assert } from 'node:assert';
import { storedTerms } from '../../../server/src/shared/corpus';

describe('shared/corpus storedTerms', () => {
  it('reads each lexeme with its one position (the impact), whatever its label', () => {
    assert.deepEqual(storedTerms("'attent':212A 'model':17C 'transform':9"), { terms: ['attent', 'model', 'transform'], impacts: [212, 17, 9] });
  });

  it('undoubles quotes and backslashes inside a lexeme', () => {
    assert.deepEqual(storedTerms("'it''s':5B 'a\\\\b':7 'x':1"), { terms: ["it's", 'a\\b', 'x'], impacts: [5, 7, 1] });
  });

  it('an empty vector (no stem of the text in the paper) is no terms', () => {
    assert.deepEqual(storedTerms(''), { terms: [], impacts: [] });
  });
});

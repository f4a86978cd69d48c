import { strict as assert } from 'node:assert';
import { splitSentences } from '../../../server/src/documents';

const split = (text: string) => splitSentences(text, 0, text.length).map(([s, e]) => text.slice(s, e));

describe('documents: splitSentences', () => {
  it('splits at . ! ? before a capital', () => assert.deepEqual(split('One is here. Two? Three! Four.'), ['One is here.', 'Two?', 'Three!', 'Four.']));
  const keep: [string, string][] = [
    ['e.g.', 'Models, e.g. MuZero, plan.'],
    ['e.g. before a capital', 'Some methods, e.g. Dreamer, learn.'],
    ['i.e.', 'The model, i.e. The Network, learns.'],
    ['et al.', 'Silver et al. Showed that it works.'],
    ['Fig. 3', 'As Fig. 3 shows, it works.'],
    ['Fig. A', 'As in Fig. A, it works.'],
    ['Eq. (2)', 'From Eq. (2) we get it.'],
    ['Sec. 4', 'See Sec. 4 for details.'],
    ['vs.', 'Model-based vs. Model-free methods.'],
    ['cf.', 'This differs, cf. Smith, from that.'],
    ['decimals', 'The value 3.14 is close to pi.'],
    ['initials', 'Work by J. Smith and A. B. Jones was first.'],
    ['ellipsis before lowercase', 'We tried... and it failed.'],
    ['dotted abbreviation', 'Work in the U.S. Army is done.'],
    ['Dr.', 'Dr. Who was there.'],
  ];
  for (const [name, sentence] of keep) it(`survives ${name}`, () => assert.deepEqual(split(sentence), [sentence]));
  it('ends at the end of the text without a period', () => assert.deepEqual(split('One. Two'), ['One.', 'Two']));
  it('ends before an opening quote or parenthesis and a capital', () =>
    assert.deepEqual(split('One ends. "Two starts." (Three too.)'), ['One ends.', '"Two starts."', '(Three too.)']));
  it('closing quote after the period stays with the sentence', () => assert.deepEqual(split('He said "yes." Then left.'), ['He said "yes."', 'Then left.']));
  it('ellipsis before a capital ends the sentence', () => assert.deepEqual(split('We waited... Then it rained.'), ['We waited...', 'Then it rained.']));
  it('a period before a digit or lowercase does not end a sentence', () => assert.deepEqual(split('Version 2. and 3. 4 more'), ['Version 2. and 3. 4 more']));
  it('newline (list item, table row) ends a sentence', () => assert.deepEqual(split('first item\nsecond item'), ['first item', 'second item']));
  it('spans are trimmed', () => {
    const text = '  One.   Two.  ';
    assert.deepEqual(splitSentences(text, 0, text.length), [[2, 6], [9, 13]]);
  });
  it('works inside a range', () => {
    const text = 'xx A. B. C yy';
    assert.deepEqual(splitSentences(text, 3, 10).map(([s, e]) => text.slice(s, e)), ['A. B. C']);
  });
  it('unicode capitals', () => assert.deepEqual(split('Ça va. Élan vital.'), ['Ça va.', 'Élan vital.']));
});

import fc from 'fast-check';
import { loadBibtexParser } from '../../../server/src/library/bibtex';
import { bytesProperty, cslProperty, mathProperty, property } from '../../fuzz/bibliography';

// A fixed seed and a few seconds here; `npm run fuzz -- --runs N --seed S` runs as long as you like.
const SEED = 20_260_101;

describe('library fuzz (fast-check, fixed seed)', function () {
  this.timeout(120_000);
  before(loadBibtexParser);

  it('damaged bibliographies: no throw, bounded time, intact entries keep their fields, problems on one line with file:line', () => {
    fc.assert(property, { seed: SEED, numRuns: 120 });
  });

  it('any bytes decode to text or are refused; damaged CSL-JSON reports on one line', () => {
    fc.assert(bytesProperty, { seed: SEED, numRuns: 300 });
    fc.assert(cslProperty, { seed: SEED, numRuns: 300 });
  });

  it('maths in titles: the fast decoder and the careful parser agree, and unknown commands keep their argument text', () => {
    fc.assert(mathProperty, { seed: SEED, numRuns: 300 });
  });
});

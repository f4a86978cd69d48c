// A shared corpus lost while a command runs (shared/corpus.ts: its queries fail fast, the answers
// come from the local library): the command says so on stderr when it closes, never in silence.
import { strict as assert } from 'node:assert';
import { closeRanker } from '../../../server/src/cli/io';
import { SearchIndex } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import { SharedCorpus } from '../../../server/src/shared/corpus';
import { captured } from './capture';

describe('cli: a shared corpus lost during a run', () => {
  it('the answer comes from the library, and closing says the shared papers are not in it', async () => {
    const shared = new SharedCorpus('postgresql://member@127.0.0.1:1/litlens', { connectMs: 2000 });
    assert.equal(await shared.open(), false); // nothing listens on port 1: as a server gone mid-run
    const index = SearchIndex.build([{ key: 'attention', title: 'Attention is all you need', authors: ['Vaswani, Ashish'], origin: { file: 'refs.bib', line: 1, kind: 'bibtex' } }]);
    const ranker = new Ranker(index, null, [shared], 60_000);
    const run = await captured(async () => {
      const hits = await ranker.search('attention', { limit: 5 });
      assert.deepEqual(hits.map((h) => h.paper.key), ['attention']);
      await closeRanker(ranker);
      return 0;
    });
    assert.equal(run.err, 'litlens: postgresql://member@127.0.0.1:1/litlens: no PostgreSQL server answers (connection refused); its papers are not in these answers\n');
  });
});

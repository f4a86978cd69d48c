import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { papers } from '../../../server/src/cli/papers';
import { related } from '../../../server/src/cli/related';
import { search } from '../../../server/src/cli/search';
import { makeZoteroDb, type FixtureItem } from '../../fixtures/zotero/make';
import { captured } from './capture';

describe('cli --zotero [DIR]', function () {
  this.timeout(60000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'litlens-cli-zotero-'));
    const items: FixtureItem[] = [
      { key: 'GLAC0001', type: 'journalArticle', fields: { title: 'Glacier mass balance from drone photogrammetry', date: '2021-06-00 June 2021', abstractNote: 'Drone surveys of mountain glaciers.' }, creators: [{ last: 'Okafor', first: 'Ada' }] },
      { key: 'NOTE0001', type: 'note' },
      { key: 'GRPP0001', type: 'conferencePaper', fields: { title: 'Ocean sensor networks', date: '2019' }, library: 2 },
    ];
    writeFileSync(join(dir, 'zotero.sqlite'), await makeZoteroDb({ version: 9, items, groups: [{ groupID: 4711, libraryID: 2, name: 'Lab Group' }] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('papers --zotero DIR --json lists each paper with key, title, authors, year and its library as source', async () => {
    const r = await captured(() => papers.run(['--json', '--no-corpus', '--zotero', dir]));
    assert.equal(r.code, 0, r.err);
    const list = JSON.parse(r.out).map(({ key, title, authors, year, source }: Record<string, unknown>) => ({ key, title, authors, year, source }));
    assert.deepEqual(list, [
      { key: 'okafor2021glacier', title: 'Glacier mass balance from drone photogrammetry', authors: ['Okafor, Ada'], year: 2021, source: 'Zotero: My Library' },
      { key: 'anon2019ocean', title: 'Ocean sensor networks', authors: [], year: 2019, source: 'Zotero: Lab Group' },
    ]);
  });

  it('search and related --zotero DIR --json rank Zotero papers and name their source; a query word after a bare --zotero stays a word', async () => {
    const s = await captured(() => search.run(['--json', '--no-corpus', '--zotero', dir, 'glacier photogrammetry']));
    assert.equal(s.code, 0, s.err);
    const [hit] = JSON.parse(s.out);
    assert.deepEqual({ key: hit.key, authors: hit.authors, year: hit.year, source: hit.source }, { key: 'okafor2021glacier', authors: ['Okafor, Ada'], year: 2021, source: 'Zotero: My Library' });
    const r = await captured(() => related.run(['--json', '--no-corpus', '--zotero', dir, '--threshold', '0', '--text', 'Sensor networks deployed in the ocean.']));
    assert.equal(JSON.parse(r.out)[0].source, 'Zotero: Lab Group');
    // Without DIR: the default data directory; here a HOME without one says so on stderr, and the query is still the query.
    const home = process.env.HOME;
    process.env.HOME = dir; // os.homedir() reads HOME
    try {
      const bare = await captured(() => search.run(['--no-corpus', '--zotero', 'glacier']));
      assert.equal(bare.code, 0);
      assert.match(bare.err, new RegExp(`^${join(dir, 'Zotero').replace(/[/\\]/g, '.')}: error: no such Zotero data directory$`, 'm'));
    } finally {
      process.env.HOME = home;
    }
  });
});

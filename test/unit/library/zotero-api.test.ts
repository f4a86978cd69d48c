import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiUnavailable, apiVersion, readZoteroApi } from '../../../server/src/library/zotero/api';
import { loadZotero } from '../../../server/src/library/zotero/source';
import { makeZoteroDb } from '../../fixtures/zotero/make';
import { fakeZotero, type FakeZotero } from '../../fixtures/zotero/api';

const item = (key: string, data: Record<string, unknown>) => ({ key, version: 1, library: { type: 'user', id: 0 }, data: { key, version: 1, dateAdded: '2024-01-01T00:00:00Z', ...data } });

describe('library/zotero local API', function () {
  this.timeout(20000);
  let zotero: FakeZotero;
  beforeEach(async () => {
    const many = Array.from({ length: 230 }, (_, i) => item(`P${String(i).padStart(7, '0')}`, { itemType: 'journalArticle', title: `Paper ${i}`, date: '2020' }));
    zotero = await fakeZotero(
      [
        {
          prefix: 'users/0',
          version: 812,
          items: [
            item('AAAA1111', {
              itemType: 'journalArticle',
              title: 'Soil carbon under grazing',
              date: '2012-11',
              publicationTitle: 'Soil Biology',
              DOI: '10.1000/soil.1',
              abstractNote: 'Grazing and carbon.',
              citationKey: 'okafor2012soil',
              creators: [{ creatorType: 'author', firstName: 'Ada', lastName: 'Okafor' }, { creatorType: 'author', name: 'World Soil Institute' }, { creatorType: 'editor', firstName: 'Bo', lastName: 'Lindqvist' }],
              collections: ['COLL0001'],
            }),
            item('NOTE0001', { itemType: 'note', note: '<p>x</p>' }),
            item('ATTA0001', { itemType: 'attachment', title: 'PDF' }),
            item('TRSH0001', { itemType: 'journalArticle', title: 'Trashed', deleted: 1 }),
            item('EXTR0001', { itemType: 'conferencePaper', title: 'Keyed in Extra', extra: 'Citation Key: extraKey2021', proceedingsTitle: 'Proc.' }),
            ...many,
          ],
          collections: [{ key: 'COLL0001', data: { name: 'Thesis', parentCollection: false } }],
        },
        { prefix: 'groups/4711', version: 90, items: [item('GRPP0001', { itemType: 'journalArticle', title: 'Ocean sensors in a group', creators: [{ creatorType: 'author', firstName: 'Rami', lastName: 'Haddad' }] })] },
      ],
      [{ id: 4711, data: { id: 4711, name: 'Lab Group' } }],
    );
  });
  afterEach(() => zotero.close());

  it('reads every page of My Library and the groups: regular items only, the same papers as the database gives', async () => {
    const read = await readZoteroApi({ base: zotero.base });
    assert.deepEqual(read.libraries.map((l) => [l.name, l.papers.length]), [['Zotero: My Library', 232], ['Zotero: Lab Group', 1]]);
    const soil = read.libraries[0].papers[0];
    assert.deepEqual(
      { key: soil.key, authors: soil.authors, year: soil.year, venue: soil.venue, doi: soil.doi, type: soil.type, link: soil.link },
      { key: 'okafor2012soil', authors: ['Okafor, Ada', 'World Soil Institute'], year: 2012, venue: 'Soil Biology', doi: '10.1000/soil.1', type: 'article', link: 'zotero://select/library/items/AAAA1111' },
    );
    assert.equal(read.libraries[0].papers[1].key, 'extraKey2021');
    assert.equal(read.libraries[1].papers[0].link, 'zotero://select/groups/4711/items/GRPP0001');
    assert.equal(read.fingerprint, 'users/0:812;groups/4711:90');
    // 232 papers + 3 left out = 235 items: three pages of 100.
    assert.equal(zotero.requests.filter((r) => r.startsWith('/api/users/0/items?format=json')).length, 3);
  });

  it('narrows to litlens.zoteroCollections', async () => {
    const read = await readZoteroApi({ base: zotero.base, collections: ['My Library/Thesis', 'Lab Group'] });
    assert.deepEqual(read.libraries.map((l) => l.papers.map((p) => p.title)), [['Soil carbon under grazing'], ['Ocean sensors in a group']]);
  });

  it('notices a change by the library versions', async () => {
    const before = await apiVersion({ base: zotero.base });
    assert.equal(before, await apiVersion({ base: zotero.base }));
    zotero.libraries[1].version = 91;
    zotero.libraries[1].items.push(item('GRPP0002', { itemType: 'book', title: 'A new book' }));
    assert.notEqual(await apiVersion({ base: zotero.base }), before);
    assert.equal((await readZoteroApi({ base: zotero.base })).libraries[1].papers.length, 2);
  });

  it('checks for a change with If-Modified-Since-Version: an unchanged library answers 304 with no body', async () => {
    const before = await apiVersion({ base: zotero.base });
    zotero.requests.length = 0;
    assert.equal(await apiVersion({ base: zotero.base }, before), before);
    // The groups list, then one request per library, each answered 304.
    assert.deepEqual([...zotero.requests].sort(), ['/api/groups/4711/items?limit=1', '/api/users/0/groups?format=json', '/api/users/0/items?limit=1']);
    assert.equal(zotero.notModified, 2);
    zotero.libraries[0].version = 813;
    assert.equal(await apiVersion({ base: zotero.base }, before), 'users/0:813;groups/4711:90');
  });

  it('"auto": the API when it answers, else the default data directory (saying so when the API is off), else nothing', async () => {
    const defaultDir = mkdtempSync(join(tmpdir(), 'litlens-zotero-auto-'));
    try {
      let read = await loadZotero({ setting: 'auto', api: zotero.base, defaultDir });
      assert.deepEqual(read!.way, { kind: 'api', base: zotero.base });
      assert.equal(read!.libraries[0].papers.length, 232);
      zotero.off = true;
      assert.equal(await loadZotero({ setting: 'auto', api: zotero.base, defaultDir }), null); // no database either
      writeFileSync(join(defaultDir, 'zotero.sqlite'), await makeZoteroDb({ version: 7, items: [{ key: 'DB000001', type: 'book', fields: { title: 'From the database' } }] }));
      read = await loadZotero({ setting: 'auto', api: zotero.base, defaultDir });
      assert.deepEqual(read!.way, { kind: 'database', dataDir: defaultDir });
      assert.deepEqual(read!.libraries[0].papers.map((p) => p.title), ['From the database']);
      assert.equal(read!.issues[0].severity, 'info');
      assert.match(read!.issues[0].message, /local API is off.*; read zotero\.sqlite instead$/);
      assert.equal(await loadZotero({ setting: 'off', api: zotero.base, defaultDir }), null);
    } finally {
      rmSync(defaultDir, { recursive: true, force: true });
    }
  });

  it('says in one line when the API is off (403) or Zotero is not running', async () => {
    zotero.off = true;
    await assert.rejects(readZoteroApi({ base: zotero.base }), (err: unknown) => err instanceof ApiUnavailable && err.off && /local API is off: in Zotero, Settings → Advanced/.test(err.message));
    await zotero.close();
    await assert.rejects(apiVersion({ base: zotero.base }), (err: unknown) => err instanceof ApiUnavailable && !err.off && err.message === 'Zotero is not running (nothing answers on its local API)');
    zotero = await fakeZotero([]); // for afterEach
  });
});

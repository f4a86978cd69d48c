import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedKey } from '../../../server/src/library/zotero/keys';
import { readZoteroDatabase, yearOf } from '../../../server/src/library/zotero/read';
import { Library } from '../../../server/src/library/library';
import { loadZotero, zoteroSources } from '../../../server/src/library/zotero/source';
import { ZoteroSource } from '../../../server/src/workspace/zotero';
import { generatedItems, makeBetterBibtexDb, makeZoteroDb, sql, type FixtureItem, type ZoteroVersion } from '../../fixtures/zotero/make';
import { savedPapers, saveRead } from '../../../server/src/library/zotero/saved';

/** A small library with everything that must be left out beside the papers, as each version stores it. */
function library(version: ZoteroVersion): FixtureItem[] {
  const items: FixtureItem[] = [
    {
      key: 'AAAA1111',
      type: 'journalArticle',
      fields: { title: 'Soil carbon under grazing', date: '2012-11-00 November 2012', publicationTitle: 'Soil Biology', DOI: 'https://doi.org/10.1000/soil.1', url: 'https://example.org/soil', abstractNote: 'Grazing and carbon.', extra: 'PMID: 1' },
      creators: [{ last: 'Okafor', first: 'Ada' }, { last: 'World Soil Institute', single: true }, { last: 'Lindqvist', first: 'Bo', role: 'editor' }, { last: '山田太郎', single: true }],
      collections: ['Thesis/Chapter 2'],
    },
    { key: 'BBBB2222', type: 'conferencePaper', fields: { title: 'Sparse attention for long documents', date: '2019', proceedingsTitle: 'Proceedings of a Conference' }, creators: [{ last: 'Tanaka', first: 'Yu' }], collections: ['Reading'] },
    { key: 'CCCC3333', type: 'book', fields: { date: '2001-00-00 2001' }, creators: [{ last: 'Moreau', first: 'Luc' }] }, // no title
    { key: 'NOTE0001', type: 'note' },
    { key: 'ATTA0001', type: 'attachment', fields: { title: 'Full Text PDF' } },
    { key: 'TRSH0001', type: 'journalArticle', fields: { title: 'A paper in the trash' }, deleted: true },
    { key: 'GRPP0001', type: 'journalArticle', fields: { title: 'Ocean sensors in a group', date: '2021-03-04 3/4/2021' }, creators: [{ last: 'Haddad', first: 'Rami' }], library: 2, collections: ['Shared/Ocean'] },
  ];
  if (version >= 7) items.push({ key: 'ANNO0001', type: 'annotation' });
  return items;
}

describe('library/zotero (zotero.sqlite read directly)', function () {
  this.timeout(20000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'litlens-zotero-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = async (version: ZoteroVersion, items = library(version), extra: Partial<Parameters<typeof makeZoteroDb>[0]> = {}): Promise<string> => {
    const file = join(dir, 'zotero.sqlite');
    writeFileSync(file, await makeZoteroDb({ version, items, groups: [{ groupID: 4711, libraryID: 2, name: 'Lab Group' }], ...extra }));
    return file;
  };

  for (const version of [5, 6, 7, 9] as const) {
    it(`reads a Zotero ${version} database: regular items only, creators in order, year, venue, DOI, one source per library`, async () => {
      await write(version);
      const read = await readZoteroDatabase(dir);
      assert.deepEqual(read.libraries.map((l) => [l.name, l.papers.map((p) => p.title)]), [
        ['Zotero: My Library', ['Soil carbon under grazing', 'Sparse attention for long documents', 'moreau2001untitled']],
        ['Zotero: Lab Group', ['Ocean sensors in a group']],
      ]);
      const soil = read.libraries[0].papers[0];
      assert.deepEqual(soil.authors, ['Okafor, Ada', 'World Soil Institute', '山田太郎']); // the editor is no author
      assert.equal(soil.year, 2012);
      assert.equal(soil.venue, 'Soil Biology');
      assert.equal(soil.doi, '10.1000/soil.1');
      assert.equal(soil.url, 'https://example.org/soil');
      assert.equal(soil.abstract, 'Grazing and carbon.');
      assert.equal(soil.type, 'article');
      assert.equal(soil.link, 'zotero://select/library/items/AAAA1111');
      assert.deepEqual(soil.origin, { file: join(dir, 'zotero.sqlite'), line: 0, kind: 'zotero' });
      assert.equal(read.libraries[0].papers[1].venue, 'Proceedings of a Conference');
      assert.equal(read.libraries[0].papers[1].type, 'inproceedings');
      assert.equal(read.libraries[1].papers[0].link, 'zotero://select/groups/4711/items/GRPP0001');
      // The item without a title is listed under its key, and said so in one line.
      assert.deepEqual(
        read.issues.map((i) => i.message),
        ['My Library item CCCC3333 (book) has no title; listed as "moreau2001untitled"'],
      );
    });
  }

  it('takes keys from the citationKey field, then Better BibTeX (new store over old), then Extra, else generates them', async () => {
    const items: FixtureItem[] = [
      { key: 'K1', type: 'journalArticle', fields: { title: 'Own field', citationKey: 'ownField2020' } },
      { key: 'K2', type: 'journalArticle', fields: { title: 'Both stores' } },
      { key: 'K3', type: 'journalArticle', fields: { title: 'Old store only' } },
      { key: 'K4', type: 'journalArticle', fields: { title: 'Extra line', extra: 'tex.note: x\nCitation Key: fromExtra1999' } },
      { key: 'K5', type: 'journalArticle', fields: { title: 'The neural thing', date: '2019-00-00 2019' }, creators: [{ last: 'García', first: 'Ana' }] },
      { key: 'K6', type: 'journalArticle', fields: { title: 'Neural again', date: '2019' }, creators: [{ last: 'Garcia', first: 'Ana' }] },
      { key: 'K7', type: 'journalArticle', fields: { title: 'Field beats stores', citationKey: 'fieldWins' } },
    ];
    await write(9, items);
    writeFileSync(join(dir, 'better-bibtex.sqlite'), await makeBetterBibtexDb('new', [{ itemID: 2, libraryID: 1, itemKey: 'K2', citekey: 'newStore2' }, { itemID: 7, libraryID: 1, itemKey: 'K7', citekey: 'storeLoses' }]));
    const read = await readZoteroDatabase(dir);
    assert.deepEqual(read.libraries[0].papers.map((p) => p.key), ['ownField2020', 'newStore2', 'anonold', 'fromExtra1999', 'garcia2019neural', 'garcia2019neurala', 'fieldWins']);
  });

  it('reads Better BibTeX old store (a JSON table); the new store wins where both have an item', async () => {
    const items: FixtureItem[] = [
      { key: 'K2', type: 'journalArticle', fields: { title: 'Both stores' } },
      { key: 'K3', type: 'journalArticle', fields: { title: 'Old store only' } },
    ];
    await write(6, items);
    const SQL = await sql();
    const db = new SQL.Database(await makeBetterBibtexDb('old', [{ itemID: 1, libraryID: 1, itemKey: 'K2', citekey: 'oldStore2' }, { itemID: 2, libraryID: 1, itemKey: 'K3', citekey: 'oldStore3' }]));
    db.run('CREATE TABLE citationkey (itemID NOT NULL PRIMARY KEY, itemKey NOT NULL, libraryID NOT NULL, citationKey NOT NULL, pinned DEFAULT 0, lastPinned)');
    db.run("INSERT INTO citationkey VALUES (1, 'K2', 1, 'newStore2', 0, NULL)");
    writeFileSync(join(dir, 'better-bibtex.sqlite'), db.export());
    db.close();
    const read = await readZoteroDatabase(dir);
    assert.deepEqual(read.libraries[0].papers.map((p) => p.key), ['newStore2', 'oldStore3']);
  });

  it('gives the same generated keys on every read, and adding an item changes no existing key', async () => {
    const items: FixtureItem[] = [
      { key: 'K1', type: 'journalArticle', fields: { title: 'On neural nets', date: '2019' }, creators: [{ last: 'Chen', first: 'Li' }] },
      { key: 'K2', type: 'journalArticle', fields: { title: 'Neural nets again', date: '2019' }, creators: [{ last: 'Chen', first: 'Wei' }] },
    ];
    await write(7, items);
    const before = (await readZoteroDatabase(dir)).libraries[0].papers.map((p) => p.key);
    assert.deepEqual(before, ['chen2019neural', 'chen2019neurala']);
    await write(7, [...items, { key: 'K0', type: 'journalArticle', fields: { title: 'Neural', date: '2019' }, creators: [{ last: 'Chen', first: 'Ann' }] }]);
    assert.deepEqual((await readZoteroDatabase(dir)).libraries[0].papers.map((p) => p.key), [...before, 'chen2019neuralb']);
    assert.equal(generatedKey({ firstAuthor: '', title: '', year: undefined }), 'anonuntitled');
  });

  it('gives one paper kept in My Library and in a group one generated key, and the library lists it once without a warning', async () => {
    const paper = { type: 'journalArticle', fields: { title: 'Shared paper', date: '2020' }, creators: [{ last: 'Rossi', first: 'Ada' }] };
    await write(7, [{ key: 'MINE0001', ...paper }, { key: 'GRUP0001', ...paper, library: 2 }]);
    const read = await readZoteroDatabase(dir);
    assert.deepEqual(read.libraries.map((l) => l.papers.map((p) => p.key)), [['rossi2020shared'], ['rossi2020shared']]);
    const library = new Library();
    for (const s of zoteroSources({ ...read, way: { kind: 'database', dataDir: dir } })) library.setSource(s.id, s.result, 'workspace', s.name, s.file);
    assert.equal(library.papers.length, 1);
    assert.deepEqual(library.issues, []);
  });

  it('narrows to litlens.zoteroCollections: a library, a collection with its subcollections, a group collection', async () => {
    await write(7);
    const titles = async (collections: string[]) => (await readZoteroDatabase(dir, { collections })).libraries.flatMap((l) => l.papers.map((p) => `${l.name}: ${p.title}`));
    assert.deepEqual(await titles(['Lab Group']), ['Zotero: Lab Group: Ocean sensors in a group']);
    assert.deepEqual(await titles(['My Library/Thesis']), ['Zotero: My Library: Soil carbon under grazing']);
    assert.deepEqual(await titles(['Reading', 'Lab Group/Shared/Ocean']), ['Zotero: My Library: Sparse attention for long documents', 'Zotero: Lab Group: Ocean sensors in a group']);
    const read = await readZoteroDatabase(dir, { collections: ['Nowhere'] });
    assert.deepEqual(read.issues.map((i) => i.message), ['litlens.zoteroCollections: no library or collection "Nowhere"']);
  });

  it('refuses Zotero 4, says so for a newer, corrupt or missing database in one line', async () => {
    await write(4, [{ key: 'Z4', type: 'journalArticle', fields: { title: 'Old' } }]);
    let read = await readZoteroDatabase(dir);
    assert.equal(read.libraries.length, 0);
    assert.match(read.issues[0].message, /^a Zotero 4 database \(userdata schema 77\); LitLens reads Zotero 5 to 9/);

    const file = await write(9);
    const SQL = await sql();
    const db = new SQL.Database(readFileSync(file));
    db.run("UPDATE version SET version = 140 WHERE schema = 'userdata'");
    writeFileSync(file, db.export());
    db.close();
    read = await readZoteroDatabase(dir);
    assert.equal(read.libraries[0].papers.length, 3);
    assert.deepEqual(read.issues[0], { file, line: 0, severity: 'warning', message: 'newer than LitLens knows (userdata schema 140, known up to 125); read as Zotero 9\'s' });

    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 7)]));
    read = await readZoteroDatabase(dir);
    assert.equal(read.libraries.length, 0);
    assert.equal(read.issues.length, 1);
    assert.match(read.issues[0].message, /^corrupt or not an SQLite database/);
    assert.doesNotMatch(read.issues[0].message, /\n/);

    rmSync(file);
    read = await readZoteroDatabase(dir);
    assert.deepEqual(read.issues, [{ file, line: 0, severity: 'error', message: 'no such file' }]);
  });

  it("reads Zotero's backup when the main file is corrupt, and says so", async () => {
    const file = await write(7);
    writeFileSync(`${file}.bak`, readFileSync(file));
    writeFileSync(file, Buffer.alloc(8192, 1));
    const read = await readZoteroDatabase(dir);
    assert.equal(read.file, `${file}.bak`);
    assert.equal(read.libraries[0].papers.length, 3);
    assert.match(read.issues[0].message, /; read Zotero's backup zotero\.sqlite\.bak instead$/);
  });

  it('reads a database another connection holds under an exclusive lock, with a -journal beside it, and leaves its bytes and mtime alone', async function () {
    if (spawnSync('sqlite3', ['-version']).status !== 0) this.skip(); // .ci/run installs sqlite3
    const file = await write(7);
    writeFileSync(`${file}-journal`, ''); // some users commit one beside the database
    const holder: ChildProcess = spawn('sqlite3', [file], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      // A running Zotero: exclusive locking mode, a write transaction open.
      holder.stdin!.write("PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nUPDATE settings SET value = value WHERE setting = 'client';\nSELECT 'locked';\n");
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', () => reject(new Error('sqlite3 exited')));
      });
      // Another reader through SQLite is refused while the lock is held: the lock is real.
      assert.match(spawnSync('sqlite3', [file, 'SELECT count(*) FROM items;']).stderr.toString(), /locked/);
      const bytes = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      const read = await readZoteroDatabase(dir);
      assert.deepEqual(read.libraries.map((l) => l.papers.length), [3, 1]);
      assert.deepEqual(read.issues.filter((i) => i.severity === 'error'), []);
      assert.ok(readFileSync(file).equals(bytes));
      assert.equal(statSync(file).mtimeMs, mtime);
    } finally {
      holder.stdin!.end('ROLLBACK;\n');
      holder.kill();
    }
  });

  it('keeps the last read in the cache folder and uses it only while the database is unchanged', async () => {
    await write(7);
    const cacheDir = join(dir, 'cache');
    const first = await loadZotero({ setting: join(dir, 'zotero.sqlite'), cacheDir }); // the database named: its folder is read
    const saved = join(cacheDir, 'zotero', readdirSync(join(cacheDir, 'zotero')).find((f) => f.endsWith('-0-0.jsonl'))!);
    const lines = readFileSync(saved, 'utf8').split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]), title: 'From the cache' });
    writeFileSync(saved, lines.join('\n'));
    assert.equal((await loadZotero({ setting: dir, cacheDir }))!.libraries[0].papers[0].title, 'From the cache');
    const inFiles = await loadZotero({ setting: dir, cacheDir, inFiles: true }); // the server's way: the papers stay in the file
    assert.deepEqual(inFiles!.libraries.map((l) => [l.papers.length, l.count, l.saved?.[0] === saved]), [[0, 3, true], [0, 1, false]]);
    await write(7, library(7).slice(1)); // Zotero changed: read again
    const again = await loadZotero({ setting: dir, cacheDir });
    assert.equal(again!.libraries[0].papers[0].title, 'Sparse attention for long documents');
    assert.equal(first!.libraries[0].papers.length, 3);
  });

  it('re-reads when the database changes into new paper stores, and keeps serving the last read while the database cannot be read', async () => {
    const file = await write(7);
    const source = new ZoteroSource();
    try {
      const first = await source.load({ zotero: dir, zoteroCollections: [] });
      assert.deepEqual(first!.stores.map((z) => [z.id, z.corpus.store.size]), [['zotero:Zotero: My Library', 3], ['zotero:Zotero: Lab Group', 1]]);
      assert.equal((await first!.stores[0].corpus.store.fullEntry(first!.stores[0].corpus.store.keyAt(0)))?.link, 'zotero://select/library/items/AAAA1111');
      await first!.stores[0].corpus.store.close();
      assert.equal(await source.reread(), null); // unchanged
      writeFileSync(file, Buffer.alloc(8192, 1)); // caught mid-write, no backup
      assert.equal(await source.reread(), null);
      await write(7, [...library(7), { key: 'NEWW0001', type: 'journalArticle', fields: { title: 'Added later' } }]);
      const store = (await source.reread())!.stores[0].corpus.store;
      assert.equal(store.paperAt(store.size - 1).title, 'Added later');
      assert.equal(store.paperAt(store.size - 1).origin.kind, 'zotero');
    } finally {
      await source.dispose();
    }
  });

  it('saves a library in parts, and a re-read after an item is added writes only the part that holds it', async () => {
    const items = generatedItems(4500); // 4410 papers in My Library: 3 parts; the group's (empty) library: 1
    await write(7, items);
    const saves = join(dir, 'saved');
    const first = await saveRead(await readZoteroDatabase(dir), saves, 'lib', true);
    assert.deepEqual(first.read.libraries.map((l) => l.saved!.length), [3, 1]);
    assert.equal(first.changed.length, 4);
    const mtimes = first.changed.map((f) => statSync(f).mtimeMs);
    await write(7, [...items, { key: 'NEWW0001', type: 'journalArticle', fields: { title: 'Added later', date: '2024' } }]);
    const again = await saveRead(await readZoteroDatabase(dir), saves, 'lib', true);
    assert.equal(again.changed.length, 1);
    assert.deepEqual(first.changed.filter((f) => !again.changed.includes(f)).map((f) => statSync(f).mtimeMs), mtimes.filter((_, i) => !again.changed.includes(first.changed[i])));
    assert.equal((await savedPapers(again.read.libraries[0].saved!)).length, 4411);
  });

  it('takes the year from Zotero dates', () => {
    assert.equal(yearOf('2012-11-00 Ноябрь 2012'), 2012);
    assert.equal(yearOf('0000-00-00 spring'), undefined);
    assert.equal(yearOf('circa 1850'), 1850);
    assert.equal(yearOf(''), undefined);
  });
});

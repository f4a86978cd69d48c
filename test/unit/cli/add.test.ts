import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../../server/src/cli/main';
import { parseBibtex } from '../../../server/src/library/bibtex';
import { captured } from './capture';

/** A command line run in this process. */
const litlens = (...args: string[]) => captured(() => main(args));

describe('cli: litlens add', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'litlens-add-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds corpus entries, says which were already there, keeps every existing byte', async () => {
    const bib = join(dir, 'refs.bib');
    const before = '% my own\r\n@misc{own2020, title = {Own}}\r\n';
    writeFileSync(bib, before);
    const r = await litlens('add', 'mastering-atari-go', 'own2020', '--to', bib);
    assert.equal(r.code, 0, r.err);
    const where = relative(process.cwd(), bib);
    assert.equal(r.out, `mastering-atari-go\tadded to ${where}\nown2020\talready in ${where}\n`);
    const after = readFileSync(bib, 'utf8');
    assert.ok(after.startsWith(before));
    assert.deepEqual(parseBibtex(bib, after).papers.map((p) => p.key), ['own2020', 'mastering-atari-go']);
    const again = await litlens('add', 'mastering-atari-go', '--to', bib, '--json');
    assert.deepEqual([again.code, JSON.parse(again.out)], [0, [{ key: 'mastering-atari-go', outcome: 'already-there' }]]);
    assert.equal(readFileSync(bib, 'utf8'), after);
  });

  it('an unknown key or a file it cannot write fails with a message and exit 1; the known keys are still added', async () => {
    const bib = join(dir, 'refs.bib');
    const r = await litlens('add', 'pointer-networks', 'no-such-key', '--to', bib, '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out).map((o: { key: string; outcome: string }) => [o.key, o.outcome]), [['pointer-networks', 'added'], ['no-such-key', 'unknown']]);
    assert.match(r.err, /^litlens add: no-such-key: not in the library/m);
    writeFileSync(join(dir, 'locked.bib'), '');
    chmodSync(join(dir, 'locked.bib'), 0o444);
    const refused = await litlens('add', 'pointer-networks', '--to', join(dir, 'locked.bib'));
    assert.equal(refused.code, 1);
    assert.match(refused.err, /pointer-networks: not added to .*locked\.bib: read-only/);
    assert.equal(readFileSync(join(dir, 'locked.bib'), 'utf8'), '');
  });

  it('takes entries from --library files, into a CSL-JSON file too; the default target is references.bib here', async () => {
    const lib = join(dir, 'zotero.bib');
    writeFileSync(lib, '@article{lee2021, author = {Lee, Ada and others}, title = {A Title}, year = {2021}}\n');
    const json = join(dir, 'refs.json');
    writeFileSync(json, '[]\n');
    assert.equal((await litlens('add', 'lee2021', '--library', lib, '--no-corpus', '--to', json)).code, 0);
    assert.equal(JSON.parse(readFileSync(json, 'utf8'))[0].id, 'lee2021');
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      assert.equal((await litlens('add', 'lee2021', '--library', lib, '--no-corpus')).code, 0);
      assert.match(readFileSync(join(dir, 'references.bib'), 'utf8'), /@article\{lee2021,/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('needs at least one key', async () => {
    const r = await litlens('add', '--to', join(dir, 'x.bib'));
    assert.equal(r.code, 2);
    assert.match(r.err, /^litlens add: name the keys to add/);
  });
});

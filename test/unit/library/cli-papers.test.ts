import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const litlens = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server', 'src', 'cli', 'main.ts'), 'papers', ...args], { cwd: root, encoding: 'utf8' });

describe('litlens papers', function () {
  this.timeout(30_000);

  it('lists papers as JSON and reports broken entries on stderr with file:line, exit 0', () => {
    const r = litlens('--json', '--no-corpus', '--library', 'test/fixtures/bib/unbalanced.bib');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { key: string; title: string; authors: string[]; year: number | null; source: string; file: string; line: number }[];
    assert.deepEqual(out.map((p) => [p.key, p.line]), [['goodBefore', 1], ['goodAfter', 12], ['noTitle', 22], ['lastGood', 27]]);
    assert.deepEqual(out[1], { key: 'goodAfter', title: 'A Good Entry After', authors: ['After, Alice'], year: 2021, source: 'workspace', file: 'test/fixtures/bib/unbalanced.bib', line: 12 });
    assert.match(r.stderr, /^test\/fixtures\/bib\/unbalanced\.bib:7: error: entry "brokenEntry": unbalanced braces/m);
  });

  it('an exploding @string in one file costs that macro only: exit 0, every file loads', () => {
    const r = litlens('--json', '--no-corpus', '--library', 'test/fixtures/bib/string-bomb.bib', '--library', 'test/fixtures/bib/zotero.bib');
    assert.equal(r.status, 0, r.stderr);
    const keys = (JSON.parse(r.stdout) as { key: string }[]).map((p) => p.key);
    assert.deepEqual(keys, ['before', 'usesBomb', 'after', 'schrittwieserMasteringAtariGo2020', 'vaswaniAttentionAllYou2017', 'devlinBERTPretrainingDeep2019']);
    assert.match(r.stderr, /^test\/fixtures\/bib\/string-bomb\.bib:6: error: @string "a4": @string macros expand to more than 64 KB/m);
  });

  it('prints key, year and title a line, with the corpus included by default', () => {
    const r = litlens('--library', 'test/fixtures/bib/zotero.bib');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'schrittwieserMasteringAtariGo2020\t2020\tMastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
    assert.ok(lines.length > 300, 'the bundled corpus is listed too');
  });

  it('fails with a message when a --library path does not exist', () => {
    const r = litlens('--library', 'no/such.bib');
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no\/such\.bib: no such file or folder/);
  });

  it('says a --library path is a symbolic link loop rather than missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'litlens-loop-'));
    try {
      symlinkSync('loop.bib', join(dir, 'loop.bib'));
      const r = litlens('--library', join(dir, 'loop.bib'));
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /loop\.bib: symbolic link loop: the link leads back to itself/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

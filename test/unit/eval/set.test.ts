// npm run eval -- --set DIR: a query set kept outside the project, in eval/queries' format, measured
// the same way (the real eval script over the bundled corpus, LitLens beside plain BM25F).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const evalSet = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', 'eval/eval.ts', '--set', dir, '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const lines = (...qs: object[]) => qs.map((q) => JSON.stringify(q)).join('\n') + '\n';

describe('eval: --set DIR measures a set kept outside the project', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'litlens-set-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the halves the set has, LitLens beside BM25F, and skips the kinds it lacks', function () {
    this.timeout(120_000);
    writeFileSync(
      join(dir, 'citing.test.jsonl'),
      lines({ id: 'h1', query: 'An agent searches a tree over a dynamics predictor it acquired itself and beats people at board games without being told their rules.', relevant: { 'mastering-atari-go': 2 } }),
    );
    writeFileSync(join(dir, 'offtopic.test.jsonl'), lines({ id: 'h2', query: 'Brown the onions slowly in butter, add the stock and let the soup simmer for twenty minutes.' }));
    const run = evalSet(dir);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.set, dir);
    assert.deepEqual(Object.keys(report.lists), ['test'], 'no tune file: no tune half');
    const { litlens, bm25f } = report.lists.test;
    assert.equal(litlens.citing.n, 1);
    assert.equal(litlens.citing.r1, 1, 'the paraphrased paper is first');
    assert.equal(bm25f.citing.n, 1);
    assert.equal(litlens.offtopic.silent, 1, 'the recipe gets no list');
    assert.equal(bm25f.offtopic.silent, 0, 'the baseline has no gate');
    assert.equal(litlens.paragraphs.n, 0);
  });

  it('fails with the file and line of a bad line, and on an unknown key', function () {
    this.timeout(120_000);
    writeFileSync(join(dir, 'citing.test.jsonl'), '{"id":"h1","query":"fine","relevant":{"mastering-atari-go":2}}\n{"id": oops}\n');
    const bad = evalSet(dir);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /citing\.test\.jsonl:2:/);
    writeFileSync(join(dir, 'citing.test.jsonl'), lines({ id: 'h1', query: 'A sentence about a paper.', relevant: { 'no-such-paper': 2 } }));
    const unknown = evalSet(dir);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown key no-such-paper/);
  });
});

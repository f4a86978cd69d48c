// `litlens embed` with the suite's model over the bundled corpus: all papers, then none.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir, tempTestModel } from './helpers';

const cli = path.join(__dirname, '..', '..', '..', 'server', 'src', 'cli', 'main.ts');

/** The real command in its own process: it must finish its work before Node lets it exit. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'embed', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

describe('litlens embed', function () {
  this.timeout(60_000);

  it('embeds the corpus once; the second run embeds 0', async () => {
    const model = tempTestModel().dir;
    const cache = tempDir();
    const first = await run(['--json', '--model', model, '--cache', cache]);
    assert.equal(first.code, 0, first.err);
    const a = JSON.parse(first.out);
    assert.deepEqual(Object.keys(a), ['model', 'embedded', 'cached', 'seconds']);
    assert.equal(a.embedded, 353, first.out);
    assert.equal(a.cached, 0);
    const b = JSON.parse((await run(['--json', '--model', model, '--cache', cache])).out);
    assert.deepEqual([b.embedded, b.cached], [0, a.embedded]);
  });

  it('fails clearly for a model id that is not downloaded', async () => {
    const r = await run(['--model', 'Xenova/all-MiniLM-L6-v2', '--cache', tempDir()]);
    assert.equal(r.code, 1);
    assert.match(r.err, /downloads are off/);
    assert.equal(r.out, '');
  });

  it('rejects unknown arguments', async () => {
    assert.equal((await run(['--frobnicate'])).code, 2);
  });
});

describe('litlens search/related --semantic', function () {
  this.timeout(60_000);
  const cliRun = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('fuses the ranking with the nearest papers by meaning, loading the model once', () => {
    const model = tempTestModel().dir;
    const cache = tempDir();
    const sentence = 'agents that plan with a learned model of the environment dynamics';
    const lexical = JSON.parse(cliRun(['search', '--json', '--limit', '5', sentence]).stdout) as { key: string; score: number }[];
    const r = cliRun(['search', '--json', '--limit', '5', '--semantic', '--model', model, '--cache', cache, sentence]);
    assert.equal(r.status, 0, r.stderr);
    const fused = JSON.parse(r.stdout) as { key: string; score: number }[];
    assert.equal(fused[0].key, 'mastering-atari-go');
    assert.notDeepEqual(fused.map((h) => h.score), lexical.map((h) => h.score), 'fused scores differ from the lexical ones');
  });

  it('a missing model says why on stderr and answers lexically', () => {
    const r = cliRun(['search', '--json', '--limit', '1', '--semantic', '--model', tempDir(), 'planning with a learned model']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /semantic search is off: .*not a model folder/);
    assert.equal(JSON.parse(r.stdout)[0].key, 'mastering-atari-go');
  });
});

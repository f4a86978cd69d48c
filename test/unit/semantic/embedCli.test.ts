// `litlens embed` with the suite's model over the bundled corpus: all papers, then none.
import * as assert from 'node:assert/strict';
import { embed } from '../../../server/src/cli/embed';
import { tempDir, tempTestModel } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await embed.run(args), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
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
    assert.ok(a.embedded > 0, first.out); // 353 with the bundled corpus
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

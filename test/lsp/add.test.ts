// Two `litlens add` processes writing one bibliography at once (two terminals, or a terminal and the
// editor): the writer's lock keeps both entries, and no existing byte changes. The bundled CLI,
// as a user runs it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBibtexParser, parseBibtex } from '../../server/src/library/bibtex';
import { buildOnce, repoRoot } from './harness';

function litlensAdd(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'add', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('litlens add: two processes at once', function () {
  this.timeout(180000);
  let dir: string;
  before(async () => {
    await Promise.all([buildOnce(), loadBibtexParser()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-add-race-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('20 trials: nothing lost, no existing byte changed', async () => {
    for (let trial = 0; trial < 20; trial++) {
      const file = path.join(dir, `race-${trial}.bib`);
      const before = Buffer.from(`% trial ${trial}\n@misc{existing${trial},\n  title = {Jörg’s entry ${'x'.repeat(trial * 40)}}\n}${trial % 2 ? '' : '\n'}`, 'utf8');
      fs.writeFileSync(file, before);
      const [a, b] = await Promise.all([litlensAdd('mastering-atari-go', '--to', file), litlensAdd('pointer-networks', 'improving-grey-box', '--to', file)]);
      assert.deepEqual([a.code, b.code], [0, 0], `trial ${trial}: ${a.err}${b.err}`);
      assert.match(a.out, /^mastering-atari-go\tadded to /);
      const after = fs.readFileSync(file);
      assert.ok(after.subarray(0, before.length).equals(before), `trial ${trial}: existing bytes changed`);
      const { papers, issues } = parseBibtex(file, after.toString('utf8'));
      assert.deepEqual(issues, [], `trial ${trial}`);
      assert.deepEqual(papers.map((p) => p.key).sort(), [`existing${trial}`, 'improving-grey-box', 'mastering-atari-go', 'pointer-networks'], `trial ${trial}`);
    }
  });
});

// An independent LSP client: Debian's Neovim (0.7), headless, against `node dist/cli.js lsp --stdio`.
// Skipped with a message when nvim is not installed, except under CI=true, where that fails.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildOnce, repoRoot, tempWorkspace } from './harness';

const hasNvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;

describe('Neovim as the LSP client', function () {
  this.timeout(90000);
  let ws: string;
  let home: string;

  before(function () {
    if (!hasNvim) {
      if (process.env.CI === 'true') throw new Error('nvim is not on PATH; CI must run the Neovim test (apt-get install -y neovim)');
      console.log('      (skipped: nvim is not on PATH; `apt-get install -y neovim` to run it)');
      this.skip();
    }
    return buildOnce();
  });

  after(() => {
    for (const d of [ws, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('gets a hover and a completion from litlens lsp --stdio', async () => {
    ws = tempWorkspace('workspace-latex');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-nvim-home-'));
    const out = path.join(home, 'report.json');
    const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE', 'RUNTIME'].map((k) => [`XDG_${k}_HOME`, path.join(home, k.toLowerCase())]));
    for (const dir of Object.values(xdg)) fs.mkdirSync(dir, { recursive: true });
    const env = {
      ...process.env,
      ...xdg,
      HOME: home,
      LITLENS_NODE: process.execPath,
      LITLENS_CLI: path.join(repoRoot, 'dist', 'cli.js'),
      LITLENS_ROOT: ws,
      LITLENS_FILE: path.join(ws, 'paper.tex'),
      LITLENS_OUT: out,
    };
    const script = path.join(repoRoot, 'test', 'nvim', 'lsp_test.lua');
    const nvim = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], { env, cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    nvim.stdout.on('data', (d) => (output += d));
    nvim.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => nvim.on('exit', resolve));
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null;
    assert.ok(report, `nvim wrote no report (exit ${code}):\n${output}`);
    assert.equal(report.error, undefined, report.error);
    assert.equal(code, 0, output);
    assert.equal(report.status.state, 'ready');
    assert.match(report.hover.contents.value, /^### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model\n/);
    assert.match(report.hover.contents.value, /MuZero/);
    assert.equal(report.completion.isIncomplete, true);
    assert.equal(report.completion.labels[0], 'mastering-atari-go');
    assert.equal(report.completion.labels.length, 8, 'settings reached the server through init_options');
  });
});

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

  it("runs README's snippet verbatim: a hover, a completion and code lenses from litlens lsp --stdio", async () => {
    ws = tempWorkspace('workspace-latex');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-nvim-home-'));
    const out = path.join(home, 'report.json');
    const snippet = readmeSnippet();
    const init = path.join(home, 'init.lua');
    fs.writeFileSync(init, snippet);
    // As `npm link` would: `litlens` on the PATH is the clone's bin/litlens.js.
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(repoRoot, 'bin', 'litlens.js'), path.join(bin, 'litlens'));
    const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE', 'RUNTIME'].map((k) => [`XDG_${k}_HOME`, path.join(home, k.toLowerCase())]));
    for (const dir of Object.values(xdg)) fs.mkdirSync(dir, { recursive: true });
    const env = {
      ...process.env,
      ...xdg,
      HOME: home,
      PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      LITLENS_FILE: path.join(ws, 'paper.tex'),
      LITLENS_OUT: out,
    };
    const script = path.join(repoRoot, 'test', 'nvim', 'lsp_test.lua');
    const nvim = spawn('nvim', ['--headless', '-n', '-u', init, '-c', `luafile ${script}`], { env, cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    nvim.stdout.on('data', (d) => (output += d));
    nvim.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => nvim.on('exit', resolve));
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null;
    assert.ok(report, `nvim wrote no report (exit ${code}):\n${output}`);
    assert.equal(report.error, undefined, `${report.error}\n${output}`);
    assert.equal(code, 0, output);
    assert.deepEqual(report.errors, [], 'Neovim showed errors');
    assert.equal(report.client, 'litlens');
    assert.equal(report.status.state, 'ready');
    assert.ok(report.lenses.some((t: string) => /^\d+ related papers?: /.test(t)), JSON.stringify(report.lenses));
    assert.match(report.hover.contents.value, /^### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model\n/);
    assert.match(report.hover.contents.value, /MuZero/);
    assert.equal(report.completion.isIncomplete, true);
    assert.equal(report.completion.labels[0], 'mastering-atari-go');
    const max = Number(/maxSuggestions = (\d+)/.exec(snippet)?.[1]);
    assert.equal(report.completion.labels.length, max, 'settings reached the server through init_options');
  });
});

/** README's Neovim snippet, exactly as written there: the first lua block after "**Neovim**". */
function readmeSnippet(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('**Neovim**');
  const block = /```lua\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(at >= 0 && block, 'README has no Neovim snippet');
  return block[1]!;
}

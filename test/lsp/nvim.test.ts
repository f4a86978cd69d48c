// An independent LSP client: Debian's Neovim (0.7), headless, against `node dist/cli.js lsp --stdio`.
// Skipped with a message when nvim is not installed, except under CI=true, where that fails.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { editorHome, editorSnippet, runEditor } from './editors';
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

  it("runs docs/editors.md's snippet verbatim: a hover, a completion and code lenses from litlens lsp --stdio", async () => {
    ws = tempWorkspace('workspace-latex');
    const made = editorHome('litlens-nvim-home-');
    home = made.home;
    const out = path.join(home, 'report.json');
    const snippet = editorSnippet('## Neovim', 'lua');
    const init = path.join(home, 'init.lua');
    fs.writeFileSync(init, snippet);
    const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE', 'RUNTIME'].map((k) => [`XDG_${k}_HOME`, path.join(home, k.toLowerCase())]));
    for (const dir of Object.values(xdg)) fs.mkdirSync(dir, { recursive: true });
    const env = { ...made.env, ...xdg, LITLENS_FILE: path.join(ws, 'paper.tex'), LITLENS_OUT: out };
    const script = path.join(repoRoot, 'test', 'nvim', 'lsp_test.lua');
    const { report, code, output } = await runEditor('nvim', ['--headless', '-n', '-u', init, '-c', `luafile ${script}`], env, ws, out);
    assert.equal(code, 0, output);
    assert.deepEqual(report.errors, [], 'Neovim showed errors');
    assert.equal(report.client, 'litlens');
    assert.equal(report.status.state, 'ready');
    assert.ok(report.lenses.some((t: string) => /^\d+ related papers?: /.test(t)), JSON.stringify(report.lenses));
    assert.match(report.hover.contents.value, /^### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model\n/);
    assert.match(report.hover.contents.value, /MuZero/);
    assert.equal(report.completion.isIncomplete, true);
    // refs.bib's entry first, then a few related papers of the corpus.
    // Neovim inserts the keys; the rows read surname, year and title.
    assert.deepEqual(report.completion.words.slice(0, 2), ['smith2020graphs', 'mastering-atari-go']);
    assert.match(report.completion.labels[0], /^Smith 2020 · Graph Networks/);
    assert.ok(report.completion.labels.length <= 4, `${report.completion.labels.length} items`);
  });
});

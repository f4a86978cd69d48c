// `npm start [-- PATH]`: a real VS Code with LitLens on the example workspace, or on PATH.
// - `code` on PATH: desktop VS Code with --extensionDevelopmentPath=<repo>.
// - otherwise: code-server 4.100.3 (installed into .e2e/tools on first use), the VSIX installed
//   into .e2e/start/, served on http://127.0.0.1:PORT until Ctrl+C.
// Without PATH the workspace is a copy of examples/ in .e2e/workspace (kept between runs, so your
// edits stay and the repository's examples never change); `npm start -- --fresh` makes a new copy.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  copyDir,
  workbenchUrl,
  freePort,
  installExtension,
  packageVsix,
  repoRoot,
  setupTools,
  startCodeServer,
  writeUserSettings,
} from './codeserver.mjs';

const USAGE = `Usage: npm start [-- [PATH] [--port N] [--fresh] [--no-code]]

Opens a real VS Code with LitLens.
  PATH        your own folder, or a file in it (that file is opened too); LitLens reads the
              bibliography the document names and the folder's .bib/CSL-JSON files.
              Without PATH: a copy of examples/ in .e2e/workspace (your edits there are kept).
  --fresh     a new copy of examples/ (without PATH)
  --port N    code-server's port (or PORT=N; default 8080, or a free port when it is taken)
  --no-code   use code-server even when \`code\` is on your PATH

With \`code\` on your PATH it opens desktop VS Code with LitLens loaded from this clone. Otherwise
it serves VS Code in the browser with code-server 4.100.3, installed into .e2e/tools on first use
(about two minutes). Run as root on Debian, that first run also installs system packages with
apt-get when missing: ripgrep, build-essential, python3, pkg-config and libkrb5-dev, which
code-server's installer needs to build its native modules offline. It says so before it does.`;

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const valued = new Set(['--port']);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (flag('--help') || flag('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((a, i) => a.startsWith('-') && !['--fresh', '--no-code', ...valued].includes(a) && !valued.has(args[i - 1]));
const positional = args.filter((a, i) => !a.startsWith('-') && !valued.has(args[i - 1]));
if (unknown.length || positional.length > 1) {
  console.error(`npm start: ${unknown.length ? `unknown option ${unknown[0]}` : `one PATH at most (got ${positional.join(', ')})`}\n\n${USAGE}`);
  process.exit(2);
}

/** The folder to open and the file to show first: PATH's, or the examples copy's paper.tex. */
function target() {
  if (positional.length === 0) {
    const copy = path.join(repoRoot, '.e2e', 'workspace');
    if (flag('--fresh')) fs.rmSync(copy, { recursive: true, force: true });
    if (!fs.existsSync(copy)) copyDir(path.join(repoRoot, 'examples'), copy);
    return { folder: copy, file: path.join(copy, 'paper.tex') };
  }
  // npm runs scripts in the package's folder; INIT_CWD is where `npm start` was typed.
  const given = path.resolve(process.env.INIT_CWD ?? process.cwd(), positional[0]);
  const stat = fs.statSync(given, { throwIfNoEntry: false });
  if (!stat) {
    console.error(`npm start: ${given}: no such file or folder`);
    process.exit(2);
  }
  return stat.isDirectory() ? { folder: given, file: null } : { folder: path.dirname(given), file: given };
}
const { folder: workspace, file: firstFile } = target();

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

if (!flag('--no-code') && onPath('code')) {
  console.log('Building LitLens…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  console.log(`Opening VS Code on ${workspace} with LitLens from ${repoRoot}`);
  const code = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, ...(firstFile ? [firstFile] : []), workspace], { stdio: 'inherit' });
  process.exit(code.status ?? 0);
}

// code-server: no browser is needed to serve it, only to look at it.
console.log('No `code` on PATH: serving VS Code in the browser with code-server.');
if (setupTools({ browser: false }) !== 0) {
  console.error('Could not install code-server into .e2e/tools (see above).');
  process.exit(1);
}
console.log('Building and packaging LitLens…');
const vsix = packageVsix({ quiet: true });
// The extension host inherits it: without the semantic runtime the status bar then says what npm start needs.
process.env.LITLENS_STARTED_BY = 'npm-start';
const root = path.join(repoRoot, '.e2e', 'start');
const dirs = { root, home: path.join(root, 'home'), userData: path.join(root, 'user-data'), extensions: path.join(root, 'extensions') };
for (const d of [dirs.home, path.join(dirs.userData, 'User'), dirs.extensions]) fs.mkdirSync(d, { recursive: true });
// Long LaTeX/Markdown lines wrap, so lenses, hints and citation keys are on screen.
if (!fs.existsSync(path.join(dirs.userData, 'User', 'settings.json'))) writeUserSettings(dirs, { 'files.autoSave': 'afterDelay', 'editor.wordWrap': 'on' });
// code-server runs with a HOME of its own (.e2e/start/home): LitLens' "auto" Zotero setting still
// finds your Zotero library in your own home's default data directory.
process.env.LITLENS_ZOTERO_DIR ??= path.join(os.homedir(), 'Zotero');
installExtension(dirs, vsix);

const wanted = Number(option('--port') ?? process.env.PORT ?? 8080);
const port = (await portFree(wanted)) ? wanted : await freePort();
const server = await startCodeServer(dirs, { port, logFile: path.join(root, 'code-server.log') });
const url = workbenchUrl(server.url, workspace, firstFile);
const opening = positional.length ? `your folder ${workspace}` : `a copy of examples/ (${path.relative(repoRoot, workspace)})`;
const hint = firstFile ? `${path.basename(firstFile)} opens in an editor` : 'Open your .tex or .md file';
console.log(`
  LitLens is running in VS Code (code-server) on ${opening}, at:

    ${url}

  Open that address in a browser on this machine (or forward the port). ${hint};
  the status bar shows how many papers are indexed once LitLens is ready.
  Log: ${path.relative(repoRoot, server.log)}     Stop: Ctrl+C
`);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping code-server…');
  await server.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));
server.process.on('exit', (code) => {
  if (!stopping) {
    console.error(`code-server exited (${code}); see ${server.log}`);
    process.exit(code ?? 1);
  }
});
// Stay in the foreground: the child keeps the event loop alive.

async function portFree(p) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}


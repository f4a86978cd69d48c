// `npm start`: a real VS Code with LitLens on the example workspace.
// - `code` on PATH: desktop VS Code with --extensionDevelopmentPath=<repo>.
// - otherwise: code-server 4.100.3 (installed into .e2e/tools on first use), the VSIX installed
//   into .e2e/start/, served on http://127.0.0.1:PORT until Ctrl+C.
// The workspace is a copy of examples/ in .e2e/workspace (kept between runs, so your edits stay
// and the repository's examples never change); `npm start -- --fresh` makes a new copy.
// Options: --port N (or PORT=N; default 8080, or a free port when taken), --fresh, --no-code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyDir,
  freePort,
  installExtension,
  packageVsix,
  repoRoot,
  setupTools,
  startCodeServer,
  writeUserSettings,
} from './codeserver.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const workspace = path.join(repoRoot, '.e2e', 'workspace');
if (flag('--fresh')) fs.rmSync(workspace, { recursive: true, force: true });
if (!fs.existsSync(workspace)) copyDir(path.join(repoRoot, 'examples'), workspace);

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

if (!flag('--no-code') && onPath('code')) {
  console.log('Building LitLens…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  console.log(`Opening VS Code on ${path.relative(repoRoot, workspace)} with LitLens from ${repoRoot}`);
  const code = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, path.join(workspace, 'paper.tex'), workspace], { stdio: 'inherit' });
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
const root = path.join(repoRoot, '.e2e', 'start');
const dirs = { root, home: path.join(root, 'home'), userData: path.join(root, 'user-data'), extensions: path.join(root, 'extensions') };
for (const d of [dirs.home, path.join(dirs.userData, 'User'), dirs.extensions]) fs.mkdirSync(d, { recursive: true });
if (!fs.existsSync(path.join(dirs.userData, 'User', 'settings.json'))) writeUserSettings(dirs, { 'files.autoSave': 'afterDelay' });
installExtension(dirs, vsix);

const wanted = Number(option('--port') ?? process.env.PORT ?? 8080);
const port = (await portFree(wanted)) ? wanted : await freePort();
const server = await startCodeServer(dirs, { port, logFile: path.join(root, 'code-server.log') });
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
console.log(`
  LitLens is running in VS Code (code-server) at:

    ${url}

  Open that address in a browser on this machine (or forward the port). Open paper.tex or
  note.md; the status bar shows how many papers are indexed once LitLens is ready.
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


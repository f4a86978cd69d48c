// A real VS Code for `npm start` and the editor tests: code-server 4.100.3 (VS Code 1.100.3)
// installed into .e2e/tools by scripts/e2e-setup.sh, run with its own HOME and user-data dir.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = path.join(repoRoot, '.e2e', 'tools');
export const codeServerBin = path.join(toolsDir, 'node_modules', '.bin', 'code-server');

/** Runs scripts/e2e-setup.sh; answers its exit code (0 ready, 3 no browser available). */
export function setupTools({ browser = true } = {}) {
  const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'e2e-setup.sh'), ...(browser ? [] : ['--no-browser'])], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return r.status ?? 1;
}

/** Builds the bundles and the VSIX (`npm run package`); answers the VSIX path. */
export function packageVsix({ quiet = false } = {}) {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return path.join(repoRoot, 'litlens.vsix');
}

/** A fresh folder for one run: HOME, XDG folders, user data, extensions. */
export function makeRunDir(prefix = 'litlens-vscode-') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    root,
    home: path.join(root, 'home'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
  };
  for (const d of [dirs.home, path.join(dirs.userData, 'User'), dirs.extensions]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

/** The environment code-server runs in: everything it and its children write stays in `dirs.home`. */
export function runEnv(dirs) {
  const env = { ...process.env, HOME: dirs.home };
  env.XDG_CONFIG_HOME = path.join(dirs.home, '.config');
  env.XDG_DATA_HOME = path.join(dirs.home, '.local', 'share');
  env.XDG_CACHE_HOME = path.join(dirs.home, '.cache');
  env.XDG_RUNTIME_DIR = path.join(dirs.home, '.run');
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']) fs.mkdirSync(env[k], { recursive: true, mode: 0o700 });
  // A VS Code terminal or debug session may have set these; they would reach the wrong server.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

/** User settings: no autosave (test edits must not reach fixtures), no telemetry, no update checks. */
export function writeUserSettings(dirs, extra = {}) {
  const settings = {
    'files.autoSave': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'editor.hover.delay': 200,
    'security.workspace.trust.enabled': false,
    'chat.commandCenter.enabled': false,
    ...extra,
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

export function installExtension(dirs, vsix) {
  const r = spawnSync(codeServerBin, ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'], {
    env: runEnv(dirs),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group on 127.0.0.1:port and waits for /healthz.
 * `extraArgs` e.g. ['--extensionDevelopmentPath', repoRoot]. Answers { url, stop, pid, log }.
 */
/**
 * The address that opens `folder` in code-server's workbench, with `file` (if any) in an editor:
 * VS Code for the web reads a `payload` of [name, value] pairs, and "openFile" opens a
 * vscode-remote URI on the server's own host (code-server has no `--open FILE` of its own).
 */
export function workbenchUrl(base, folder, file = null) {
  const url = `${base}/?folder=${encodeURIComponent(folder)}`;
  if (!file) return url;
  const remote = `vscode-remote://${new URL(base).host}${file.split(path.sep).map(encodeURIComponent).join('/')}`;
  return `${url}&payload=${encodeURIComponent(JSON.stringify([['openFile', remote]]))}`;
}

export async function startCodeServer(dirs, { port, extraArgs = [], logFile, trust = false, timeoutMs = 60_000 } = {}) {
  port ??= await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...(trust ? [] : ['--disable-workspace-trust']),
    ...extraArgs,
  ];
  const log = logFile ?? path.join(dirs.root, 'code-server.log');
  const out = fs.openSync(log, 'a');
  // detached = a new session and process group: stop() ends the extension host and the language server too.
  const proc = spawn(codeServerBin, args, { env: runEnv(dirs), detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}); see ${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      killGroup(proc.pid);
      throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000}s; see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (exited) return;
    killGroup(proc.pid, 'SIGTERM');
    const gone = await Promise.race([new Promise((r) => proc.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!gone && !exited) killGroup(proc.pid, 'SIGKILL');
  };
  return { url, port, pid: proc.pid, log, stop, process: proc };
}

export function killGroup(pid, signal = 'SIGTERM') {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Copies a folder (the examples) so a run never edits the repository's files. */
export function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

// What the Neovim and Emacs tests share: docs/editors.md's snippet for the editor, a home folder with
// `litlens` on the PATH (as `npm link` puts it there), and a run of the editor whose driver writes a
// JSON report.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './harness';

/** docs/editors.md's snippet, exactly as written there: the first ```lang block after `heading`. */
export function editorSnippet(heading: string, lang: string): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'docs', 'editors.md'), 'utf8');
  const at = readme.indexOf(heading);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  assert.ok(at >= 0 && block, `docs/editors.md has no ${lang} snippet after ${heading}`);
  return block[1]!;
}

/** A fresh HOME whose bin/ holds `litlens` (the clone's bin/litlens.js); `env` puts it first on the PATH. */
export function editorHome(prefix: string): { home: string; env: NodeJS.ProcessEnv } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const bin = path.join(home, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(path.join(repoRoot, 'bin', 'litlens.js'), path.join(bin, 'litlens'));
  const env = { ...process.env, HOME: home, PATH: [bin, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter) };
  return { home, env };
}

/** Runs the editor until it exits; answers the report its driver wrote to `out` (asserted present). */
export async function runEditor(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, out: string): Promise<{ report: any; code: number | null; output: string }> {
  const editor = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  editor.stdout.on('data', (d) => (output += d));
  editor.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => editor.on('exit', resolve));
  const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null;
  assert.ok(report, `${command} wrote no report (exit ${code}):\n${output}`);
  assert.equal(report.error, undefined, `${report.error}\n${output}`);
  return { report, code, output };
}

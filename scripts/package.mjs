// npm run package:semantic — a VSIX for this machine's platform (vsce --target) that also carries
// the runtime semantic search loads at run time: transformers.js, onnxruntime-node and sharp, with
// only this platform's native binaries. `npm run package` stays universal and lean: the runtime's
// whitelist goes into a temporary ignore file (.vscodeignore + these lines, via --ignoreFile).
//
//   npm run package:semantic                → litlens-<target>.vsix (e.g. litlens-linux-x64.vsix)
//   npm run package:semantic -- --out x.vsix
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = path.join(root, 'node_modules');

/** The vsce target of this machine: linux-x64, darwin-arm64, win32-x64, alpine-x64 (musl)… */
function currentTarget() {
  const { platform, arch } = process;
  const supported = { linux: ['x64', 'arm64', 'arm'], darwin: ['x64', 'arm64'], win32: ['x64', 'arm64'] };
  if (!supported[platform]?.includes(arch)) throw new Error(`no VS Code target for ${platform}-${arch}`);
  if (platform === 'linux') {
    const musl = !process.report?.getReport()?.header?.glibcVersionRuntime;
    if (musl) return `alpine-${arch}`;
    return arch === 'arm' ? 'linux-armhf' : `linux-${arch}`;
  }
  return `${platform}-${arch}`;
}

/** Whitelist lines for the runtime, checked against what npm installed for this platform. */
function runtimeLines() {
  const need = (rel, why) => {
    if (!fs.existsSync(path.join(modules, rel))) {
      throw new Error(`node_modules/${rel} is missing (${why}); install the optional dependencies: npm install --include=optional`);
    }
  };
  need('@huggingface/transformers/dist/transformers.node.cjs', 'transformers.js');
  need('onnxruntime-common/dist/cjs', 'ONNX Runtime');
  need('sharp/lib', 'sharp');
  // onnxruntime-node ships every platform's binaries; keep this one's only.
  const ortBin = `onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}`;
  need(ortBin, `ONNX Runtime for ${process.platform}-${process.arch}`);
  // npm installs only this platform's @img/sharp-* packages (optional dependencies of sharp).
  const img = fs.readdirSync(path.join(modules, '@img')).filter((d) => d === 'colour' || d.startsWith('sharp-'));
  if (!img.some((d) => d.startsWith('sharp-') && !d.startsWith('sharp-libvips-'))) throw new Error('no @img/sharp-<platform> package is installed for sharp');
  const packages = ['@huggingface/transformers', 'onnxruntime-node', 'onnxruntime-common', 'sharp', 'detect-libc', 'semver', ...img.map((d) => `@img/${d}`)];
  return [
    '',
    '# npm run package:semantic (scripts/package.mjs): the semantic-search runtime for one platform.',
    '!node_modules/@huggingface/transformers/dist/transformers.node.cjs',
    '!node_modules/onnxruntime-node/dist/**/*.js',
    `!node_modules/${ortBin}/**`,
    '!node_modules/onnxruntime-common/dist/cjs/**/*.js',
    '!node_modules/onnxruntime-common/dist/cjs/package.json', // {"type": "commonjs"}: the root says module
    '!node_modules/sharp/dist/**',
    '!node_modules/sharp/lib/**',
    '!node_modules/detect-libc/**',
    '!node_modules/semver/**',
    ...img.map((d) => `!node_modules/@img/${d}/**`),
    // Every package keeps its manifest (Node resolves `main`/`exports` from it) and its licence.
    ...packages.flatMap((p) => [`!node_modules/${p}/package.json`, `!node_modules/${p}/LICENSE*`]),
  ];
}

function main() {
  const args = process.argv.slice(2);
  const target = currentTarget();
  const outAt = args.indexOf('--out');
  const out = path.resolve(root, outAt >= 0 && args[outAt + 1] ? args[outAt + 1] : `litlens-${target}.vsix`);
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-package-'));
  const ignoreFile = path.join(tmp, 'vscodeignore');
  fs.writeFileSync(ignoreFile, `${ignore.trimEnd()}\n${runtimeLines().join('\n')}\n`);
  try {
    const vsce = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
    // With dependency detection on (no --no-dependencies), vsce collects node_modules too; the
    // ignore file then keeps only the runtime's files.
    const r = spawnSync(vsce, ['package', '--target', target, '--ignoreFile', ignoreFile, '-o', out], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status ?? r.signal})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${path.relative(root, out)}: ${target}, ${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MB, with the semantic-search runtime`);
}

try {
  main();
} catch (err) {
  console.error(`package:semantic: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

// `npm test`: every suite, in order, then one closing line counting them all.
//   build → typecheck → corpus check → import cycles → mocha (unit, protocol over JSON-RPC, Neovim, Emacs) → editor (code-server)
// Each stage streams its output; a failing stage fails the run, and the later stages still run.
import { spawn } from 'node:child_process';

const stages = [
  { name: 'build', cmd: 'node', args: ['esbuild.mjs'] },
  { name: 'typecheck', cmd: 'npx', args: ['tsc', '-p', '.', '--noEmit'] },
  { name: 'typecheck media', cmd: 'npx', args: ['tsc', '-p', 'media', '--noEmit'] },
  { name: 'corpus', cmd: 'node', args: ['--import', 'tsx', 'corpus/build.ts', '--check'] },
  { name: 'cycles', cmd: 'npx', args: ['madge', '--circular', '--extensions', 'ts', 'client/src', 'server/src'] },
  { name: 'mocha', cmd: 'npx', args: ['mocha'] },
  { name: 'editor', cmd: 'node', args: ['test/e2e/run.mjs'] },
];

function run(stage) {
  return new Promise((resolve) => {
    const child = spawn(stage.cmd, stage.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out = (out + chunk).slice(-20000);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const stage of stages) {
  console.log(`\n== ${stage.name}: ${stage.cmd} ${stage.args.join(' ')}`);
  const { code, out } = await run(stage);
  if (stage.name === 'mocha') {
    const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
    passed += Number(/(\d+) passing/.exec(plain)?.[1] ?? 0);
    skipped += Number(/(\d+) pending/.exec(plain)?.[1] ?? 0);
    failed += Number(/(\d+) failing/.exec(plain)?.[1] ?? 0);
  } else if (stage.name === 'editor') {
    const m = /e2e: (\d+) passed, (\d+) failed/.exec(out);
    if (m) {
      passed += Number(m[1]);
      failed += Number(m[2]);
    } else if (/e2e: SKIPPED/.test(out)) skipped += 1;
  }
  if (code !== 0) {
    failures.push(stage.name);
    if (!['mocha', 'editor'].includes(stage.name)) failed += 1;
  }
}
if (failures.length) console.log(`\nfailed stages: ${failures.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length ? 1 : 0);

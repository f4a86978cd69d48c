// Bundles the entry points: the VS Code client, the language server, the CLI, the indexing and reading threads.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's UMD build requires its parts at run time, which a bundle cannot follow: take its ESM build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};
// Semantic search loads transformers.js (an optionalDependency) at run time from node_modules.
// pg (node-postgres) is bundled; its optional native binding (pg-native) is required only when asked for.
const semanticExternals = ['@huggingface/transformers', 'onnxruntime-node', 'onnxruntime-web', 'sharp', 'pg-native'];
const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: semanticExternals },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', external: semanticExternals },
  // The index-building thread the server starts (server/src/search/worker.ts).
  { entryPoints: ['server/src/search/workerMain.ts'], outfile: 'dist/indexWorker.js' },
  // The thread that reads and decodes BibTeX files for the server (server/src/library/worker.ts).
  { entryPoints: ['server/src/library/workerMain.ts'], outfile: 'dist/libraryWorker.js' },
  // The thread that reads Zotero's database for the server (server/src/library/zotero/thread.ts).
  { entryPoints: ['server/src/library/zotero/threadMain.ts'], outfile: 'dist/zoteroWorker.js' },
  // The import thread of `litlens corpus import` (server/src/shared/import.ts).
  { entryPoints: ['server/src/shared/importThreadMain.ts'], outfile: 'dist/importWorker.js' },
];
const existing = (await import('node:fs')).existsSync;
const builds = entries.filter((e) => existing(e.entryPoints[0]));
if (watch) {
  for (const e of builds) (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(builds.map((e) => esbuild.build({ ...common, ...e })));
}
// sql.js (Zotero's database) loads its WebAssembly from beside the bundle.
(await import('node:fs')).copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');

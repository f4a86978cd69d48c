// `litlens embed`: give every paper of the library a vector, so semantic search is ready.
// The second run over an unchanged library embeds nothing.
import { loadLibrary } from '../library/load';
import { formatIssue } from '../library/paper';
import { defaultCacheDir, defaultModel, embedLibrary } from '../search/semantic/oneShot';
import type { Command } from './commands';
import { UsageError, flagValue } from './search';

export const embed: Command = {
  summary: 'embed the library with a sentence-embedding model (semantic search), using the vector cache',
  usage: [
    '[--json] [--model ID|PATH] [--download] [--library PATH]... [--no-corpus] [--cache DIR]',
    `(model default $LITLENS_MODEL or ${defaultModel()}; cache default $LITLENS_CACHE or ~/.cache/litlens;`,
    ' a model id is fetched only with --download, into the cache folder)',
  ],
  run: runEmbed,
};

async function runEmbed(args: string[]): Promise<number> {
  let json = false;
  let model = defaultModel();
  let cacheDir = defaultCacheDir();
  let allowDownloads = false;
  let corpus = true;
  const libraries: string[] = [];
  for (const i = { at: 0 }; i.at < args.length; i.at++) {
    const a = args[i.at];
    let v: string | undefined;
    if (a === '--json') json = true;
    else if (a === '--no-corpus') corpus = false;
    else if (a === '--download') allowDownloads = true;
    else if ((v = flagValue(args, i, '--model')) !== undefined) model = v;
    else if ((v = flagValue(args, i, '--library')) !== undefined) libraries.push(v);
    else if ((v = flagValue(args, i, '--cache')) !== undefined) cacheDir = v;
    else throw new UsageError(`unknown argument "${a}"`);
  }
  const library = await loadLibrary({ libraries, corpus });
  for (const issue of library.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  const { report, status } = await embedLibrary(library.papers, { model, cacheDir, allowDownloads });
  if (status.state === 'failed') {
    process.stderr.write(`litlens embed: ${status.message}\n`);
    return 1;
  }
  const out = { model: report.model, embedded: report.embedded, cached: report.cached, seconds: Math.round(report.seconds * 1000) / 1000 };
  process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${out.embedded} embedded, ${out.cached} cached (${out.model}, ${out.seconds} s)\n`);
  return 0;
}

// `litlens embed`: give every paper of the library a vector, so semantic search is ready.
// The second run over an unchanged library embeds nothing.
import { defaultCacheDir, defaultModel, embedLibrary } from '../search/semantic/oneShot';
import { CACHE, LIBRARY, MODEL, OUTPUT, parse, type Command } from './args';
import { openLibrary } from './io';

export const embed: Command = {
  summary: 'embed the library with a sentence-embedding model (semantic search), using the vector cache',
  usage: ['[--json] [--model ID|PATH] [--download] [--library PATH]... [--no-corpus] [--cache DIR]'],
  notes: [
    `The model defaults to $LITLENS_MODEL or ${defaultModel()}, the cache folder to $LITLENS_CACHE or ~/.cache/litlens;`,
    'a model id is fetched only with --download, into the cache folder.',
  ],
  run: runEmbed,
};

async function runEmbed(args: string[]): Promise<number> {
  const { values } = parse(args, { ...OUTPUT, ...LIBRARY, ...CACHE, ...MODEL });
  const library = await openLibrary(values);
  const { report, status } = await embedLibrary(library.papers, { model: values.model ?? defaultModel(), cacheDir: values.cache ?? defaultCacheDir(), allowDownloads: !!values.download });
  if (status.state === 'failed') {
    process.stderr.write(`litlens embed: ${status.message}\n`);
    return 1;
  }
  const out = { model: report.model, embedded: report.embedded, cached: report.cached, seconds: Math.round(report.seconds * 1000) / 1000 };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${out.embedded} embedded, ${out.cached} cached (${out.model}, ${out.seconds} s)\n`);
  return 0;
}

// The bundled corpus: corpus/papers.json (CSL-JSON), shipped next to dist/ and found from source too.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseCslJson } from './csljson';
import { readLibraryText } from './files';
import type { SourceResult } from './paper';

/** corpus/papers.json, found from the bundle (dist/server.js, dist/cli.js) or from server/src/library. */
export function corpusPath(): string {
  const candidates = [
    path.join(__dirname, '..', 'corpus', 'papers.json'),
    path.join(__dirname, '..', '..', '..', 'corpus', 'papers.json'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** Loads the bundled corpus; a missing or broken file becomes an issue, not an exception. */
export async function loadCorpus(file: string = corpusPath()): Promise<SourceResult> {
  const read = await readLibraryText(file);
  if ('issue' in read) return { papers: [], issues: [read.issue] };
  return parseCslJson(file, read.text, 'corpus');
}

// Test helper: the bundled corpus, loaded once through the library's own loader.
import { loadCorpus } from '../../../server/src/library/corpus';
import type { Paper } from '../../../server/src/library/paper';

let cached: Promise<Paper[]> | undefined;
export function corpusPapers(): Promise<Paper[]> {
  cached ??= loadCorpus().then((r) => {
    if (r.papers.length === 0) throw new Error(`corpus did not load: ${r.issues.map((i) => i.message).join('; ')}`);
    return r.papers;
  });
  return cached;
}

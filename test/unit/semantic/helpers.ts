// Shared by the semantic tests, bench and eval: the corpus as Papers (straight from
// corpus/source.txt, so these tests do not depend on the library loader) and a test model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import { buildTestModel, type TestModelInfo } from '../../../scripts/make-test-model';

const ROOT = join(__dirname, '..', '..', '..');

/** The 353 corpus papers, keyed p0…p352 in source order. */
export function sourcePapers(): Paper[] {
  const file = join(ROOT, 'corpus', 'source.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const papers: Paper[] = [];
  for (let i = 2; i + 1 < lines.length; i += 2) {
    papers.push({
      key: `p${papers.length}`,
      title: lines[i].replace(/^Subscribe/, '').trim(),
      abstract: lines[i + 1].trim(),
      authors: [],
      origin: { file, line: i + 1, kind: 'corpus' },
    });
  }
  return papers;
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = 'litlens-sem-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh test model in a temp folder (about 2 s). */
export function tempTestModel(): TestModelInfo {
  return buildTestModel(join(tempDir('litlens-model-'), 'model'));
}

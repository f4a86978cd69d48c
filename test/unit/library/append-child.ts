// A writer process for the concurrency test in bibwriter.test.ts: says "ready", then for each line
// {"file","key"} on stdin appends one entry with appendEntry (the editor's path) and answers "ok KEY"
// or "error KEY MESSAGE".
import { createInterface } from 'node:readline';
import { appendEntry } from '../../../server/src/library/bibwriter';

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { file, key } = JSON.parse(line) as { file: string; key: string };
  const paper = { key, title: `Written by ${key}`, authors: ['Writer, Concurrent'], year: 2024, type: 'article', origin: { file: 'corpus', line: 1, kind: 'corpus' as const } };
  appendEntry(file, paper).then(
    () => process.stdout.write(`ok ${key}\n`),
    (err: Error) => process.stdout.write(`error ${key} ${err.message.split('\n')[0]}\n`),
  );
});
process.stdout.write('ready\n');

// `npm run fuzz -- [--runs N] [--seed S]`: the BibTeX fuzz suite (test/fuzz/bibliography.ts) for as
// long as you like. Prints the seed either way; a failure prints the counterexample, seed and path.
import fc from 'fast-check';
import { loadBibtexParser } from '../../server/src/library/bibtex';
import { bytesProperty, cslProperty, mathProperty, property } from './bibliography';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flag = (name: string): number | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const runs = flag('--runs') ?? 500;
  const seed = flag('--seed') ?? (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
  if (!Number.isInteger(runs) || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S]\n');
    return 2;
  }
  await loadBibtexParser();
  process.stdout.write(`fuzz: ${runs} runs, seed ${seed}\n`);
  const started = Date.now();
  for (const [name, p] of [['bibtex', property], ['bytes', bytesProperty], ['csl-json', cslProperty], ['math', mathProperty]] as const) {
    const result = await fc.check(p as fc.IProperty<unknown>, { numRuns: runs, seed });
    if (result.failed) {
      process.stdout.write(`${fc.defaultReportMessage(result)}\n`);
      process.stdout.write(`fuzz: ${name} FAILED with seed ${seed} (again: npm run fuzz -- --runs ${runs} --seed ${seed})\n`);
      return 1;
    }
  }
  process.stdout.write(`fuzz: ${runs} runs of each property passed in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})\n`);
  return 0;
}

void main().then((code) => process.exit(code));

// LaTeX decoding of one huge field: time and extra memory (peak RSS over the loaded parser's) for
// a field of 200 KB, 1 MB and 5 MB full of LaTeX (`latex`: beyond the fast decoders, left as
// written; `maths`: text and inline maths the fast decoders read whole), each in a fresh process.
// Run: node --import tsx bench/decoding.ts [KB...]
import { execFileSync } from 'node:child_process';
import { BibtexCache, loadBibtexParser, parseBibtex } from '../server/src/library/bibtex';

const UNIT = 'Sch{\\"o}n \\textbf{bold} $\\alpha^2 + \\beta_i$ na\\"{\\i}ve \\emph{x} --- {\\ss} \\foo{y} \\cite{k} 50\\% ';
const MATHS = 'An improved $\\widehat{R}$ for {MCMC}, $\\mathcal{O}(n \\log n)$ time, $x_{ij}^{2} \\leq \\frac{1}{\\sqrt{k}}$ --- Sch{\\"o}n, ';

export function latexField(bytes: number, unit = UNIT): string {
  return unit.repeat(Math.max(1, Math.round(bytes / unit.length)));
}

async function one(kb: number, kind: string): Promise<void> {
  await loadBibtexParser();
  parseBibtex('warm.bib', `@misc{w, title = {${latexField(2000)}}}`); // load the careful parser's code first
  const base = process.resourceUsage().maxRSS;
  const text = `@article{big,\n  title = {A huge field},\n  abstract = {${latexField(kb * 1024, kind === 'maths' ? MATHS : UNIT)}}\n}\n@misc{after, title = {After}}\n`;
  const t0 = performance.now();
  const { papers, issues } = parseBibtex('big.bib', text, new BibtexCache());
  const ms = performance.now() - t0;
  const extra = (process.resourceUsage().maxRSS - base) / 1024;
  console.log(JSON.stringify({ kind, kb, ms: Math.round(ms), extraMB: Math.round(extra), papers: papers.length, abstract: papers[0]?.abstract?.length ?? 0, issues: issues.map((i) => i.message) }));
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    void one(Number(args[1]), args[2]);
    return;
  }
  const sizes = args.length ? args.map(Number) : [200, 1024, 5120];
  for (const kind of ['latex', 'maths']) {
    for (const kb of sizes) {
      let out: string;
      try {
        out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--one', String(kb), kind], { encoding: 'utf8', timeout: 600_000 }).trim();
      } catch (err) {
        out = `failed: ${(err as Error).message.split('\n')[0]}`;
      }
      console.log(`${String(kb).padStart(5)} KB field: ${out}`);
    }
  }
}

if (require.main === module) main();

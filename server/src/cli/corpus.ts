// `litlens corpus import FILE... --to postgresql://USER@HOST[:PORT]/DB`: loads arXiv snapshots and
// CSL JSON lines into a lab's shared corpus (server/src/shared/import.ts). Progress on stderr,
// bad lines as `file:line: …`, the summary on stdout.
import { formatIssue } from '../library/paper';
import { SharedCorpus } from '../shared/corpus';
import { ensureSchema, importCorpus, storeFieldBar, type ImportProgress } from '../shared/import';
import { checkUrl, connect, describeError, displayUrl } from '../shared/schema';
import { OUTPUT, UsageError, parse, type Command } from './args';

export const corpus: Command = {
  summary: 'import arXiv snapshots or CSL JSON lines into a shared corpus in PostgreSQL',
  usage: ['import FILE... --to postgresql://USER@HOST[:PORT]/DB [--categories cs.LG,...] [--json]', 'migrate --to postgresql://USER@HOST[:PORT]/DB'],
  notes: [
    'Creates the schema when absent, loads in batches (one transaction each), upserts by key: a newer',
    'snapshot updates its papers in place. Interrupted, run it again: it continues after the last batch',
    'saved. The password comes from PGPASSWORD or ~/.pgpass, never the URL. Members then add the URL',
    'to litlens.corpora (a read-only role is enough). `migrate` (or any import) brings a corpus of an',
    'older schema version to this one in place.',
  ],
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...OUTPUT, to: { type: 'string' }, categories: { type: 'string' } }, { positionals: true });
    const [sub, ...files] = positionals;
    if (sub !== 'import' && sub !== 'migrate') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand: import, migrate');
    if (sub === 'import' && files.length === 0) throw new UsageError('name the files to import');
    if (!values.to) throw new UsageError('--to postgresql://USER@HOST[:PORT]/DB is required');
    const wrong = checkUrl(values.to);
    if (wrong) throw new UsageError(wrong);
    const categories = (values.categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    const db = connect(values.to, { max: 1, connectMs: 10_000 });
    const tty = process.stderr.isTTY;
    let last = 0;
    const onProgress = (p: ImportProgress) => {
      const now = performance.now();
      if (now - last < 1000) return;
      last = now;
      const pct = p.totalBytes ? ` (${Math.round((100 * p.bytes) / p.totalBytes)}%)` : '';
      const line = `${p.file}: ${p.lines.toLocaleString('en')} lines${pct}, ${p.papers.toLocaleString('en')} papers imported, ${p.filtered.toLocaleString('en')} filtered out, ${p.skipped} bad`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    };
    const log = (message: string) => process.stderr.write(`${message}\n`);
    try {
      if (sub === 'migrate') {
        await ensureSchema(db, log);
        return 0;
      }
      const report = await importCorpus(db, files, { categories, onProgress, log });
      // The field rule's bar, drawn once here (members' roles may not write it).
      const shared = new SharedCorpus(values.to, { statementMs: 60_000 });
      if (await shared.open()) await storeFieldBar(db, await shared.drawFieldBar(), shared.size);
      await shared.dispose();
      if (tty) process.stderr.write('\n');
      for (const issue of report.issues) process.stderr.write(`${formatIssue(issue)}\n`);
      if (values.json) process.stdout.write(`${JSON.stringify({ ...report, url: displayUrl(values.to) }, null, 2)}\n`);
      else {
        const resumed = report.resumed ? `, ${report.resumed.toLocaleString('en')} lines done by an earlier run` : '';
        process.stdout.write(`${report.papers.toLocaleString('en')} papers imported${resumed}; ${displayUrl(values.to)} holds ${report.total.toLocaleString('en')} papers (${report.seconds.toFixed(1)} s)\n`);
      }
      return report.issues.some((i) => i.severity === 'error' && i.line === 0) ? 1 : 0;
    } catch (err) {
      process.stderr.write(`litlens corpus: ${describeError(err, values.to)}\n`);
      return 1;
    } finally {
      await db.end();
    }
  },
};

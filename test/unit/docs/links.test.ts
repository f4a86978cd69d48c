// Every relative link in README.md and docs/*.md leads somewhere: the file exists, and a #fragment
// names a heading (GitHub's slug) or an <a id> of the page it points at.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
/** Pages other branches add; the index links them before they are merged. */
const COMING = new Set(['related.md', 'library-store.md', 'zotero.md', 'postgresql.md', 'uncited.md']);

const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];

/** The markdown outside code fences and inline code. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for a page: heading slugs (repeats get -1, -2…) and explicit ids. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?)\s*#*$/gm)) {
    const slug = m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

describe('documentation links', () => {
  it('README.md and docs/ hold the pages the README points to', () => {
    assert.ok(pages.length >= 10, pages.join(', '));
  });

  for (const page of pages) {
    it(`every relative link of ${page} resolves`, () => {
      const text = fs.readFileSync(path.join(root, page), 'utf8');
      const broken: string[] = [];
      for (const m of prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const link = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [file, fragment] = link.split('#') as [string, string | undefined];
        const target = file ? path.resolve(path.dirname(path.join(root, page)), decodeURI(file)) : path.join(root, page);
        if (!fs.existsSync(target)) {
          if (path.dirname(target) === path.join(root, 'docs') && COMING.has(path.basename(target))) continue;
          broken.push(`${link}: no such file`);
          continue;
        }
        if (fragment && target.endsWith('.md') && !anchors(fs.readFileSync(target, 'utf8')).has(fragment)) broken.push(`${link}: no heading #${fragment}`);
      }
      assert.deepEqual(broken, [], `${page} has broken links`);
    });
  }

  it('a broken link or fragment is caught', () => {
    assert.ok(anchors('## A million papers: `npm run bench:corpus`, `npm run bench:1m`\n').has('a-million-papers-npm-run-benchcorpus-npm-run-bench1m'));
    assert.ok(!anchors('## Speed\n').has('speed-1'));
    assert.ok(anchors('## Speed\n## Speed\n').has('speed-1'));
  });
});

// Which documents a key held earlier shadows: the first holder of a key wins (workspace sources
// come before the corpus). For arrays every key goes through one Set; the views of a packed store
// (a million keys, unique within the store) are checked the other way round, each earlier or
// later array key looked up in the store, so no key of the store is ever made into a string.
import { keyAt, type KeyIndex, type PaperList } from '../library/paper';

export interface LaidOutPart {
  papers: PaperList;
  /** First global document number. */
  base: number;
}

interface Group {
  keys: KeyIndex;
  /** The views of this store, in order: where each starts in the store and globally. */
  views: { start: number; length: number; base: number }[];
}

/** 1 for each global document whose key an earlier document has, and for each a store left out (KeyIndex.maskedDocs). */
export function shadowedDocs(parts: readonly LaidOutPart[], total: number): Uint8Array<ArrayBuffer> {
  const dead = new Uint8Array(total);
  const first = new Map<string, number>(); // array keys: key -> global doc of the first holder
  const groups = new Map<KeyIndex, Group>();
  for (const { papers, base } of parts) {
    if (papers.keyIndex && papers.keyIndexStart !== undefined) {
      let group = groups.get(papers.keyIndex);
      if (!group) groups.set(papers.keyIndex, (group = { keys: papers.keyIndex, views: [] }));
      group.views.push({ start: papers.keyIndexStart, length: papers.length, base });
      continue;
    }
    for (let i = 0; i < papers.length; i++) {
      const key = keyAt(papers, i);
      if (first.has(key)) dead[base + i] = 1;
      else first.set(key, base + i);
    }
  }
  /** The global document of a store's doc, -1 when no view holds it. */
  const globalOf = (group: Group, doc: number): number => {
    for (const v of group.views) if (doc >= v.start && doc < v.start + v.length) return v.base + doc - v.start;
    return -1;
  };
  const later = (a: number, b: number) => (dead[Math.max(a, b)] = 1);
  for (const group of groups.values()) {
    for (const [key, doc] of first) {
      const other = globalOf(group, group.keys.docOf(key));
      if (other >= 0) later(doc, other);
    }
  }
  // Two stores (two corpora) sharing keys: the smaller one's keys are looked up in the larger.
  const list = [...groups.values()];
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      const [small, large] = list[a].keys.size <= list[b].keys.size ? [list[a], list[b]] : [list[b], list[a]];
      for (const v of small.views) {
        for (let i = 0; i < v.length; i++) {
          if (small.keys.isLive?.(v.start + i) === false) continue;
          const other = globalOf(large, large.keys.docOf(small.keys.keyAt(v.start + i)));
          if (other >= 0) later(v.base + i, other);
        }
      }
    }
  }
  // A store's docs whose entries changed or went since it was built (PackedPaperStore.relocated).
  for (const group of groups.values()) {
    for (const doc of group.keys.maskedDocs?.() ?? []) {
      const at = globalOf(group, doc);
      if (at >= 0) dead[at] = 1;
    }
  }
  return dead;
}

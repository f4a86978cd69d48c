// The server's own watch over the library files it reads, for clients that cannot register file
// watchers (Neovim 0.7, many small LSP clients): without it an edited .bib is never read again.
// Each file's folder is watched (not the file: a rewrite by rename replaces the file's inode), and
// a burst of writes to one file is reported once, after it pauses.
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/** How long a file's events are gathered before it is reported (the workspace waits for it to settle besides). */
const GATHER_MS = 100;

export class LibraryWatcher {
  private readonly folders = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onChange: (file: string) => void) {}

  /** Watches exactly these files from now on (absolute paths); a folder that cannot be watched is skipped. */
  watch(files: readonly string[]): void {
    const wanted = new Map<string, Set<string>>();
    for (const file of files) {
      const dir = path.dirname(file);
      if (!wanted.has(dir)) wanted.set(dir, new Set());
      wanted.get(dir)!.add(path.basename(file));
    }
    for (const [dir, folder] of this.folders) {
      if (wanted.has(dir)) continue;
      folder.watcher.close();
      this.folders.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const known = this.folders.get(dir);
      if (known) {
        known.names = names;
        continue;
      }
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          const folder = this.folders.get(dir);
          if (name && folder?.names.has(name.toString())) this.changed(path.join(dir, name.toString()));
        });
        watcher.on('error', () => {
          watcher.close();
          this.folders.delete(dir);
        });
        this.folders.set(dir, { watcher, names });
      } catch {
        // a folder that does not exist (a missing library path) or cannot be watched
      }
    }
  }

  /** The files watched now, sorted. */
  get files(): string[] {
    return [...this.folders].flatMap(([dir, f]) => [...f.names].map((n) => path.join(dir, n))).sort();
  }

  dispose(): void {
    for (const f of this.folders.values()) f.watcher.close();
    this.folders.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private changed(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        this.onChange(file);
      }, GATHER_MS),
    );
  }
}

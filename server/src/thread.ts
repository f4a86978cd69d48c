// Starting a worker thread the same way from the bundle and from sources (tests, tsx).
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** tsx's CommonJS hook (a dev dependency: only sources run under tsx ever ask for it). */
const TSX_REGISTER = 'tsx/cjs';

/**
 * Bundled (`dist/`): the file `bundled` beside the running bundle. From sources: `entry` (a .ts
 * path) through tsx. `dir` is the caller's `__dirname`.
 */
export function startThread(dir: string, bundled: string, entry: string, resourceLimits?: ResourceLimits): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(dir, bundled), { resourceLimits });
  const tsx = require.resolve(TSX_REGISTER);
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(path.join(dir, entry))});`, { eval: true, resourceLimits });
}

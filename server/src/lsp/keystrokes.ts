import type { RequestClock } from '../search/rank';

// Requests on the keystroke path (completion, hover) come before background work: while one is
// being answered, and for KEYSTROKE_QUIET_MS after, the first hint ranking of a paper
// (features/uncitedClaims.ts warmClaims) waits. The same clock is the rankers' (search/rank.ts
// RequestClock): Ranker.warm and the bars it draws wait for it too (WARM_PAUSE_MS), and every
// request a ranker answers (code lenses, Show Related Papers) counts on it.

/**
 * Background ranking resumes only after the keystroke requests have been quiet this long: a typist's
 * next completion usually comes sooner (keys 100-250 ms apart), so it finds the main thread free,
 * not behind a slice of ranking; the hints wait for a pause in typing, as they would anyway.
 */
export const KEYSTROKE_QUIET_MS = 150;

/** The keystroke requests in flight; `idle()` resolves once none is and none has been for KEYSTROKE_QUIET_MS. */
export class Keystrokes implements RequestClock {
  private inFlight = 0;
  private lastAnswered = -Infinity;

  /** Answers a keystroke request; background work waits until it has answered and a quiet moment passed. */
  async answer<T>(work: () => T | Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.lastAnswered = performance.now();
    }
  }

  /** Another request was answered now (a ranker's: RequestClock.asked). */
  asked(): void {
    this.lastAnswered = performance.now();
  }

  /** Resolves at once when no keystroke request was answered for `quietMs`, else once none has been. */
  async idle(quietMs = KEYSTROKE_QUIET_MS): Promise<void> {
    for (let quiet; this.inFlight > 0 || (quiet = performance.now() - this.lastAnswered) < quietMs; ) {
      await new Promise((resolve) => setTimeout(resolve, this.inFlight > 0 ? quietMs : quietMs - quiet!));
    }
  }
}

/**
 * Timers as a port, so the server's periodic work (matching, sweeping, grace periods) is cancelled as one on
 * close and nothing outlives the service that started it.
 */
export interface Cancel {
  cancel(): void;
}

export interface Timers {
  after(ms: number, run: () => void): Cancel;
  every(ms: number, run: () => void): Cancel;
  /** Cancels every timer still pending; timers asked for afterwards never run (the service is closing). */
  stop(): void;
}

/** Node's setTimeout/setInterval, each tracked so stop() leaves nothing behind. */
const NEVER: Cancel = { cancel: () => {} };

export function nodeTimers(): Timers {
  const live = new Set<Cancel>();
  let stopped = false;
  const track = (clear: () => void): Cancel => {
    const handle: Cancel = {
      cancel: () => {
        clear();
        live.delete(handle);
      },
    };
    live.add(handle);
    return handle;
  };
  return {
    after(ms, run) {
      if (stopped) return NEVER;
      const handle = track(() => clearTimeout(timeout));
      const timeout = setTimeout(() => {
        live.delete(handle);
        run();
      }, ms);
      return handle;
    },
    every(ms, run) {
      if (stopped) return NEVER;
      const interval = setInterval(run, ms);
      return track(() => clearInterval(interval));
    },
    stop() {
      stopped = true;
      for (const handle of [...live]) handle.cancel();
    },
  };
}

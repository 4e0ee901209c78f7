/**
 * Event-loop fairness for every live run in the process. Engine work that runs back to back
 * (synchronous tools, or async tools whose promises settle at once, chained through microtasks
 * that never let a timer or a socket in) shares one *slice*: it opens with the first settlement
 * after the event loop had a turn and is spent after SLICE_MS of wall time, whatever the count.
 * A run whose slice is spent yields (`setImmediate`) before its next settlement.
 */

/** Longest stretch of engine work before the event loop gets a turn. */
export const SLICE_MS = 5;

// Captured at load: fake timers in tests must not stop the slice from ending.
const clock = performance.now.bind(performance);
const realSetImmediate = setImmediate;

/** When the current slice opened, or -1 when the event loop has had a turn since. */
let sliceStart = -1;

function endSlice(): void {
  sliceStart = -1;
}

/** Call before each settlement: true when the slice is spent and the caller should yield. */
export function sliceSpent(): boolean {
  const now = clock();
  if (sliceStart < 0) {
    sliceStart = now;
    // Runs at the next check phase, i.e. only once the event loop is free again.
    realSetImmediate(endSlice);
    return false;
  }
  return now - sliceStart >= SLICE_MS;
}

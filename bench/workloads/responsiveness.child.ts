/**
 * Health-check poller for the responsiveness workload, in its own process so that the client's
 * timers are not delayed by the server's event loop. Open loop: a GET every `intervalMs` on a
 * fixed schedule, whether or not the previous one has answered (a stalled server leaves several
 * requests waiting, each timed from its own send), over fetch's keep-alive connections.
 *
 * Commands over IPC: `start` (begin polling), `mark` (the samples after this are the loaded
 * phase), `stop` (wait for the requests in flight, then reply with one `result`).
 */
import { fromParent, type Message, toParent } from '../lib/child.js';

export interface StartCommand extends Message {
  type: 'start';
  url: string;
  intervalMs: number;
}

export interface PollResult extends Message {
  type: 'result';
  /** Latencies (ms) of the checks sent before `mark`. */
  idle: number[];
  /** Latencies (ms) of the checks sent between `mark` and `stop`. */
  loaded: number[];
  /** Checks that failed (network error or a status other than 200). */
  failed: number;
  firstError: string | null;
  /** How late this process's own poll timer fired at worst (ms): the client's own stall. */
  maxTimerLateMs: number;
  error?: string;
}

async function poll(cmd: StartCommand): Promise<PollResult> {
  const idle: number[] = [];
  const loaded: number[] = [];
  let target = idle;
  let failed = 0;
  let firstError: string | null = null;
  let maxTimerLateMs = 0;
  let stopping = false;
  const inFlight = new Set<Promise<void>>();

  const check = (): void => {
    const into = target;
    const sent = performance.now();
    const p = fetch(cmd.url)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        into.push(performance.now() - sent);
      })
      .catch((err: unknown) => {
        failed++;
        firstError ??= String((err as Error)?.message ?? err);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  void fromParent('mark').then(() => {
    target = loaded;
  });
  const stopped = fromParent('stop').then(() => {
    stopping = true;
  });

  // A fixed schedule (t0 + k * interval), so a late tick does not shift the ones after it.
  const t0 = performance.now();
  for (let k = 0; !stopping; k++) {
    const due = t0 + k * cmd.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await Promise.race([new Promise((r) => setTimeout(r, wait)), stopped]);
    if (stopping) break;
    maxTimerLateMs = Math.max(maxTimerLateMs, performance.now() - due);
    check();
  }
  await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 30_000))]);
  return { type: 'result', idle, loaded, failed, firstError, maxTimerLateMs };
}

process.on('message', (raw) => {
  const m = raw as Message;
  if (m.type !== 'start') return;
  poll(m as StartCommand).then(toParent, (err: unknown) =>
    toParent({ type: 'result', error: String((err as Error)?.stack ?? err) }),
  );
});
void fromParent('exit').then(() => process.exit(0));
await toParent({ type: 'ready' });

import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { FOLLOW_RUN, RUN_EVENTS_PAGE } from '../api/operations.js';
import type { RunEvent } from '../api/types.js';

/** Events per page of `run.events(afterSeq, first)`. */
export const PAGE = 200;

interface PageData {
  run: { events: { edges: Array<{ node: RunEvent }> } } | null;
}

export interface RunLog {
  /** The highest seq known (stored, or streamed since). */
  total: number;
  /** The event of a seq, when its page is loaded. */
  get(seq: number): RunEvent | undefined;
  /** Loads the pages holding seqs first..last (1-based) that are not loaded yet. */
  ensure(first: number, last: number): void;
  /** Every event 1..seq, loading what is missing (for the state at an event). */
  upTo(seq: number): Promise<RunEvent[]>;
  /** The events loaded so far, in seq order. */
  loaded(): RunEvent[];
  /** Bumped whenever events arrive, to re-render. */
  version: number;
}

/**
 * A run's event log: stored pages loaded on demand through `afterSeq` (a 10,000-event run loads
 * the page in view, not the log), and live events from `runEvents(afterSeq: lastSeq)` so nothing
 * is missed or repeated between the first read and the stream. `onLive` sees each live event.
 */
export function useRunLog(
  runId: string,
  lastSeq: number | undefined,
  onLive: (e: RunEvent) => void,
): RunLog {
  const client = useClient();
  const events = useRef(new Map<number, RunEvent>());
  const pages = useRef(new Map<number, Promise<void>>());
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const live = useRef(onLive);
  live.current = onLive;

  // The stream starts after the first lastSeq read (a later read of the run changes nothing).
  const [from, setFrom] = useState<{ runId: string; seq: number } | null>(null);
  useEffect(() => {
    if (lastSeq === undefined || from?.runId === runId) return;
    setTotal((t) => Math.max(t, lastSeq));
    setFrom({ runId, seq: lastSeq });
  }, [runId, lastSeq, from]);

  const loadPage = useCallback(
    (page: number): Promise<void> => {
      let p = pages.current.get(page);
      if (!p) {
        p = client
          .query<PageData>(
            RUN_EVENTS_PAGE,
            { id: runId, afterSeq: page * PAGE, first: PAGE },
            { requestPolicy: 'network-only' },
          )
          .toPromise()
          .then((res) => {
            if (res.error) {
              pages.current.delete(page);
              return;
            }
            let last = 0;
            for (const { node } of res.data?.run?.events.edges ?? []) {
              events.current.set(node.seq, node);
              last = Math.max(last, node.seq);
            }
            setTotal((t) => Math.max(t, last));
            setVersion((v) => v + 1);
          });
        pages.current.set(page, p);
      }
      return p;
    },
    [client, runId],
  );

  // The first page is read with the run, not after it: a finished run's log opens at its start.
  useEffect(() => {
    void loadPage(0);
  }, [loadPage]);

  const ensure = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor((first - 1) / PAGE); page <= Math.floor((last - 1) / PAGE); page++)
        if (page >= 0) void loadPage(page);
    },
    [loadPage],
  );

  const upTo = useCallback(
    async (seq: number) => {
      const wanted: Promise<void>[] = [];
      for (let page = 0; page <= Math.floor((seq - 1) / PAGE); page++) wanted.push(loadPage(page));
      await Promise.all(wanted);
      const out: RunEvent[] = [];
      for (let s = 1; s <= seq; s++) {
        const e = events.current.get(s);
        if (e) out.push(e);
      }
      return out;
    },
    [loadPage],
  );

  useEffect(() => {
    if (!from) return;
    const { runId, seq: lastSeq } = from;
    const sub = client
      .subscription<{ runEvents: RunEvent }>(FOLLOW_RUN, { runId, afterSeq: lastSeq })
      .subscribe((res) => {
        const e = res.data?.runEvents;
        if (!e) return;
        events.current.set(e.seq, e);
        setTotal((t) => Math.max(t, e.seq));
        setVersion((v) => v + 1);
        live.current(e);
      });
    return () => sub.unsubscribe();
  }, [client, from]);

  return {
    total,
    get: (seq) => events.current.get(seq),
    loaded: () => [...events.current.values()].sort((a, b) => a.seq - b.seq),
    ensure,
    upTo,
    version,
  };
}

/**
 * The workers connected to this server and the tasks they hold. A pass leases queued tasks
 * (of any server's runs: the queue is the database) to each connected worker up to its free
 * slots; the feed carries them to its `toolTasks` subscription. A worker that goes away hands
 * its tasks back at once; one whose server died keeps them until their lease lapses.
 */
import type { Logger } from '../logger.js';
import type { TaskStore, ToolTaskRecord, WorkerRecord, WorkerStore } from './ports.js';
import { TaskFeed } from './task-feed.js';

export interface Connection {
  readonly worker: WorkerRecord;
  readonly feed: TaskFeed<ToolTaskRecord>;
  /** Tasks leased to it: id -> dispatch. */
  readonly holding: Map<string, number>;
  /** Tasks its run ended (cancel, timeout) that it may still be running: id -> until (ms). */
  readonly ending: Map<string, number>;
  draining: boolean;
}

export interface DispatcherOptions {
  tasks: TaskStore;
  workers: WorkerStore;
  owner: string;
  leaseMs: number;
  pollMs: number;
  logger: Logger;
  /** A task was leased to a worker here. */
  onDispatched(task: ToolTaskRecord, worker: WorkerRecord): void;
}

export class Dispatcher {
  private readonly conns = new Map<string, Connection>();
  private running = false;
  private stopping = false;
  private again = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly o: DispatcherOptions) {}

  get(workerId: string): Connection | undefined {
    return this.conns.get(workerId);
  }

  /** Connected workers here. */
  connections(): Connection[] {
    return [...this.conns.values()];
  }

  /** Connects a worker: it keeps the tasks still leased to it (it reconnected mid-task). */
  async connect(worker: WorkerRecord): Promise<TaskFeed<ToolTaskRecord>> {
    this.conns.get(worker.id)?.feed.close(); // the same worker again: the newer connection wins
    const held = await this.o.tasks.leasedTo(worker.id);
    const conn: Connection = {
      worker,
      holding: new Map(held.map((t) => [t.id, t.dispatch])),
      ending: new Map(),
      draining: false,
      feed: new TaskFeed(() => void this.disconnect(conn)),
    };
    this.conns.set(worker.id, conn);
    await this.o.workers.setConnected([worker.id], this.o.owner, new Date());
    this.kick();
    return conn.feed;
  }

  private async disconnect(conn: Connection): Promise<void> {
    if (this.conns.get(conn.worker.id) !== conn) return;
    this.conns.delete(conn.worker.id);
    // Shutting down: the worker keeps its tasks and answers them after it reconnects (here after
    // a restart, or to another server); they are queued again only if their lease lapses.
    if (this.stopping) return;
    const held = [...conn.holding];
    conn.holding.clear();
    try {
      for (const [id, dispatch] of held) await this.o.tasks.requeue(id, dispatch);
      await this.o.workers.setConnected([conn.worker.id], null, new Date());
    } catch (err) {
      this.o.logger.warn('handing back a disconnected worker’s tasks failed; their leases lapse', {
        err,
        worker: conn.worker.id,
      });
    }
    if (held.length > 0)
      this.o.logger.info('worker disconnected; its tasks are queued again', {
        worker: conn.worker.id,
        tasks: held.length,
      });
    this.kick();
  }

  /** A worker answered (or handed back) a task at lease `dispatch`: its slot is free. */
  released(taskId: string, dispatch: number): void {
    for (const conn of this.conns.values()) {
      if (conn.holding.get(taskId) === dispatch) conn.holding.delete(taskId);
      conn.ending.delete(taskId);
    }
    this.kick();
  }

  /**
   * The run ended a task (cancel, timeout): its worker may still be running it, so its slot stays
   * taken until the worker answers or a lease passes.
   */
  ended(taskId: string): void {
    for (const conn of this.conns.values()) {
      if (conn.holding.delete(taskId)) conn.ending.set(taskId, Date.now() + this.o.leaseMs);
    }
  }

  /** Runs a dispatch pass soon (coalesced). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    queueMicrotask(() => void this.pass());
  }

  private async pass(): Promise<void> {
    try {
      do {
        this.again = false;
        const now = Date.now();
        const free = [...this.conns.values()]
          .map((c) => {
            for (const [id, until] of c.ending) if (until <= now) c.ending.delete(id);
            return { c, n: c.worker.slots - c.holding.size - c.ending.size };
          })
          .filter((x) => x.n > 0 && !x.c.draining && !x.c.feed.closed)
          .sort((a, b) => b.n - a.n);
        for (const { c, n } of free) {
          const leased = await this.o.tasks.claim(
            c.worker.tenantId,
            c.worker.id,
            c.worker.tools,
            n,
            new Date(Date.now() + this.o.leaseMs),
          );
          for (const task of leased) {
            if (c.feed.closed || this.conns.get(c.worker.id) !== c) {
              await this.o.tasks.requeue(task.id, task.dispatch); // it went away meanwhile
              this.again = true;
              continue;
            }
            c.holding.set(task.id, task.dispatch);
            c.feed.push(task);
            this.o.onDispatched(task, c.worker);
          }
        }
      } while (this.again);
    } catch (err) {
      this.o.logger.warn('dispatching tool tasks failed; retrying on the next tick', { err });
    } finally {
      this.running = false;
    }
  }

  /** Polls the queue (other servers' tasks), keeps leases and last-seen times fresh. */
  start(): void {
    const poll = setInterval(() => {
      const hasFree = [...this.conns.values()].some(
        (c) => !c.draining && c.worker.slots > c.holding.size + c.ending.size,
      );
      if (hasFree) this.kick();
    }, this.o.pollMs);
    const keep = setInterval(
      () => void this.keepAlive(),
      Math.max(50, Math.floor(this.o.leaseMs / 3)),
    );
    poll.unref();
    keep.unref();
    this.timers.push(poll, keep);
  }

  private async keepAlive(): Promise<void> {
    const ids = [...this.conns.keys()];
    if (ids.length === 0) return;
    try {
      await this.o.tasks.extendLeases(ids, new Date(Date.now() + this.o.leaseMs));
      await this.o.workers.setConnected(ids, this.o.owner, new Date());
    } catch (err) {
      this.o.logger.warn('extending worker leases failed', { err });
    }
  }

  /** Shutdown: stop timers, end every feed (their workers reconnect elsewhere or later). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    const ids = [...this.conns.keys()];
    for (const c of [...this.conns.values()]) c.feed.close();
    this.conns.clear();
    await this.o.workers.setConnected(ids, null, new Date()).catch(() => undefined);
  }
}

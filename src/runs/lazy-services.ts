import type { ToolMemory, ToolReplay, ToolServices, ToolThread } from '../engine/index.js';
import type { RunRecord } from './ports.js';
import type { RunThreads } from './start-run.js';

/**
 * The `ctx.thread` / `ctx.memory` of one run's tools, made by `threads.servicesFor` the first
 * time a tool reads either. Most runs never do; making them with every run cost ~1.5 KB (a dozen
 * closures) per run queued or executing, ~75 MB with 50,000 in flight.
 */
export class LazyToolServices implements ToolServices {
  private made: ToolServices | undefined = undefined;

  constructor(
    private readonly threads: Pick<RunThreads, 'servicesFor'> | undefined,
    private readonly record: RunRecord,
    /** Set on a replayed run (replayRun). */
    readonly replay: ToolReplay | undefined,
  ) {}

  get thread(): ToolThread | undefined {
    return this.services()?.thread;
  }

  get memory(): ToolMemory | undefined {
    return this.services()?.memory;
  }

  private services(): ToolServices | undefined {
    if (this.threads === undefined) return undefined;
    this.made ??= this.threads.servicesFor(this.record);
    return this.made;
  }
}

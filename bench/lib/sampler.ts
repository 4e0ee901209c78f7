import { type Child, fromParent, type Message, spawnChild, toParent } from './child.js';
import type { Contender } from './timing.js';

/**
 * A contender whose samples are taken in a child process of its own: each side of a comparison
 * runs in a clean process (LangGraph's AsyncLocalStorage turns on promise hooks for its whole
 * process on Node 20, which would slow whatever shares it), while the parent keeps alternating
 * the sides so that drift in machine load hits both alike. Only one child samples at a time.
 */
export interface RemoteContender<T> extends Contender<T> {
  close(): Promise<void>;
}

interface SampleReply extends Message {
  type: 'sample';
  value?: unknown;
  error?: string;
}

/** Starts `script`, hands it `setup` and waits until it is ready to sample. */
export async function sampleIn<T>(script: string, setup: Message): Promise<RemoteContender<T>> {
  const child: Child = spawnChild(script);
  const close = async () => {
    child.send({ type: 'exit' });
    const kill = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(kill);
  };
  child.send(setup);
  const ready = await child.next<SampleReply>('ready', 120_000).catch(async (err) => {
    await close();
    throw err;
  });
  if (ready.error) {
    await close();
    throw new Error(`${script}: ${ready.error}`);
  }
  return {
    async sample() {
      child.send({ type: 'sample' });
      const reply = await child.next<SampleReply>('sample', 300_000);
      if (reply.error) throw new Error(`${script}: ${reply.error}`);
      return reply.value as T;
    },
    close,
  };
}

/** Contenders run in children, closed whatever happens to `use`. */
export async function withRemote<K extends string, T, R>(
  open: Record<K, () => Promise<RemoteContender<T>>>,
  use: (contenders: Record<K, RemoteContender<T>>) => Promise<R>,
): Promise<R> {
  const opened: Partial<Record<K, RemoteContender<T>>> = {};
  try {
    for (const key of Object.keys(open) as K[]) opened[key] = await open[key]();
    return await use(opened as Record<K, RemoteContender<T>>);
  } finally {
    for (const c of Object.values(opened) as RemoteContender<T>[]) await c.close();
  }
}

const describe = (err: unknown) => String((err as Error)?.stack ?? err);

/**
 * In a child: waits for the setup message, builds the sampler from it, then answers every
 * `sample` message with one sample (or the error), until `exit`.
 */
export async function serveSamples<S extends Message>(
  build: (setup: S) => Promise<() => Promise<unknown>> | (() => Promise<unknown>),
): Promise<void> {
  void fromParent('exit').then(() => process.exit(0));
  const setup = await fromParent<S>('setup');
  let sample: () => Promise<unknown>;
  try {
    sample = await build(setup);
  } catch (err) {
    await toParent({ type: 'ready', error: describe(err) });
    return;
  }
  process.on('message', (raw) => {
    if ((raw as Message).type !== 'sample') return;
    sample().then(
      (value) => toParent({ type: 'sample', value }),
      (err: unknown) => toParent({ type: 'sample', error: describe(err) }),
    );
  });
  await toParent({ type: 'ready' });
}

import { type ChildProcess, fork } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../src/runtime-flags.js';

/** A message between the bench and a child: a type tag and any JSON payload. */
export interface Message {
  type: string;
  [key: string]: unknown;
}

/**
 * A bench script in its own Node process (run through tsx), talked to over IPC. Used where the
 * measurement must not share a heap or an event loop with the bench: peak RSS, and load
 * generators that would otherwise compete with the server they measure.
 */
export interface Child {
  readonly process: ChildProcess;
  send(message: Message): void;
  /** The next message of this type (messages of other types before it are dropped). */
  next<T extends Message>(type: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code once the child exits. */
  readonly exited: Promise<number | null>;
}

let extraExecArgv: string[] = [];

/** Node flags for every child from now on, e.g. ['--cpu-prof'] to profile them. */
export function setChildExecArgv(flags: string[]): void {
  extraExecArgv = flags;
}

export function spawnChild(script: string, args: string[] = [], nodeFlags: string[] = []): Child {
  const child = fork(script, args, {
    // The server's own V8 flags, for ours and LangGraph's processes alike.
    execArgv: ['--import', 'tsx', ...SERVER_NODE_FLAGS, ...nodeFlags, ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Message[] = [];
  const waiting: Array<{ type: string; resolve: (m: Message) => void }> = [];
  child.on('message', (raw) => {
    const m = raw as Message;
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    send: (message) => void child.send(message),
    next<T extends Message>(type: string, timeoutMs = 300_000) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no "${type}" message in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const entry = {
          type,
          resolve: (m: Message) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        waiting.push(entry);
        void exited.then((code) => {
          const j = waiting.indexOf(entry);
          if (j < 0) return;
          waiting.splice(j, 1);
          clearTimeout(timer);
          reject(new Error(`${script} exited (code ${code}) before sending "${type}"`));
        });
      });
    },
    exited,
  };
}

/** In a child: the parent's next message of `type`. */
export function fromParent<T extends Message>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (raw: unknown) => {
      const m = raw as Message;
      if (m.type !== type) return;
      process.off('message', onMessage);
      resolve(m as T);
    };
    process.on('message', onMessage);
  });
}

/** In a child: sends a message and waits until it is handed to the IPC channel. */
export function toParent(message: Message): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send?.(message, undefined, {}, (err) => (err ? reject(err) : resolve())),
  );
}

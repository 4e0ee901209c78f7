import { AppError } from '../errors.js';
import type { BusSubscription } from '../runs/ports.js';

/**
 * An async iterator that buffers from the moment it is created (unlike a lazy generator, it
 * cannot miss what is pushed before the first `next()`), ends on `close()`, and unsubscribes on
 * `return()` (a client going away). A consumer that falls `limit` items behind is ended with an
 * error rather than letting memory grow without bound.
 */
export class AsyncQueue<T> implements BusSubscription<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((err: unknown) => void) | null = null;
  private done = false;
  private error: unknown = null;

  constructor(
    private readonly onReturn: () => void,
    private readonly limit = 100_000,
  ) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.failWaiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length - this.head >= this.limit) {
      this.fail(
        new AppError(
          'SUBSCRIBER_TOO_SLOW',
          `Subscriber fell more than ${this.limit} events behind; resubscribe with afterSeq.`,
          { limit: this.limit },
        ),
      );
      return;
    }
    this.items.push(item);
  }

  /** Ends the iteration after the buffered items. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.onReturn();
    if (this.waiting && this.head >= this.items.length) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  fail(err: unknown): void {
    this.error = err;
    this.items.length = 0;
    this.head = 0;
    const reject = this.failWaiting;
    this.waiting = null;
    this.failWaiting = null;
    this.close();
    if (reject) reject(err);
  }

  /** The next buffered item, if one is waiting (no promise, no timer). */
  poll(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const value = this.items[this.head++] as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return value;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length)
      return Promise.resolve({ value: this.poll() as T, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.head = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

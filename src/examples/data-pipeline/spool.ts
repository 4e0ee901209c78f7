import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The files stages hand rows over in: JSON lines in the run's work folder. Each stage streams
 * the previous stage's file in chunks and writes its own, so no stage holds more than a chunk.
 */
export interface SpoolWriter<T> {
  write(items: readonly T[]): Promise<void>;
  readonly written: number;
  close(): Promise<void>;
}

export function spoolWriter<T>(path: string): SpoolWriter<T> {
  const out: WriteStream = createWriteStream(path);
  let written = 0;
  let failure: Error | undefined;
  out.on('error', (err) => {
    failure = err;
  });
  return {
    get written() {
      return written;
    },
    async write(items) {
      if (failure) throw failure;
      if (items.length === 0) return;
      let text = '';
      for (const item of items) text += `${JSON.stringify(item)}\n`;
      written += items.length;
      // Backpressure: wait for the file to drain before the next chunk is made.
      if (!out.write(text)) await once(out, 'drain');
    },
    async close() {
      if (failure) throw failure;
      out.end();
      await once(out, 'finish');
    },
  };
}

/** Reads a spool back in chunks of `size` items. */
export async function* readSpool<T>(path: string, size: number): AsyncGenerator<T[]> {
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let chunk: T[] = [];
  for await (const line of lines) {
    if (line === '') continue;
    chunk.push(JSON.parse(line) as T);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

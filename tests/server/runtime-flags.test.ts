import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/runtime-flags.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

it('starts the server with the same V8 flags everywhere it is started', () => {
  const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
  const cmd = read('Dockerfile')
    .split('\n')
    .find((l) => l.startsWith('CMD '));
  expect(SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
  for (const flag of SERVER_NODE_FLAGS) {
    expect(scripts.start).toContain(flag);
    expect(scripts.bench).toContain(flag);
    expect(cmd).toContain(JSON.stringify(flag));
  }
  expect(scripts.start).toMatch(/dist\/main\.js$/);
});

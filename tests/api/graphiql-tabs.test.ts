import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GRAPHIQL_TABS } from '../../src/server/graphiql.js';

/** GraphiQL opens on the README's tour: one tab per operation, the same text as the README. */
const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const tour = /## A ten-line tour\s+```graphql\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('GraphiQL tabs', () => {
  it('hold every operation of the README tour, in its order and as written', () => {
    const operations = parse(tour).definitions.map((d) => print(d));
    const tabs = GRAPHIQL_TABS.filter((t) => operations.some((o) => o.includes(` ${t.name}`)));
    expect(operations.length).toBeGreaterThan(3);
    expect(tabs.map((t) => print(parse(t.query)))).toEqual(operations);
  });
});

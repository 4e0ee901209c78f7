import { describe, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { runStoreSpec } from './run-store.spec.js';

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`RunStore on ${name}`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else runStoreSpec(name);
}

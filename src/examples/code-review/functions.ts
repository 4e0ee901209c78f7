import type { ParsedCode } from './parse.js';
import {
  collectFunctions,
  describeFunction,
  type FunctionInfo,
  type FunctionNode,
  localExportNames,
} from './walk-functions.js';

export interface FoundFunction {
  node: FunctionNode;
  info: FunctionInfo;
}

const cache = new WeakMap<ParsedCode, FoundFunction[]>();

/** Every function of a parsed file with its description, computed once per parse. */
export function functionsOf(parsed: ParsedCode): FoundFunction[] {
  let found = cache.get(parsed);
  if (!found) {
    const exported = localExportNames(parsed.sourceFile);
    found = collectFunctions(parsed.sourceFile).map((node) => ({
      node,
      info: describeFunction(node, parsed.sourceFile, exported),
    }));
    cache.set(parsed, found);
  }
  return found;
}

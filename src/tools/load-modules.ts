import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tool } from '../engine/tool.js';
import type { ToolRegistry } from './registry.js';

/**
 * `TOOL_MODULES`: modules loaded at start whose exports are tools. Any export that is a tool
 * (what `defineTool` returns) or an array of tools is registered; other exports are ignored.
 * Everything that can go wrong stops the start with a `ToolModuleError` naming the module.
 */
export type ToolModuleErrorCode =
  /** The path or package does not resolve from the working directory. */
  | 'TOOL_MODULE_NOT_FOUND'
  /** Importing the module threw (syntax error, a failing top-level statement...). */
  | 'TOOL_MODULE_LOAD_FAILED'
  /** The module exports no tool at all. */
  | 'TOOL_MODULE_NO_TOOLS'
  /** An export looks like a tool but is not a valid one (no description, config not a schema, bad name). */
  | 'TOOL_MODULE_INVALID_TOOL'
  /** A tool's name is taken by a built-in tool, a `tools` option or another module. */
  | 'TOOL_MODULE_DUPLICATE_TOOL';

export class ToolModuleError extends Error {
  override readonly name = 'ToolModuleError';
  constructor(
    readonly code: ToolModuleErrorCode,
    /** The module as it was given (`./my-tools.js`, `some-package`). */
    readonly module: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: tool module "${module}": ${message}`, options);
  }
}

/** The tools one module exports, in export order. */
export interface LoadedToolModule {
  module: string;
  tools: Tool<unknown>[];
}

/**
 * Imports each module: paths (`./x.js`, `../x.js`, `/abs/x.js`) resolve against `cwd`, package
 * names from `cwd`'s node_modules (then from the framework's own).
 */
export async function loadToolModules(
  modules: readonly string[],
  options: { cwd?: string } = {},
): Promise<LoadedToolModule[]> {
  const cwd = options.cwd ?? process.cwd();
  const loaded: LoadedToolModule[] = [];
  for (const module of modules) {
    const exports = await importModule(module, cwd);
    loaded.push({ module, tools: toolsOf(module, exports) });
  }
  return loaded;
}

/**
 * Registers the loaded tools after what `registry` holds already, refusing a name that is taken
 * (by a built-in tool, a `tools` option, or an earlier module) with the module that brought it.
 */
export function registerToolModules(
  registry: ToolRegistry,
  loaded: readonly LoadedToolModule[],
): void {
  const from = new Map<string, string>();
  for (const { module, tools } of loaded) {
    for (const tool of tools) {
      if (registry.has(tool.name)) {
        const other = from.get(tool.name);
        const owner = other === undefined ? 'a built-in or embedded tool' : `module "${other}"`;
        throw new ToolModuleError(
          'TOOL_MODULE_DUPLICATE_TOOL',
          module,
          `tool "${tool.name}" is already registered by ${owner}: tool names must be unique, rename one of them`,
        );
      }
      try {
        registry.register(tool);
      } catch (err) {
        throw new ToolModuleError('TOOL_MODULE_INVALID_TOOL', module, (err as Error).message, {
          cause: err,
        });
      }
      from.set(tool.name, module);
    }
  }
}

function isPath(module: string): boolean {
  return module.startsWith('./') || module.startsWith('../') || isAbsolute(module);
}

async function importModule(module: string, cwd: string): Promise<Record<string, unknown>> {
  let url: string;
  if (isPath(module)) {
    url = pathToFileURL(resolve(cwd, module)).href;
  } else {
    try {
      url = pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(module)).href;
    } catch {
      url = module; // an ESM-only package, or one installed beside the framework
    }
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((err as Error).message).includes(isPath(module) ? resolve(cwd, module) : module)
    ) {
      throw new ToolModuleError(
        'TOOL_MODULE_NOT_FOUND',
        module,
        `cannot find it from ${cwd}: give a path relative to the working directory (./my-tools.js) or an installed package name`,
        { cause: err },
      );
    }
    throw new ToolModuleError(
      'TOOL_MODULE_LOAD_FAILED',
      module,
      `importing it threw: ${(err as Error).message ?? String(err)}`,
      { cause: err },
    );
  }
}

/** A value that means to be a tool: an object with a name and a run function. */
function looksLikeTool(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    'run' in value &&
    typeof value.run === 'function'
  );
}

function toolsOf(module: string, exports: Record<string, unknown>): Tool<unknown>[] {
  const tools: Tool<unknown>[] = [];
  const seen = new Set<unknown>();
  for (const [key, value] of Object.entries(exports)) {
    const candidates = Array.isArray(value)
      ? value.map((v, i) => [`${key}[${i}]`, v])
      : [[key, value]];
    for (const [where, candidate] of candidates as Array<[string, unknown]>) {
      if (!looksLikeTool(candidate) || seen.has(candidate)) continue;
      seen.add(candidate); // `export default [a, b]` beside `export { a, b }` registers each once
      tools.push(checkTool(module, where, candidate));
    }
  }
  if (tools.length === 0) {
    throw new ToolModuleError(
      'TOOL_MODULE_NO_TOOLS',
      module,
      `it exports no tool (exports: ${Object.keys(exports).join(', ') || 'none'}): export what defineTool returns, or an array of them`,
    );
  }
  return tools;
}

function checkTool(module: string, where: string, value: Record<string, unknown>): Tool<unknown> {
  const problems: string[] = [];
  if (typeof value.name !== 'string' || value.name === '') problems.push('name is not a string');
  if (typeof value.description !== 'string') problems.push('description is not a string');
  const config = value.config as { safeParse?: unknown } | null | undefined;
  if (typeof config !== 'object' || config === null || typeof config.safeParse !== 'function')
    problems.push('config is not a schema (give defineTool a zod schema, or leave config out)');
  if (problems.length > 0) {
    throw new ToolModuleError(
      'TOOL_MODULE_INVALID_TOOL',
      module,
      `export ${where} (${JSON.stringify(value.name)}) is not a valid tool: ${problems.join('; ')}`,
    );
  }
  return value as unknown as Tool<unknown>;
}

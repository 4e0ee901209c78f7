/**
 * The package's root entry: embed the server with your own tools.
 *
 * @example
 * import { createServer, defineTool } from 'agent-execution-framework';
 * const server = await createServer({ tools: [myTool], examples: false, port: 4000 });
 * await server.start();
 */
export { type App, type AppOptions, buildApp, VERSION } from './app.js';
export { type Config, type Limits, loadConfig } from './config.js';
export type { GraphDef, State, Tool, ToolContext } from './engine/index.js';
export { createConsoleLogger, type Logger, silentLogger } from './logger.js';
export { createServer, type ServerOptions } from './public/create-server.js';
export { type DefinedTool, defineTool, type ToolDefinition } from './tools/define-tool.js';
export { ToolModuleError, type ToolModuleErrorCode } from './tools/load-modules.js';

/**
 * The tool registry of an app: the built-in tools (with the model tools made from the server's
 * providers), the caller's, the TOOL_MODULES ones and the MCP servers' (connected and listed
 * now: graph validation needs their names and schemas). Part of the composition root.
 */
import type { AppOptions } from './app.js';
import type { Config } from './config.js';
import type { Tool } from './engine/index.js';
import { createAgentTool } from './llm/agent.tool.js';
import { createLlmTool } from './llm/llm.tool.js';
import { providersFromConfig } from './llm/providers.js';
import type { Logger } from './logger.js';
import { connectMcpServers, loadMcpConfigFile } from './mcp/client/index.js';
import type { Redactor } from './redaction.js';
import type { SqlClient } from './runs/sql-client.js';
import type { ToolServices } from './runs/tool-database.js';
import { createBuiltinRegistry } from './tools/index.js';
import { loadToolModules, registerToolModules } from './tools/load-modules.js';

export async function buildTools(
  config: Config,
  options: Pick<AppOptions, 'tools'>,
  examples: boolean,
  logger: Logger,
  redactor: Redactor,
  version: string,
  /** The server's database and run tenants, for tools with data of their own (examples). */
  services: ToolServices,
  sql?: SqlClient,
) {
  // The llm tool needs the server's model providers (and its redactor for provider messages).
  const providers = providersFromConfig(config.llm);
  const prices = config.llm.prices;
  const llm = createLlmTool({ providers, redactor, prices });
  const tools = createBuiltinRegistry({
    tools: options.tools ?? [],
    examples,
    exampleOptions: {
      codeReview: { root: config.codeReviewRoot },
      mlModelDir: config.mlModelDir,
      onboarding: { ...services, mail: config.smtp },
      ...(sql ? { dataPipeline: { sql } } : {}),
    },
    llm: llm as Tool<unknown>,
    // The agent's tools are looked up in this registry when a node runs (MCP and worker tools too).
    agent: (registry) =>
      createAgentTool({ providers, tools: registry, redactor, prices }) as Tool<unknown>,
  });
  registerToolModules(tools, await loadToolModules(config.toolModules ?? []));
  const mcpConfig = loadMcpConfigFile(config.mcpConfig);
  const mcp = mcpConfig ? await connectMcpServers(mcpConfig, { logger, version }) : undefined;
  if (mcp) {
    for (const tool of mcp.tools) tools.register(tool);
    tools.explainMissing((name) => mcp.missingReason(name));
  }
  return { tools, mcp };
}

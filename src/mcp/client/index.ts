export { loadMcpConfigFile, type McpConfig, parseMcpConfig } from './config.js';
export { McpConnection, type McpServerStatus } from './connection.js';
export {
  connectMcpServers,
  type McpServerInfo,
  type McpTool,
  McpToolError,
  type McpToolProvider,
  resultValue,
} from './provider.js';

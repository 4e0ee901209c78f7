export { createPrismaGraphCatalog, type GraphCatalog } from './catalog.js';
export { createMcpEndpoint, isMcpRequest, MCP_PATH, type McpHandler } from './endpoint.js';
export { sanitizeToolName } from './tools.js';

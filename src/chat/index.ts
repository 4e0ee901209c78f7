export {
  CHAT_PATH,
  type ChatEndpointOptions,
  type ChatGraphOptions,
  createChatEndpoint,
  isChatRequest,
} from './chat-endpoint.js';
export type { ChatChunk, ChatInterrupt, ChatMessageMetadata } from './chat-parts.js';

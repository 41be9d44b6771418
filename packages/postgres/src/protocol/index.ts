export * from './messages.js';
export { BackendParser, FrontendParser, type MessageCallback, type ParserOptions } from './parser.js';
export * as serialize from './serializer.js';

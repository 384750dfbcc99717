export { createHttpServer, type HttpServer, type HttpServerOptions } from './server.js';
export { AppError, type ErrorEnvelope } from './errors.js';
export { principalOf, workspaceIdOf, type Principal, type Authenticator, type RouteAuth } from './auth.js';
export { PageQuery, Page, encodeCursor, decodeCursor, toPage } from './pagination.js';
export { sendError } from './error-handler.js';
export { toIso } from './format.js';
export { parseJsonText } from './json-body.js';

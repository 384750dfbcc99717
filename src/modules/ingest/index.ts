export { ingestRoutes, type IngestRouteOptions } from './ingest.routes.js';
export { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
export { DEFAULT_CHANNELS, channelOf } from './channels.js';
export { LIMITS as INGEST_LIMITS } from './validate-event.js';

export { ingestRoutes, type IngestRouteOptions } from './ingest.routes.js';
export { channelRoutes } from './channel.routes.js';
export { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
export { ChannelCatalogue, DEFAULT_CHANNELS, listChannels, type Channel } from './channels.js';
export { LIMITS as INGEST_LIMITS } from './validate-event.js';

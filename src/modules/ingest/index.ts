export { ingestRoutes, type IngestRouteOptions } from './ingest.routes.js';
export { channelRoutes } from './channel.routes.js';
export { inboxRoutes } from './inbox.routes.js';
export { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
export { EventInbox, type InboxOptions, type InboxStatus } from './inbox.js';
export { ChannelCatalogue, DEFAULT_CHANNELS, listChannels, type Channel } from './channels.js';
export { LIMITS as INGEST_LIMITS } from './validate-event.js';

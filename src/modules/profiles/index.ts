import './profiles.tables.js';

export type { IncomingEvent } from './incoming-event.js';
export {
  recordEvents,
  identifiersOf,
  type ProfilesContext,
  type RecordResult,
  type RecordedEvent,
  type RecordedEventsHook,
  type RecordedMerge,
} from './record-events.js';
export { profileRoutes, type ProfileRouteOptions } from './profile.routes.js';
export type { EventTouchpoints } from './profile.service.js';
export { seedDemoCustomers, type DemoOptions } from './demo-customers.js';
export {
  liveProfileId,
  findProfileIdByIdentifier,
  profileTraits,
  someProfileIds,
  recordProfileEvent,
  type ProfileEventInput,
} from './profile-access.js';
export {
  latestEvents,
  eventsBetweenIds,
  eventWatermark,
  eventStepSql,
  profileTraitSql,
  type StoredEvent,
} from './event-queries.js';

import './profiles.tables.js';

export type { IncomingEvent } from './incoming-event.js';
export { CustomerSummary } from './profile.schema.js';
export {
  recordEvents,
  identifiersOf,
  type ProfilesContext,
  type RecordResult,
  type RecordedEvent,
  type RecordedEventsHook,
  type RecordedMerge,
  type ProfilesChange,
  type ProfilesChangedHook,
} from './record-events.js';
export { ageOf, type CustomerFacts } from './profile-state.js';
export {
  customerFactsPage,
  liveProfileIdAt,
  customerSummaries,
  liveProfileCount,
  type FactsOptions,
} from './profile-facts.js';
export { profileRoutes, type ProfileRouteOptions } from './profile.routes.js';
export type { EventTouchpoints } from './profile.service.js';
export { seedDemoCustomers, demoCustomerEvents, type DemoOptions } from './demo-customers.js';
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
  eventArrivalsSql,
  eventStepSql,
  profileTraitSql,
  type StoredEvent,
} from './event-queries.js';

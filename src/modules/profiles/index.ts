import './profiles.tables.js';

export type { IncomingEvent } from './incoming-event.js';
export { recordEvents, identifiersOf, type ProfilesContext, type RecordResult } from './record-events.js';

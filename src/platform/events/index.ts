export type { DomainEventsTable } from './events.tables.js';
export {
  EventBus,
  listDomainEvents,
  type DomainEvent,
  type DeliveredEvent,
  type EventSubscriber,
} from './event-bus.js';

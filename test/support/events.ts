import type { IncomingEvent } from '../../src/modules/profiles/index.js';

/**
 * A validated track event as the collection API hands it over, received `at` (default now), for tests that give
 * events to the group committer or put them in the inbox directly. `fields` overrides anything.
 */
export function trackEvent(
  messageId: string,
  fields: Partial<IncomingEvent> & { at?: number } = {},
): IncomingEvent {
  const { at = Date.now(), ...rest } = fields;
  return {
    messageId,
    type: 'track',
    name: 'Plan Viewed',
    userId: 'u-test',
    anonymousId: null,
    previousId: null,
    traits: {},
    properties: {},
    context: {},
    channel: 'web',
    sourceId: null,
    receivedAt: at,
    sentAt: null,
    originalTimestamp: null,
    timestamp: at,
    ...rest,
  };
}

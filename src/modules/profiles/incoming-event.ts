/** An event as the collection API hands it over: validated, identifiers present, times resolved. */
export interface IncomingEvent {
  messageId: string;
  type: 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';
  /** Event name (track) or page/screen name. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** alias: the id being merged into userId. */
  previousId: string | null;
  /** identify traits, or context.traits of other calls. */
  traits: Record<string, unknown>;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  channel: string;
  sourceId: string | null;
  receivedAt: number;
  sentAt: number | null;
  originalTimestamp: number | null;
  timestamp: number;
}

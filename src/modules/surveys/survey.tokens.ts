import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Tokens in survey URLs. They carry the workspace and the survey or link id, signed with a key derived from the
 * server's secret: nothing secret is stored, a token cannot be forged or pointed at another workspace, and the URL of
 * a link can be shown again at any time (deliveries for e-mail/SMS).
 */
export class SurveyTokens {
  /** A key object, so that each HMAC does not prepare the key again. */
  private readonly key: KeyObject;
  /** Tokens already verified (a token's meaning never changes): an HMAC per new token, not per request. */
  private readonly verified = new Map<string, { kind: 'survey' | 'link'; workspaceId: string; id: string }>();
  private readonly verifiedResponses = new Map<string, string>();

  constructor(secretKey: Buffer) {
    this.key = createSecretKey(createHmac('sha256', secretKey).update('touchpoint:surveys:tokens').digest());
  }

  private mac(kind: string, ...parts: string[]): string {
    return createHmac('sha256', this.key)
      .update([kind, ...parts].join('\u0000'))
      .digest('base64url')
      .slice(0, 22);
  }

  /** The token of a survey's public (anonymous) link. */
  survey(workspaceId: string, surveyId: string): string {
    return `${workspaceId}.${surveyId}.${this.mac('survey', workspaceId, surveyId)}`;
  }

  /** The token of a personal or single-use link. */
  link(workspaceId: string, linkId: string): string {
    return `${workspaceId}.${linkId}.${this.mac('link', workspaceId, linkId)}`;
  }

  /** The token that lets an anonymous respondent continue (update) their own response. */
  response(workspaceId: string, responseId: string): string {
    return `${responseId}.${this.mac('response', workspaceId, responseId)}`;
  }

  /** Parses a survey or link token; null when malformed or forged. */
  parse(token: string): { kind: 'survey' | 'link'; workspaceId: string; id: string } | null {
    const hit = this.verified.get(token);
    if (hit) return hit;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [workspaceId, id, mac] = parts as [string, string, string];
    const kind: 'survey' | 'link' | null = id.startsWith('srv_')
      ? 'survey'
      : id.startsWith('sl_')
        ? 'link'
        : null;
    if (!kind || !equal(mac, this.mac(kind, workspaceId, id))) return null;
    const parsed = { kind, workspaceId, id };
    remember(this.verified, token, parsed);
    return parsed;
  }

  /** The response id a response token stands for, or null. */
  parseResponse(workspaceId: string, token: string): string | null {
    const key = `${workspaceId}\u0000${token}`;
    const hit = this.verifiedResponses.get(key);
    if (hit) return hit;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const id = token.slice(0, dot);
    if (!equal(token.slice(dot + 1), this.mac('response', workspaceId, id))) return null;
    remember(this.verifiedResponses, key, id);
    return id;
  }
}

const REMEMBERED = 20_000;

/** Keeps at most REMEMBERED entries: the oldest goes first (a Map iterates in insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= REMEMBERED) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

import type { Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { ProfilesContext } from '../profiles/index.js';
import { getWorkspace } from '../workspaces/index.js';
import type { ResponseCommitter } from './response.service.js';
import type { SurveyTokens } from './survey.tokens.js';

/** What the surveys module needs from the application. */
export interface SurveysContext {
  db: Db;
  events: EventBus;
  profiles: ProfilesContext;
  tokens: SurveyTokens;
  /** Base URL of hosted survey pages (`<publicUrl>/s/<token>`). */
  publicUrl: string;
  /** Group commit of public submissions (the server); without it each submission has its own transaction. */
  committer?: ResponseCommitter;
  /**
   * Finish completed responses (text analysis, closed loop, timeline) right after their commit instead of in the
   * post-commit job: for demo data written without a job runner. The server leaves it unset.
   */
  finishInline?: boolean;
}

/** The hosted page URL of a token. */
export function surveyUrl(ctx: Pick<SurveysContext, 'publicUrl'>, token: string): string {
  return `${ctx.publicUrl.replace(/\/+$/, '')}/s/${token}`;
}

const zones = new Map<string, { tz: string; until: number }>();

/** Forgets a workspace's cached time zone (after it changed). */
export function forgetTimeZone(workspaceId: string): void {
  zones.delete(workspaceId);
}

/** The workspace's time zone (cached for a minute): days of the rollups are local days. */
export async function workspaceTimeZone(db: Db, workspaceId: string): Promise<string> {
  const now = Date.now();
  const hit = zones.get(workspaceId);
  if (hit && hit.until > now) return hit.tz;
  const ws = await getWorkspace(db, workspaceId);
  if (zones.size > 10_000) zones.clear();
  zones.set(workspaceId, { tz: ws.time_zone, until: now + 60_000 });
  return ws.time_zone;
}

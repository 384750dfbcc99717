import type { Static } from '@sinclair/typebox';
import type { Db } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import { latestEvents } from '../profiles/index.js';
import { compileRule, validateRule, type MatchRule } from './touchpoint.rules.js';
import type { PreviewResponse } from './touchpoints.schema.js';

const EXAMPLES = 20;

/**
 * Live preview of a rule before saving it: how many of the workspace's recent events it matches, with examples and
 * the touchpoint each example maps to today.
 */
export async function previewRule(
  db: Db,
  workspaceId: string,
  rule: MatchRule,
  sample = 5000,
): Promise<Static<typeof PreviewResponse>> {
  validateRule(rule);
  const test = compileRule(rule);
  const events = await latestEvents(db, workspaceId, sample);
  const matched = events.filter(test);
  const examples = matched.slice(0, EXAMPLES);
  const current = new Map<string, string>();
  if (examples.length) {
    const rows = await db
      .selectFrom('events')
      .select(['id', 'touchpoint_key'])
      .where('workspace_id', '=', workspaceId)
      .where(
        'id',
        'in',
        examples.map((e) => e.id),
      )
      .where('touchpoint_key', 'is not', null)
      .execute();
    for (const r of rows) current.set(r.id, r.touchpoint_key as string);
  }
  return {
    scanned: events.length,
    matched: matched.length,
    examples: examples.map((e) => ({
      id: e.id,
      type: e.type,
      name: e.name,
      channel: e.channel,
      profileId: e.profileId,
      timestamp: toIso(e.timestamp),
      properties: e.properties,
      currentTouchpoint: current.get(e.id) ?? null,
    })),
  };
}

import { sql } from 'kysely';
import { inTransaction, isUniqueViolation, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import {
  findProfileIdByIdentifier,
  liveProfileId,
  profileTraits,
  type RecordedEvent,
  type RecordedEventsHook,
} from '../profiles/index.js';
import { resolveWriteKey } from '../workspaces/index.js';
import { contactBlock, markAsked } from './survey.contacts.js';
import { customerNotFound, invalidField, surveyClosed } from './survey.errors.js';
import {
  distributionOf,
  getDefinition,
  getSettings,
  getSurveyRow,
  type SurveyRow,
} from './survey.repository.js';
import type { CreateLinkBody, Distribution, TraitCondition, WidgetCheckBody } from './survey.schema.js';
import { inAnySegment } from '../segments/index.js';
import type { LinkRow } from './response.service.js';
import { surveyUrl, type SurveysContext } from './surveys.context.js';

const MINUTE = 60_000;

async function hiddenFieldsOf(
  db: Db,
  workspaceId: string,
  surveyId: string,
  version: number,
): Promise<string[]> {
  return (await getDefinition(db, workspaceId, surveyId, version)).hiddenFields;
}

/** Creates a personal (profile) or anonymous single-use link through the API. */
export async function createLink(
  ctx: SurveysContext,
  actor: ActorContext,
  workspaceId: string,
  surveyId: string,
  body: CreateLinkBody,
): Promise<LinkRow> {
  const { db } = ctx;
  const survey = await getSurveyRow(db, workspaceId, surveyId);
  if (survey.status === 'closed') throw surveyClosed(survey.status);
  if (body.profileId !== undefined && body.identifier !== undefined)
    throw invalidField('profileId', 'or identifier, not both');
  let profileId: string | null = null;
  if (body.profileId !== undefined) {
    profileId = await liveProfileId(db, workspaceId, body.profileId);
    if (!profileId) throw customerNotFound();
  } else if (body.identifier) {
    profileId = await findProfileIdByIdentifier(
      db,
      ctx.profiles.cipher,
      ctx.profiles.phoneRegion,
      workspaceId,
      body.identifier.type,
      body.identifier.value,
    );
    if (!profileId) throw customerNotFound();
  }
  let expiresAt: number | null = null;
  if (body.expiresAt !== undefined) {
    expiresAt = Date.parse(body.expiresAt);
    if (!Number.isFinite(expiresAt) || expiresAt <= Date.now())
      throw invalidField('expiresAt', 'must be in the future');
  }
  const hidden = await checkHidden(db, workspaceId, survey, body.hidden ?? {});
  return inTransaction(db, async (trx) => {
    const link = await insertLink(trx, {
      workspaceId,
      surveyId,
      profileId,
      singleUse: body.singleUse ?? true,
      expiresAt,
      hidden,
      channel: body.channel ?? null,
      origin: 'api',
      createdBy: actor.actor.id,
    });
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey_link.created',
      targetType: 'survey',
      targetId: surveyId,
      details: {
        linkId: link.id,
        profileId,
        singleUse: link.single_use === 1,
        hiddenKeys: Object.keys(hidden),
      },
    });
    return link;
  });
}

async function checkHidden(
  db: Db,
  workspaceId: string,
  survey: SurveyRow,
  hidden: Record<string, string>,
): Promise<Record<string, string>> {
  const fields = await hiddenFieldsOf(db, workspaceId, survey.id, survey.current_version);
  for (const k of Object.keys(hidden))
    if (!fields.includes(k)) throw invalidField(`hidden.${k}`, 'is not a hidden field of the survey');
  return hidden;
}

interface LinkInput {
  workspaceId: string;
  surveyId: string;
  profileId: string | null;
  singleUse: boolean;
  expiresAt: number | null;
  hidden: Record<string, string>;
  channel: string | null;
  origin: string;
  createdBy: string | null;
}

export async function insertLink(db: Db, input: LinkInput): Promise<LinkRow> {
  const row: LinkRow = {
    workspace_id: input.workspaceId,
    id: newId('sl'),
    survey_id: input.surveyId,
    profile_id: input.profileId,
    single_use: input.singleUse ? 1 : 0,
    expires_at: input.expiresAt,
    hidden: toJson(input.hidden),
    channel: input.channel,
    origin: input.origin,
    created_by: input.createdBy,
    created_at: Date.now(),
    used_at: null,
    response_id: null,
  };
  await db.insertInto('survey_links').values(row).execute();
  return row;
}

/**
 * Creates a delivery — a single-use personal link for a customer, to send by e-mail or SMS — unless the same cause
 * already made one (idempotent for retried jobs) or the recontact rules / cooldown forbid asking. Returns the
 * delivery id, or null when nothing was created.
 */
export async function createDelivery(
  ctx: SurveysContext,
  input: {
    workspaceId: string;
    surveyId: string;
    profileId: string;
    reason: 'trigger' | 'case_followup';
    cause: string;
    hidden: Record<string, string>;
    channel: string | null;
    now: number;
  },
): Promise<string | null> {
  const { db } = ctx;
  return inTransaction(db, async (trx) => {
    const survey = await trx
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.surveyId)
      .executeTakeFirst();
    if (!survey || survey.status !== 'live') return null;
    const profileId = await liveProfileId(trx, input.workspaceId, input.profileId);
    if (!profileId) return null;
    const done = await trx
      .selectFrom('survey_deliveries')
      .select('id')
      .where('workspace_id', '=', input.workspaceId)
      .where('survey_id', '=', input.surveyId)
      .where('cause', '=', input.cause)
      .executeTakeFirst();
    if (done) return null;
    // A case follow-up is asked regardless of the cooldown: the customer just dealt with us and expects it.
    if (input.reason !== 'case_followup') {
      const settings = await getSettings(trx, input.workspaceId);
      const block = await contactBlock(
        trx,
        input.workspaceId,
        profileId,
        input.surveyId,
        distributionOf(survey).recontact,
        settings,
        input.now,
      );
      if (block) return null;
    }
    const fields = await hiddenFieldsOf(trx, input.workspaceId, survey.id, survey.current_version);
    const hidden = Object.fromEntries(Object.entries(input.hidden).filter(([k]) => fields.includes(k)));
    const link = await insertLink(trx, {
      workspaceId: input.workspaceId,
      surveyId: input.surveyId,
      profileId,
      singleUse: true,
      expiresAt: input.now + 30 * 86_400_000,
      hidden,
      channel: input.channel,
      origin: input.reason,
      createdBy: null,
    });
    const id = newId('sdl');
    try {
      await trx
        .insertInto('survey_deliveries')
        .values({
          workspace_id: input.workspaceId,
          id,
          survey_id: input.surveyId,
          link_id: link.id,
          profile_id: profileId,
          reason: input.reason,
          cause: input.cause,
          created_at: input.now,
          sent_at: null,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    await markAsked(trx, input.workspaceId, profileId, input.surveyId, input.now);
    return id;
  });
}

// ---- event triggers -------------------------------------------------------------------------------------------

export const TRIGGER_JOB = 'surveys.trigger';

interface TriggerRule {
  surveyId: string;
  event?: string;
  touchpointKey?: string;
  delayMinutes: number;
}

/** Live surveys' trigger rules per workspace, cached: the hook runs on every ingested batch. */
export class TriggerCache {
  private readonly rules = new Map<string, { rules: TriggerRule[]; until: number }>();
  constructor(private readonly ttlMs = 30_000) {}

  forget(workspaceId: string): void {
    this.rules.delete(workspaceId);
  }

  async of(db: Db, workspaceId: string): Promise<TriggerRule[]> {
    const now = Date.now();
    const hit = this.rules.get(workspaceId);
    if (hit && hit.until > now) return hit.rules;
    const rows = await db
      .selectFrom('surveys')
      .select(['id', 'distribution'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'live')
      .execute();
    const rules = rows.flatMap((r) =>
      distributionOf(r).triggers.map((t) => ({
        surveyId: r.id,
        delayMinutes: t.delayMinutes,
        ...(t.event !== undefined ? { event: t.event.toLowerCase() } : {}),
        ...(t.touchpointKey !== undefined ? { touchpointKey: t.touchpointKey } : {}),
      })),
    );
    if (this.rules.size > 10_000) this.rules.clear();
    this.rules.set(workspaceId, { rules, until: now + this.ttlMs });
    return rules;
  }
}

/** The touchpoint an event reports itself at (set by the touchpoint mapping or by the sender). */
function touchpointOf(e: RecordedEvent): string | null {
  if (e.touchpointKey) return e.touchpointKey;
  const p = e.properties;
  const v = p.touchpointKey ?? p.touchpoint ?? (e.context as Record<string, unknown>).touchpoint;
  return typeof v === 'string' ? v : null;
}

/**
 * The recorded-event hook: for each stored event that matches a live survey's trigger (event name or touchpoint),
 * enqueues a durable job at event time + delay, keyed so a replayed event does not invite twice. Cheap: cached rules,
 * no query when the workspace has no triggers.
 */
export function surveyTriggerHook(cache: TriggerCache): RecordedEventsHook {
  return async (db, workspaceId, events, merges) => {
    for (const m of merges) await followMerge(db, workspaceId, m.from, m.into);
    const rules = await cache.of(db, workspaceId);
    if (rules.length === 0) return;
    for (const e of events) {
      const name = e.name?.toLowerCase() ?? null;
      // Survey answers must not trigger surveys.
      if (name === 'survey responded') continue;
      const tp = touchpointOf(e);
      for (const r of rules) {
        const hit =
          (r.event !== undefined && e.type === 'track' && name === r.event) ||
          (r.touchpointKey !== undefined && tp === r.touchpointKey);
        if (!hit) continue;
        await enqueueJob(db, {
          type: TRIGGER_JOB,
          workspaceId,
          runAt: e.timestamp + r.delayMinutes * MINUTE,
          uniqueKey: `survey-trigger:${workspaceId}:${r.surveyId}:${e.id}`,
          payload: { surveyId: r.surveyId, profileId: e.profileId, eventId: e.id, channel: e.channel },
        });
      }
    }
  };
}

/**
 * Two customer profiles were merged: their responses, links and deliveries follow the survivor, and their contact
 * histories merge (the latest ask and answer count), so recontact rules and the 360° view see one customer.
 */
async function followMerge(db: Db, workspaceId: string, from: string, into: string): Promise<void> {
  for (const table of ['survey_responses', 'survey_links', 'survey_deliveries'] as const)
    await db
      .updateTable(table)
      .set({ profile_id: into })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', from)
      .execute();
  const contacts = await db
    .selectFrom('survey_contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', from)
    .execute();
  for (const c of contacts) {
    await db
      .insertInto('survey_contacts')
      .values({ ...c, profile_id: into })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'profile_id', 'survey_id']).doUpdateSet({
          shown_count: sql`survey_contacts.shown_count + excluded.shown_count`,
          last_shown_at: sql`case when excluded.last_shown_at > survey_contacts.last_shown_at then excluded.last_shown_at else survey_contacts.last_shown_at end`,
          answered_at: sql`coalesce(excluded.answered_at, survey_contacts.answered_at)`,
        }),
      )
      .execute();
  }
  if (contacts.length)
    await db
      .deleteFrom('survey_contacts')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', from)
      .execute();
}

/** The job handlers of the module. */
export function surveyJobs(ctx: SurveysContext): Record<string, JobHandler> {
  return {
    [TRIGGER_JOB]: async (job) => {
      const p = job.payload as { surveyId: string; profileId: string; eventId: string; channel: string };
      if (!job.workspaceId) return;
      await createDelivery(ctx, {
        workspaceId: job.workspaceId,
        surveyId: p.surveyId,
        profileId: p.profileId,
        reason: 'trigger',
        cause: `event:${p.eventId}`,
        hidden: {},
        channel: p.channel,
        now: Date.now(),
      });
    },
  };
}

/** Payload of the cases module's `case.resolved`. */
export interface CaseResolved {
  caseId: string;
  profileId: string | null;
  category?: string;
  language?: string;
  resolvedAt?: number;
}

/** Subscriber of `case.resolved`: invites the customer to the workspace's follow-up survey, with hidden caseId. */
export function caseFollowUp(ctx: SurveysContext) {
  return async (e: { workspaceId: string; payload: unknown; occurredAt: number }): Promise<void> => {
    const p = e.payload as Partial<CaseResolved> | null;
    if (!p || typeof p.caseId !== 'string' || typeof p.profileId !== 'string') return;
    const settings = await getSettings(ctx.db, e.workspaceId);
    if (!settings.caseFollowUpSurveyId) return;
    await createDelivery(ctx, {
      workspaceId: e.workspaceId,
      surveyId: settings.caseFollowUpSurveyId,
      profileId: p.profileId,
      reason: 'case_followup',
      cause: `case:${p.caseId}`,
      hidden: { caseId: p.caseId, ...(typeof p.category === 'string' ? { caseCategory: p.category } : {}) },
      channel: null,
      now: Date.now(),
    });
  };
}

// ---- the web widget ---------------------------------------------------------------------------------------------

function traitHolds(c: TraitCondition, traits: Record<string, unknown>): boolean {
  const v = Object.hasOwn(traits, c.key) ? traits[c.key] : undefined;
  const value = c.value;
  switch (c.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'eq':
      return v !== undefined && String(v) === String(value);
    case 'neq':
      return v === undefined || String(v) !== String(value);
    case 'in':
      return Array.isArray(value) && v !== undefined && value.some((x) => String(x) === String(v));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = Number(v);
      const b = Number(value);
      if (v === undefined || v === null || !Number.isFinite(a) || !Number.isFinite(b)) return false;
      return c.op === 'gt' ? a > b : c.op === 'gte' ? a >= b : c.op === 'lt' ? a < b : a <= b;
    }
  }
}

/** Deterministic sampling: the same customer is always in or out of a survey's sample. */
export function inSample(profileId: string, surveyId: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  let h = 2166136261;
  for (const ch of `${surveyId}:${profileId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 100 < percent;
}

export interface WidgetDecision {
  show: boolean;
  reason: string;
  surveyId?: string;
  token?: string;
  url?: string;
}

/**
 * Decides, on the server, whether the widget shows a survey to the customer now: the write key names the
 * workspace; the customer is found by userId or anonymousId; the first live widget survey whose event/touchpoint,
 * trait and segment targeting and sample match, and whose recontact rule and the workspace cooldown allow it, is shown through a
 * fresh personal link (recorded as asked).
 */
export async function widgetCheck(
  ctx: SurveysContext,
  body: WidgetCheckBody,
  now = Date.now(),
): Promise<WidgetDecision> {
  const { db } = ctx;
  const key = await resolveWriteKey(db, body.writeKey);
  if (!key) return { show: false, reason: 'unknown_write_key' };
  const workspaceId = key.workspaceId;
  let profileId: string | null = null;
  for (const [type, value] of [
    ['user_id', body.userId],
    ['anonymous_id', body.anonymousId],
  ] as const) {
    if (profileId || value === undefined) continue;
    try {
      profileId = await findProfileIdByIdentifier(
        db,
        ctx.profiles.cipher,
        ctx.profiles.phoneRegion,
        workspaceId,
        type,
        value,
      );
    } catch {
      profileId = null;
    }
  }
  if (!profileId) return { show: false, reason: 'unknown_customer' };
  const surveys = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'live')
    .orderBy('id')
    .execute();
  const candidates = surveys
    .map((s) => ({ s, d: distributionOf(s) }))
    .filter(({ d }) => d.widget.enabled)
    .filter(({ s, d }) => matchesPlacement(s, d, body));
  if (candidates.length === 0) return { show: false, reason: 'no_survey' };
  const traits = (await profileTraits(db, workspaceId, [profileId])).get(profileId) ?? {};
  const settings = await getSettings(db, workspaceId);
  let reason = 'not_targeted';
  for (const { s, d } of candidates) {
    if (!d.widget.traits.every((c) => traitHolds(c, traits))) continue;
    if (d.widget.segments?.length && !(await inAnySegment(db, workspaceId, profileId, d.widget.segments)))
      continue;
    if (!inSample(profileId, s.id, d.widget.samplePercent)) {
      reason = 'not_sampled';
      continue;
    }
    const block = await contactBlock(db, workspaceId, profileId, s.id, d.recontact, settings, now);
    if (block) {
      reason = block;
      continue;
    }
    const pid = profileId;
    const link = await inTransaction(db, async (trx) => {
      await markAsked(trx, workspaceId, pid, s.id, now);
      return insertLink(trx, {
        workspaceId,
        surveyId: s.id,
        profileId: pid,
        singleUse: true,
        expiresAt: now + 86_400_000,
        hidden: {},
        channel: 'web',
        origin: 'widget',
        createdBy: null,
      });
    });
    const token = ctx.tokens.link(workspaceId, link.id);
    return { show: true, reason: 'eligible', surveyId: s.id, token, url: surveyUrl(ctx, token) };
  }
  return { show: false, reason };
}

function matchesPlacement(s: SurveyRow, d: Distribution, body: WidgetCheckBody): boolean {
  const { events, touchpointKeys } = d.widget;
  if (events.length === 0 && touchpointKeys.length === 0) return true;
  const event = body.event?.toLowerCase();
  const tp = body.touchpointKey;
  return (
    (event !== undefined && events.some((e) => e.toLowerCase() === event)) ||
    (tp !== undefined &&
      (touchpointKeys.includes(tp) || (touchpointKeys.length === 0 && s.touchpoint_key === tp)))
  );
}

/** Marks a delivery as sent (by the e-mail/SMS sender). */
export async function markDeliverySent(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  surveyId: string,
  id: string,
) {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('survey_deliveries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const sentAt = row.sent_at ?? Date.now();
    await trx
      .updateTable('survey_deliveries')
      .set({ sent_at: sentAt })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey_delivery.sent',
      targetType: 'survey',
      targetId: surveyId,
      details: { deliveryId: id },
    });
    return { ...row, sent_at: sentAt };
  });
}

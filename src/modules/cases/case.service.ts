/**
 * Use cases of a case's life: creation (from the API, a complaint event, a survey detractor), field changes,
 * messages and notes, assignment, status transitions, resolution and reopening. Every change runs in one
 * transaction, writes timeline entries, bumps the version (optimistic concurrency) and is audited when a person or
 * key did it.
 */
import { dialectOf, fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import type { EventBus } from '../../platform/events/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { enqueueWebhooks } from '../notifications/index.js';
import { liveProfileId, profileTraits, recordProfileEvent, type ProfilesContext } from '../profiles/index.js';
import { analyzeForWorkspace } from '../text/index.js';
import {
  caseClosed,
  caseNotFound,
  customerNotFound,
  invalidTransition,
  notAMember,
  resolutionRequired,
  unknownCategory,
  unknownTeam,
  versionConflict,
} from './case.errors.js';
import {
  ACTIVE_STATUSES,
  canTransition,
  formatCaseNumber,
  parseCaseNumber,
  priorityRank,
  TRANSITIONS,
  type CaseSource,
  type CaseStatus,
  type HandlingStep,
  type Priority,
  type ResolutionCode,
} from './case.model.js';
import { customerFacts, matches, type CaseFacts } from './case.rules.js';
import { ensureSettingsRow, loadConfig, memberRoles, type WorkspaceCaseConfig } from './case.settings.js';
import {
  firstResponse,
  nextCheckAt,
  pauseSla,
  resolveSla,
  restartResolution,
  resumeSla,
  startSla,
  summarize,
  type SlaColumns,
} from './case.sla.js';
import { searchTokens } from './case.search.js';
import { readCheck, writeCheck } from './case.checks.js';
import { writeQueueColumns, writeQueueRow } from './case.queue.js';
import type { CasesTable, CheckedCase, MaybeCheckedCase } from './cases.tables.js';

/** What the case use cases need besides the database. */
export interface CasesDeps {
  events: EventBus;
  /** To add `Case Opened` / `Case Resolved` to the customer's timeline; omitted in bare tests. */
  profiles?: ProfilesContext;
}

export const CHECK_JOB = 'cases.check';

export interface Resolution {
  code: ResolutionCode;
  rootCause: string;
  steps: HandlingStep[];
  note?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** A case by id or by number (`C-000123`), or 404. */
export async function findCase(db: Db, workspaceId: string, idOrNumber: string): Promise<CasesTable> {
  const number = idOrNumber.startsWith('case_') ? null : parseCaseNumber(idOrNumber);
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(number === null, (q) => q.where('id', '=', idOrNumber))
    .$if(number !== null, (q) => q.where('number', '=', number ?? 0))
    .executeTakeFirst();
  if (!row) throw caseNotFound(idOrNumber);
  return row;
}

export interface EntryInput {
  kind: string;
  direction?: 'inbound' | 'outbound' | null;
  actor: ActorContext | null;
  body?: string | null;
  data?: Record<string, unknown>;
  at: number;
}

/** Appends a timeline entry. */
export async function addEntry(db: Db, workspaceId: string, caseId: string, e: EntryInput): Promise<string> {
  const id = newId('ce');
  await db
    .insertInto('case_entries')
    .values({
      workspace_id: workspaceId,
      id,
      case_id: caseId,
      kind: e.kind,
      direction: e.direction ?? null,
      actor_type: e.actor?.actor.type ?? 'system',
      actor_id: e.actor?.actor.id ?? null,
      body: e.body ?? null,
      data: toJson(e.data ?? {}),
      created_at: e.at,
    })
    .execute();
  return id;
}

/** The facts rules evaluate for a case (customer traits looked up once). */
export async function factsOf(
  db: Db,
  workspaceId: string,
  c: Pick<
    CasesTable,
    | 'category'
    | 'subcategory'
    | 'priority'
    | 'channel'
    | 'source'
    | 'touchpoint_key'
    | 'language'
    | 'tags'
    | 'urgent'
    | 'sentiment_label'
    | 'profile_id'
  >,
  traits?: Record<string, unknown> | null,
): Promise<CaseFacts> {
  const t =
    traits !== undefined
      ? traits
      : c.profile_id
        ? ((await profileTraits(db, workspaceId, [c.profile_id])).get(c.profile_id) ?? null)
        : null;
  return {
    category: c.category,
    subcategory: c.subcategory,
    priority: c.priority as Priority,
    channel: c.channel,
    source: c.source as CaseSource,
    touchpointKey: c.touchpoint_key,
    language: c.language,
    tags: fromJson<string[]>(c.tags),
    urgent: c.urgent === 1,
    sentiment: c.sentiment_label,
    ...customerFacts(t),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing with optimistic concurrency

/** Fields of an in-memory case that are not columns of `cases` (its check lives in `case_checks`). */
const NOT_COLUMNS = new Set(['workspace_id', 'id', 'next_check_at', 'check_version']);

/**
 * Applies `set` to the case if its version is still `row.version`, bumping the version and recomputing the SLA
 * summary and the next engine check (written to `case_checks` with the new version, in the same transaction).
 * Throws CASE_VERSION_CONFLICT when someone else changed it meanwhile. `row.next_check_at`, when the caller read it
 * with the case, saves reading the old check (a changed check schedules a sweep).
 */
export async function writeCase(
  db: Db,
  config: WorkspaceCaseConfig,
  row: MaybeCheckedCase,
  set: Partial<CasesTable>,
  at: number,
  facts?: CaseFacts,
  options: { schedule?: boolean } = {},
): Promise<CheckedCase> {
  const next: CheckedCase = { ...row, ...set, version: row.version + 1, updated_at: at, next_check_at: null };
  delete (next as { check_version?: number }).check_version;
  Object.assign(next, summarize(next));
  const f = facts ?? (await factsOf(db, row.workspace_id, next));
  next.next_check_at = nextCheckAt(next, f, config.escalation);
  // Only the columns that changed are written (the sweep works on rows without their long texts).
  const columns: Partial<CasesTable> = {};
  for (const key of Object.keys(next) as (keyof CasesTable)[])
    if (!NOT_COLUMNS.has(key) && next[key] !== row[key])
      (columns as Record<string, unknown>)[key] = next[key];
  const result = await db
    .updateTable('cases')
    .set(columns)
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    const current = await db
      .selectFrom('cases')
      .select('version')
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .executeTakeFirst();
    throw versionConflict(row.version, current?.version ?? -1);
  }
  const before =
    options.schedule === false || next.next_check_at === null
      ? null
      : row.next_check_at !== undefined
        ? row.next_check_at
        : await readCheck(db, row.workspace_id, row.id);
  await writeCheck(db, row.workspace_id, row.id, next.version, next.next_check_at, next);
  await writeQueueColumns(db, row.workspace_id, row.id, columns);
  if (options.schedule !== false && next.next_check_at !== null && next.next_check_at !== before)
    await scheduleCheck(db, row.workspace_id, next.next_check_at);
  return next;
}

/** Schedules the SLA/escalation engine for a workspace at an instant (rounded up to the second, de-duplicated). */
export async function scheduleCheck(db: Db, workspaceId: string, at: number): Promise<void> {
  const runAt = Math.ceil(at / 1000) * 1000;
  await enqueueJob(db, {
    type: CHECK_JOB,
    workspaceId,
    payload: { at: runAt },
    runAt,
    uniqueKey: `${CHECK_JOB}:${workspaceId}:${runAt}`,
  });
}

function checkVersion(row: CasesTable, expected: number | undefined): void {
  if (expected !== undefined && expected !== row.version) throw versionConflict(expected, row.version);
}

/**
 * Runs a change of one case; when the caller gave no version, a conflict with a concurrent writer (another agent,
 * the SLA engine) is retried on fresh data, because the caller asked for a change relative to the current state.
 */
async function mutate<T>(
  db: Db,
  expectedVersion: number | undefined,
  fn: (trx: Db) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, fn);
    } catch (err) {
      const conflict = (err as { code?: string }).code === 'CASE_VERSION_CONFLICT';
      if (!conflict || expectedVersion !== undefined || attempt >= 3) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Assignment

/** Active cases per assignee among the given users. */
async function loads(db: Db, workspaceId: string, userIds: readonly string[]): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('cases')
    .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('assignee_id', 'in', [...userIds])
    .where('status', 'in', [...ACTIVE_STATUSES])
    .groupBy('assignee_id')
    .execute();
  return new Map(rows.map((r) => [r.assignee_id as string, Number(r.n)]));
}

/**
 * Round-robin within a team: the next available member after the last one served whose active cases are below
 * their capacity; null when everyone is full (the case waits in the team's queue). The team row is locked on
 * PostgreSQL so two assignments never pick the same last free slot.
 */
export async function pickTeamMember(db: Db, workspaceId: string, teamId: string): Promise<string | null> {
  let q = db
    .selectFrom('case_teams')
    .select(['rr_last_user_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', teamId);
  if (dialectOf(db) === 'postgres') q = q.forUpdate();
  const team = await q.executeTakeFirst();
  if (!team) return null;
  const members = await db
    .selectFrom('case_team_members')
    .select(['user_id', 'capacity'])
    .where('workspace_id', '=', workspaceId)
    .where('team_id', '=', teamId)
    .where('available', '=', 1)
    .orderBy('user_id')
    .execute();
  if (!members.length) return null;
  const load = await loads(
    db,
    workspaceId,
    members.map((m) => m.user_id),
  );
  const start = team.rr_last_user_id
    ? members.findIndex((m) => m.user_id > (team.rr_last_user_id as string))
    : 0;
  const from = start < 0 ? 0 : start;
  for (let i = 0; i < members.length; i++) {
    const m = members[(from + i) % members.length] as { user_id: string; capacity: number };
    if ((load.get(m.user_id) ?? 0) < m.capacity) {
      await db
        .updateTable('case_teams')
        .set({ rr_last_user_id: m.user_id })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', teamId)
        .execute();
      return m.user_id;
    }
  }
  return null;
}

/**
 * Hands queued cases of a team (team set, nobody assigned, still active) to members with free capacity, most urgent
 * and oldest first. Called whenever capacity may have freed. Returns how many were assigned.
 */
export async function drainTeamQueue(
  db: Db,
  workspaceId: string,
  teamId: string,
  at = Date.now(),
): Promise<number> {
  const config = await loadConfig(db, workspaceId);
  const queued = await db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('team_id', '=', teamId)
    .where('assignee_id', 'is', null)
    .where('status', 'in', ['new', 'open'])
    .orderBy('created_at')
    .limit(200)
    .execute();
  queued.sort(
    (a, b) =>
      priorityRank(b.priority as Priority) - priorityRank(a.priority as Priority) ||
      a.created_at - b.created_at,
  );
  let assigned = 0;
  for (const row of queued) {
    const userId = await pickTeamMember(db, workspaceId, teamId);
    if (!userId) break;
    await writeCase(db, config, row, { assignee_id: userId }, at);
    await addEntry(db, workspaceId, row.id, {
      kind: 'assignment',
      actor: null,
      data: { from: null, to: userId, teamId, reason: 'queue' },
      at,
    });
    assigned++;
  }
  return assigned;
}

/** Teams a user belongs to (to drain their queues when the user's load drops). */
async function teamsOf(db: Db, workspaceId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('case_team_members')
    .select('team_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.team_id);
}

async function afterCapacityFreed(db: Db, workspaceId: string, row: CasesTable, at: number): Promise<void> {
  const teams = new Set<string>();
  if (row.team_id) teams.add(row.team_id);
  if (row.assignee_id) for (const t of await teamsOf(db, workspaceId, row.assignee_id)) teams.add(t);
  for (const t of teams) await drainTeamQueue(db, workspaceId, t, at);
}

// ---------------------------------------------------------------------------------------------------------------
// Creation

export interface CreateCaseInput {
  subject?: string;
  description: string;
  profileId?: string | null;
  channel: string;
  touchpointKey?: string | null;
  category?: string | null;
  subcategory?: string | null;
  priority?: Priority;
  source: CaseSource;
  language?: 'zh' | 'en';
  tags?: string[];
  assigneeId?: string | null;
  teamId?: string | null;
  /** Idempotency: one case (or one link) per source reference (`event:<id>`, `survey:<responseId>`, `api:<key>`). */
  sourceRef?: string;
  parentCaseId?: string | null;
  /** Unknown categories become `other` instead of a 400 (automatic sources). */
  lenientCategory?: boolean;
  /** Unknown customers are ignored instead of a 400 (automatic sources). */
  lenientCustomer?: boolean;
  at?: number;
}

export interface CreateCaseResult {
  /** The case, with its pending check when it was created or changed here. */
  case: MaybeCheckedCase;
  /** false when the source was seen before or the case was linked to an open duplicate. */
  created: boolean;
  /** true when linked to an existing open case of the same customer and category. */
  linked: boolean;
}

/** Text-analytics topics → case categories of the default taxonomy, to categorise complaints that name none. */
const TOPIC_CATEGORY: Readonly<Record<string, string>> = {
  network: 'network_quality',
  billing: 'billing',
  price: 'product_package',
  service_attitude: 'service_attitude',
  waiting_time: 'service_attitude',
  product_quality: 'product_package',
  activation: 'business_handling',
  delivery: 'business_handling',
  marketing_harassment: 'marketing_harassment',
};

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || '—';
}

/**
 * The searchable text of a case: number, subject and the beginning of the description, lower-cased. Kept short
 * enough (600 characters, at most 2,400 bytes) to sit in the covering index of active cases on both dialects.
 */
export function searchText(number: number, subject: string, description: string): string {
  return `${formatCaseNumber(number)} ${subject} ${description}`.toLowerCase().slice(0, 600);
}

/** Creates a case — or, for a known source or an open duplicate, returns the existing one. */
export async function createCase(
  db: Db,
  deps: CasesDeps,
  actor: ActorContext | null,
  workspaceId: string,
  input: CreateCaseInput,
): Promise<CreateCaseResult> {
  const at = input.at ?? Date.now();
  // Analysis reads the workspace vocabulary: done before the write transaction to keep it short.
  const [analysis] = await analyzeForWorkspace(db, workspaceId, [input.description], input.language);
  const config = await loadConfig(db, workspaceId);
  const result = await inTransaction(db, async (trx) => {
    if (input.sourceRef) {
      const seen = await trx
        .selectFrom('case_sources')
        .select(['case_id', 'linked'])
        .where('workspace_id', '=', workspaceId)
        .where('source_ref', '=', input.sourceRef)
        .executeTakeFirst();
      if (seen)
        return {
          case: await findCase(trx, workspaceId, seen.case_id),
          created: false,
          linked: seen.linked === 1,
        };
    }

    // Category: given (validated) or inferred from the text's topics.
    let category = input.category ?? null;
    let subcategory = input.subcategory ?? null;
    const node = category ? config.taxonomy.find((c) => c.key === category) : undefined;
    if (category && !node) {
      if (!input.lenientCategory) throw unknownCategory(category);
      category = null;
      subcategory = null;
    }
    if (subcategory && !(node?.subcategories.some((s) => s.key === subcategory) ?? false)) {
      if (!input.lenientCategory) throw unknownCategory(`${category}/${subcategory}`);
      subcategory = null;
    }
    if (!category) {
      const keys = new Set(config.taxonomy.map((c) => c.key));
      const fromTopic = analysis?.topics
        .map((t) => TOPIC_CATEGORY[t.key])
        .find((k) => k !== undefined && keys.has(k));
      category = fromTopic ?? (keys.has('other') ? 'other' : (config.taxonomy[0]?.key ?? 'other'));
    }

    let profileId: string | null = null;
    if (input.profileId) {
      profileId = await liveProfileId(trx, workspaceId, input.profileId);
      if (!profileId && !input.lenientCustomer) throw customerNotFound(input.profileId);
    }

    // Duplicates: the same customer and category within the window join the open case.
    if (profileId && config.settings.duplicateWindowHours > 0 && !input.parentCaseId) {
      const open = await trx
        .selectFrom('cases')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .where('category', '=', category)
        .where('created_at', '>=', at - config.settings.duplicateWindowHours * 3_600_000)
        .where('status', 'in', [...ACTIVE_STATUSES])
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      if (open) {
        const updated = await writeCase(trx, config, open, { duplicate_count: open.duplicate_count + 1 }, at);
        await addEntry(trx, workspaceId, open.id, {
          kind: 'link',
          direction: 'inbound',
          actor,
          body: input.description,
          data: { source: input.source, channel: input.channel, sourceRef: input.sourceRef ?? null },
          at,
        });
        if (input.sourceRef)
          await trx
            .insertInto('case_sources')
            .values({
              workspace_id: workspaceId,
              source_ref: input.sourceRef,
              case_id: open.id,
              linked: 1,
              created_at: at,
            })
            .execute();
        return { case: updated, created: false, linked: true };
      }
    }

    if (input.teamId && !config.teams.some((t) => t.id === input.teamId)) throw unknownTeam(input.teamId);
    if (input.assigneeId && !(await memberRoles(trx, workspaceId, [input.assigneeId])).has(input.assigneeId))
      throw notAMember(input.assigneeId);

    const traits = profileId
      ? ((await profileTraits(trx, workspaceId, [profileId])).get(profileId) ?? null)
      : null;
    let priority: Priority = input.priority ?? 'normal';
    const urgent = analysis?.urgent ?? false;
    const raisedByUrgency = urgent && priorityRank(config.settings.urgentPriority) > priorityRank(priority);
    if (raisedByUrgency) priority = config.settings.urgentPriority;

    await ensureSettingsRow(trx, workspaceId);
    const counter = await trx
      .updateTable('case_settings')
      .set((eb) => ({ next_number: eb('next_number', '+', 1) }))
      .where('workspace_id', '=', workspaceId)
      .returning('next_number')
      .executeTakeFirstOrThrow();
    const number = Number(counter.next_number) - 1;

    const tags = [...new Set(input.tags ?? [])];
    const subject = (input.subject ?? '').trim() || firstLine(input.description);
    const draft = {
      category,
      subcategory,
      priority,
      channel: input.channel,
      source: input.source,
      touchpoint_key: input.touchpointKey ?? null,
      language: analysis?.language ?? input.language ?? 'zh',
      tags: toJson(tags),
      urgent: urgent ? 1 : 0,
      sentiment_label: analysis?.sentiment.label ?? null,
      profile_id: profileId,
    };
    const facts = await factsOf(trx, workspaceId, draft, traits);

    // SLA: the first enabled policy whose conditions match.
    const policy = config.sla.find((p) => p.enabled && matches(p.conditions, facts)) ?? null;
    const sla: SlaColumns = startSla(policy, config.compiled, at);

    // Routing: explicit assignee or team, else the first matching rule.
    let teamId = input.teamId ?? null;
    let assigneeId = input.assigneeId ?? null;
    let routedBy: string | null = null;
    if (!teamId && !assigneeId) {
      const rule = config.routing.find((r) => r.enabled && matches(r.conditions, facts));
      if (rule) {
        routedBy = rule.id;
        if (rule.config.type === 'team') teamId = rule.config.teamId;
        else assigneeId = rule.config.userId;
      }
    }
    if (teamId && !assigneeId) assigneeId = await pickTeamMember(trx, workspaceId, teamId);

    const id = newId('case');
    const text = searchText(number, subject, input.description);
    const row: CasesTable = {
      workspace_id: workspaceId,
      id,
      number,
      ...draft,
      status: 'new',
      subject,
      description: input.description,
      sentiment_score: analysis?.sentiment.score ?? null,
      topics: toJson(analysis?.topics.map((t) => t.key) ?? []),
      urgency_reasons: toJson(analysis?.urgencyReasons ?? []),
      assignee_id: assigneeId,
      team_id: teamId,
      search_text: text,
      search_tokens: searchTokens(text),
      version: 1,
      parent_case_id: input.parentCaseId ?? null,
      duplicate_count: 0,
      reopen_count: 0,
      agent_replies: 0,
      ...sla,
      sla_state: null,
      sla_due_at: null,
      due_sort: 0,
      is_active: 1,
      escalations: ',',
      resolution: null,
      follow_up_score: null,
      follow_up_metric: null,
      created_by: actor?.actor.id ?? null,
      created_at: at,
      updated_at: at,
      last_activity_at: at,
      first_resolved_at: null,
      resolved_at: null,
      closed_at: null,
    };
    Object.assign(row, summarize(row));
    const nextCheck = nextCheckAt(row, facts, config.escalation);
    await trx.insertInto('cases').values(row).execute();
    await writeQueueRow(trx, workspaceId, id, row);
    if (nextCheck !== null) {
      await writeCheck(trx, workspaceId, id, row.version, nextCheck, row);
      await scheduleCheck(trx, workspaceId, nextCheck);
    }
    if (input.sourceRef)
      await trx
        .insertInto('case_sources')
        .values({
          workspace_id: workspaceId,
          source_ref: input.sourceRef,
          case_id: id,
          linked: 0,
          created_at: at,
        })
        .execute();

    await addEntry(trx, workspaceId, id, {
      kind: 'created',
      actor,
      data: {
        source: input.source,
        sourceRef: input.sourceRef ?? null,
        priority,
        raisedByUrgency,
        urgencyReasons: analysis?.urgencyReasons ?? [],
        slaPolicyId: policy?.id ?? null,
        routedBy,
        teamId,
        assigneeId,
        queued: teamId !== null && assigneeId === null,
        parentCaseId: input.parentCaseId ?? null,
      },
      at,
    });
    await addEntry(trx, workspaceId, id, {
      kind: 'message',
      direction: 'inbound',
      actor,
      body: input.description,
      at,
    });

    const payload = presentEventPayload(row);
    await deps.events.publish(trx, { type: 'case.created', workspaceId, payload, occurredAt: at });
    await enqueueWebhooks(trx, workspaceId, 'case.created', payload);
    if (profileId && deps.profiles)
      await recordProfileEvent(trx, deps.profiles, workspaceId, profileId, {
        messageId: `case-opened:${id}`,
        name: 'Case Opened',
        channel: input.channel,
        properties: {
          caseId: id,
          number: formatCaseNumber(number),
          category,
          priority,
          source: input.source,
        },
        timestamp: at,
      });
    if (actor)
      await recordAudit(trx, actor, {
        workspaceId,
        action: 'case.created',
        targetType: 'case',
        targetId: id,
        details: { number, category, priority, source: input.source },
      });
    return { case: { ...row, next_check_at: nextCheck }, created: true, linked: false };
  });
  return result;
}

/** The data of case events and webhooks: ids and classification, never the customer's text. */
export function presentEventPayload(c: CasesTable) {
  return {
    caseId: c.id,
    number: formatCaseNumber(c.number),
    profileId: c.profile_id,
    category: c.category,
    subcategory: c.subcategory,
    priority: c.priority,
    status: c.status,
    channel: c.channel,
    touchpointKey: c.touchpoint_key,
    assigneeId: c.assignee_id,
    teamId: c.team_id,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Changes

export interface UpdateCaseInput {
  subject?: string;
  category?: string;
  subcategory?: string | null;
  priority?: Priority;
  tags?: string[];
  touchpointKey?: string | null;
  version?: number;
}

/** Changes classification fields; each change becomes a `field` entry on the timeline. */
export async function updateCase(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  id: string,
  input: UpdateCaseInput,
): Promise<MaybeCheckedCase> {
  return mutate(db, input.version, async (trx) => {
    const row = await findCase(trx, workspaceId, id);
    checkVersion(row, input.version);
    const config = await loadConfig(trx, workspaceId);
    const set: Partial<CasesTable> = {};
    const changes: { field: string; from: unknown; to: unknown }[] = [];
    const change = <K extends keyof CasesTable>(field: string, col: K, value: CasesTable[K]) => {
      if (row[col] !== value) {
        set[col] = value;
        changes.push({ field, from: row[col], to: value });
      }
    };
    const category = input.category ?? row.category;
    const node = config.taxonomy.find((c) => c.key === category);
    if (!node) throw unknownCategory(category);
    const subcategory =
      input.subcategory !== undefined
        ? input.subcategory
        : input.category !== undefined && input.category !== row.category
          ? null
          : row.subcategory;
    if (subcategory !== null && !node.subcategories.some((s) => s.key === subcategory))
      throw unknownCategory(`${category}/${subcategory}`);
    change('category', 'category', category);
    change('subcategory', 'subcategory', subcategory);
    if (input.priority !== undefined) change('priority', 'priority', input.priority);
    if (input.subject !== undefined) change('subject', 'subject', input.subject.trim() || row.subject);
    if (input.touchpointKey !== undefined) change('touchpointKey', 'touchpoint_key', input.touchpointKey);
    if (input.tags !== undefined) {
      const tags = toJson([...new Set(input.tags)]);
      if (tags !== row.tags) {
        set.tags = tags;
        changes.push({ field: 'tags', from: fromJson(row.tags), to: fromJson(tags) });
      }
    }
    if (!changes.length) return row;
    const at = Date.now();
    if (set.subject !== undefined) {
      set.search_text = searchText(row.number, set.subject, row.description);
      set.search_tokens = searchTokens(set.search_text);
    }
    set.last_activity_at = at;
    const updated = await writeCase(trx, config, row, set, at);
    for (const c of changes) await addEntry(trx, workspaceId, row.id, { kind: 'field', actor, data: c, at });
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'case.updated',
      targetType: 'case',
      targetId: row.id,
      details: { fields: changes.map((c) => c.field) },
    });
    return updated;
  });
}

export interface MessageInput {
  body: string;
  /** `outbound`: an agent's reply to the customer; `inbound`: the customer's words recorded by an agent. */
  direction: 'inbound' | 'outbound';
  internal?: boolean;
  version?: number;
  /** When it happened (epoch ms); defaults to now. For imports and demo data. */
  at?: number;
}

/**
 * Adds a message or an internal note. An agent's first reply meets the first-response target and moves a new case
 * to open; a customer's message on a case pending the customer resumes it, and on a resolved case reopens it.
 */
export async function addMessage(
  db: Db,
  deps: CasesDeps,
  actor: ActorContext,
  workspaceId: string,
  id: string,
  input: MessageInput,
): Promise<{ case: MaybeCheckedCase; entryId: string }> {
  return mutate(db, input.version, async (trx) => {
    const row = await findCase(trx, workspaceId, id);
    checkVersion(row, input.version);
    const at = input.at ?? Date.now();
    const config = await loadConfig(trx, workspaceId);
    if (input.internal) {
      const entryId = await addEntry(trx, workspaceId, row.id, { kind: 'note', actor, body: input.body, at });
      const updated = await writeCase(trx, config, row, { last_activity_at: at }, at);
      await recordAudit(trx, actor, {
        workspaceId,
        action: 'case.note_added',
        targetType: 'case',
        targetId: row.id,
      });
      return { case: updated, entryId };
    }
    if (row.status === 'closed') throw caseClosed(row.id);
    let set: Partial<CasesTable> = { last_activity_at: at };
    const statusChange: { from: string; to: string } | null =
      input.direction === 'outbound' && row.status === 'new'
        ? { from: 'new', to: 'open' }
        : input.direction === 'inbound' && (row.status === 'pending_customer' || row.status === 'resolved')
          ? { from: row.status, to: 'open' }
          : null;
    if (input.direction === 'outbound') {
      set = { ...set, ...firstResponse(row, at), agent_replies: row.agent_replies + 1 };
    }
    if (statusChange) {
      set.status = statusChange.to;
      if (statusChange.from === 'pending_customer')
        Object.assign(set, resumeSla({ ...row, ...set } as SlaColumns, config.compiled, at));
      if (statusChange.from === 'resolved') Object.assign(set, reopenColumns(row, config, at));
    }
    const entryId = await addEntry(trx, workspaceId, row.id, {
      kind: 'message',
      direction: input.direction,
      actor,
      body: input.body,
      at,
    });
    if (statusChange)
      await addEntry(trx, workspaceId, row.id, {
        kind: 'status',
        actor,
        data: { ...statusChange, reason: `${input.direction}_message` },
        at,
      });
    const updated = await writeCase(trx, config, row, set, at);
    if (statusChange?.from === 'resolved')
      await deps.events.publish(trx, {
        type: 'case.reopened',
        workspaceId,
        payload: presentEventPayload(updated),
        occurredAt: at,
      });
    await recordAudit(trx, actor, {
      workspaceId,
      action: input.direction === 'outbound' ? 'case.replied' : 'case.message_recorded',
      targetType: 'case',
      targetId: row.id,
    });
    return { case: updated, entryId };
  });
}

export interface AssignInput {
  assigneeId?: string | null;
  teamId?: string | null;
  version?: number;
}

/** Assigns a case to a member and/or a team; a team without an assignee picks one by round-robin (or queues). */
export async function assignCase(
  db: Db,
  actor: ActorContext | null,
  workspaceId: string,
  id: string,
  input: AssignInput,
  reason = 'manual',
): Promise<MaybeCheckedCase> {
  return mutate(db, input.version, async (trx) => {
    const row = await findCase(trx, workspaceId, id);
    checkVersion(row, input.version);
    return assignRow(trx, actor, row, input, reason, Date.now());
  });
}

/** Assignment inside an open transaction (used by the escalation engine too). */
export async function assignRow(
  trx: Db,
  actor: ActorContext | null,
  row: MaybeCheckedCase,
  input: AssignInput,
  reason: string,
  at: number,
): Promise<MaybeCheckedCase> {
  const workspaceId = row.workspace_id;
  const config = await loadConfig(trx, workspaceId);
  if (input.teamId && !config.teams.some((t) => t.id === input.teamId)) throw unknownTeam(input.teamId);
  if (input.assigneeId && !(await memberRoles(trx, workspaceId, [input.assigneeId])).has(input.assigneeId))
    throw notAMember(input.assigneeId);
  const teamId = input.teamId !== undefined ? input.teamId : row.team_id;
  let assigneeId =
    input.assigneeId !== undefined ? input.assigneeId : input.teamId !== undefined ? null : row.assignee_id;
  if (
    teamId &&
    assigneeId === null &&
    input.assigneeId === undefined &&
    ACTIVE_STATUSES.includes(row.status as CaseStatus)
  )
    assigneeId = await pickTeamMember(trx, workspaceId, teamId);
  if (teamId === row.team_id && assigneeId === row.assignee_id) return row;
  const updated = await writeCase(
    trx,
    config,
    row,
    { team_id: teamId, assignee_id: assigneeId, ...(actor && { last_activity_at: at }) },
    at,
  );
  await addEntry(trx, workspaceId, row.id, {
    kind: 'assignment',
    actor,
    data: {
      from: row.assignee_id,
      to: assigneeId,
      fromTeamId: row.team_id,
      teamId,
      reason,
      queued: teamId !== null && assigneeId === null,
    },
    at,
  });
  if (actor)
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'case.assigned',
      targetType: 'case',
      targetId: row.id,
      details: { assigneeId, teamId },
    });
  // The previous assignee may now have room for a queued case.
  if (row.assignee_id && row.assignee_id !== assigneeId)
    await afterCapacityFreed(trx, workspaceId, { ...row, team_id: null }, at);
  return updated;
}

function reopenColumns(row: CasesTable, config: WorkspaceCaseConfig, at: number): Partial<CasesTable> {
  const policy = config.sla.find((p) => p.id === row.sla_policy_id) ?? null;
  return {
    reopen_count: row.reopen_count + 1,
    resolved_at: null,
    closed_at: null,
    escalations: ',',
    ...restartResolution(row, policy, config.compiled, at),
  };
}

export interface TransitionInput {
  status: CaseStatus;
  version?: number;
  /** Required to move to `resolved`. */
  resolution?: Resolution;
  /** Shown on the timeline with the status change. */
  comment?: string;
  /** When it happened (epoch ms); defaults to now. For imports and demo data. */
  at?: number;
}

/** Moves a case along the state machine; invalid moves are 409 CASE_INVALID_TRANSITION. */
export async function transitionCase(
  db: Db,
  deps: CasesDeps,
  actor: ActorContext | null,
  workspaceId: string,
  id: string,
  input: TransitionInput,
): Promise<MaybeCheckedCase> {
  return mutate(db, input.version, async (trx) => {
    const row = await findCase(trx, workspaceId, id);
    checkVersion(row, input.version);
    return transitionRow(trx, deps, actor, row, input, input.at ?? Date.now());
  });
}

/** A transition inside an open transaction (follow-up ratings reopen cases through it too). */
export async function transitionRow(
  trx: Db,
  deps: CasesDeps,
  actor: ActorContext | null,
  row: CasesTable,
  input: TransitionInput,
  at: number,
): Promise<MaybeCheckedCase> {
  const workspaceId = row.workspace_id;
  const from = row.status as CaseStatus;
  const to = input.status;
  if (!canTransition(from, to)) throw invalidTransition(from, to, TRANSITIONS[from]);
  if (to === 'resolved' && !input.resolution) throw resolutionRequired();
  const config = await loadConfig(trx, workspaceId);
  let set: Partial<CasesTable> = { status: to, ...(actor && { last_activity_at: at }) };
  const reopen = (from === 'resolved' || from === 'closed') && to === 'open';
  if (to === 'pending_customer') Object.assign(set, pauseSla(row, config.compiled, at));
  if (from === 'pending_customer' && (to === 'open' || to === 'new'))
    Object.assign(set, resumeSla(row, config.compiled, at));
  if (to === 'resolved') {
    const base = from === 'pending_customer' ? { ...row, ...resumeSla(row, config.compiled, at) } : row;
    set = {
      ...set,
      ...resolveSla(base, at),
      resolution: toJson(input.resolution),
      resolved_at: at,
      first_resolved_at: row.first_resolved_at ?? at,
    };
  }
  if (to === 'closed') {
    set.closed_at = at;
    // Closing an unresolved case stops its clocks where they are.
    if (from !== 'resolved') {
      if (row.fr_status === 'active' || row.fr_status === 'paused') set.fr_status = null;
      if (row.res_status === 'active' || row.res_status === 'paused') set.res_status = null;
    }
  }
  if (reopen) set = { ...set, ...reopenColumns(row, config, at) };
  const updated = await writeCase(trx, config, row, set, at);
  await addEntry(trx, workspaceId, row.id, {
    kind: to === 'resolved' ? 'resolution' : 'status',
    actor,
    body: input.comment ?? null,
    data: {
      from,
      to,
      ...(input.resolution && { resolution: input.resolution }),
      ...(reopen && { reopen: true }),
    },
    at,
  });
  const payload = presentEventPayload(updated);
  if (to === 'resolved') {
    await deps.events.publish(trx, {
      type: 'case.resolved',
      workspaceId,
      payload: {
        caseId: row.id,
        profileId: row.profile_id,
        category: row.category,
        language: row.language,
        resolvedAt: at,
        number: formatCaseNumber(row.number),
      },
      occurredAt: at,
    });
    if (row.profile_id && deps.profiles)
      await recordProfileEvent(trx, deps.profiles, workspaceId, row.profile_id, {
        messageId: `case-resolved:${row.id}:${row.reopen_count}`,
        name: 'Case Resolved',
        channel: row.channel,
        properties: {
          caseId: row.id,
          number: formatCaseNumber(row.number),
          category: row.category,
          resolutionCode: input.resolution?.code,
        },
        timestamp: at,
      });
  }
  if (reopen) await deps.events.publish(trx, { type: 'case.reopened', workspaceId, payload, occurredAt: at });
  await enqueueWebhooks(trx, workspaceId, `case.${to === 'open' && reopen ? 'reopened' : to}`, payload);
  if (actor)
    await recordAudit(trx, actor, {
      workspaceId,
      action: `case.${to === 'resolved' ? 'resolved' : reopen ? 'reopened' : 'status_changed'}`,
      targetType: 'case',
      targetId: row.id,
      details: { from, to },
    });
  if (!ACTIVE_STATUSES.includes(to) && ACTIVE_STATUSES.includes(from))
    await afterCapacityFreed(trx, workspaceId, row, at);
  return updated;
}

/** The timeline of a case, oldest first, keyset-paged by entry id. */
export async function listEntries(
  db: Db,
  workspaceId: string,
  caseId: string,
  limit: number,
  after?: string,
) {
  const row = await findCase(db, workspaceId, caseId);
  return db
    .selectFrom('case_entries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', row.id)
    .$if(after !== undefined, (q) => q.where('id', '>', after ?? ''))
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

/** Cases of a customer, newest first (for the 360° profile). */
export async function casesOfProfile(db: Db, workspaceId: string, profileId: string, limit = 20) {
  const live = (await liveProfileId(db, workspaceId, profileId)) ?? profileId;
  const rows = await db
    .selectFrom('cases')
    .select([
      'id',
      'number',
      'subject',
      'category',
      'subcategory',
      'priority',
      'status',
      'channel',
      'sla_state',
      'created_at',
      'resolved_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', live)
    .orderBy('created_at', 'desc')
    .limit(Math.max(1, Math.min(200, limit)))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: formatCaseNumber(r.number),
    subject: r.subject,
    category: r.category,
    subcategory: r.subcategory,
    priority: r.priority,
    status: r.status,
    channel: r.channel,
    slaState: r.sla_state,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }));
}

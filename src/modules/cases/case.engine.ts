/**
 * The SLA and escalation engine. Each active case carries `next_check_at`, the next instant at which one of its
 * targets falls due or an escalation rule reaches its trigger time. A sweep takes every case of a workspace whose
 * check is due, in pages, evaluates it at the sweep's instant (breaches, escalation actions), writes only the cases
 * that changed, and schedules the workspace's next check on the durable job runner — so timers survive restarts
 * and many cases falling due together are handled in bulk.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { dialectOf, fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import {
  enqueueEmail,
  enqueueWebhooks,
  listEndpoints,
  type WebhookEndpointsTable,
} from '../notifications/index.js';

import { profileTraits } from '../profiles/index.js';
import {
  formatCaseNumber,
  raisedPriority,
  priorityRank,
  type CaseSource,
  type Priority,
} from './case.model.js';
import { customerFacts, matches, triggerTime, type CaseFacts, type EscalationAction } from './case.rules.js';
import {
  assignRow,
  CHECK_JOB,
  presentEventPayload,
  scheduleCheck,
  writeCase,
  type CasesDeps,
} from './case.service.js';
import {
  loadConfig,
  memberContacts,
  type EscalationConfig,
  type RuleRow,
  type WorkspaceCaseConfig,
} from './case.settings.js';
import { breachesAt, nextCheckAt, triggerStateOf } from './case.sla.js';
import type { CaseEntriesTable, CasesTable } from './cases.tables.js';

const PAGE = 5000;

/** Timeline entries of a sweep page, written with multi-row inserts at the end of the page. */
type EntrySink = CaseEntriesTable[];

function sinkEntry(
  sink: EntrySink,
  row: CasesTable,
  e: { kind: string; data: Record<string, unknown>; at: number },
): void {
  sink.push({
    workspace_id: row.workspace_id,
    id: newId('ce'),
    case_id: row.id,
    kind: e.kind,
    direction: null,
    actor_type: 'system',
    actor_id: null,
    body: null,
    data: toJson(e.data),
    created_at: e.at,
  });
}

async function flushEntries(db: Db, sink: EntrySink): Promise<void> {
  for (let i = 0; i < sink.length; i += 300)
    await db
      .insertInto('case_entries')
      .values(sink.slice(i, i + 300))
      .execute();
  sink.length = 0;
}
const MOVE_CHUNK = 500;

/** What deciding whether anything happens to a case needs. */
const CHECK_COLUMNS = [
  'id',
  'version',
  'status',
  'assignee_id',
  'fr_status',
  'fr_due_at',
  'res_status',
  'res_due_at',
  'created_at',
  'last_activity_at',
  'escalations',
  'next_check_at',
] as const;
/** What rule conditions look at (read only when some escalation rule has conditions). */
const FACT_COLUMNS = [
  'category',
  'subcategory',
  'priority',
  'channel',
  'source',
  'touchpoint_key',
  'language',
  'tags',
  'urgent',
  'sentiment_label',
  'profile_id',
] as const;

/** Columns the engine reads: everything but the long texts (description, search text, analysis, resolution). */
const ENGINE_COLUMNS = [
  'workspace_id',
  'id',
  'number',
  'subject',
  'profile_id',
  'channel',
  'touchpoint_key',
  'category',
  'subcategory',
  'priority',
  'source',
  'status',
  'language',
  'sentiment_label',
  'urgent',
  'assignee_id',
  'team_id',
  'tags',
  'version',
  'sla_policy_id',
  'fr_status',
  'fr_due_at',
  'fr_remaining_ms',
  'fr_at',
  'res_status',
  'res_due_at',
  'res_remaining_ms',
  'res_breached_at',
  'sla_state',
  'sla_due_at',
  'due_sort',
  'is_active',
  'next_check_at',
  'escalations',
  'created_at',
  'updated_at',
  'last_activity_at',
] as const;

/** What evaluating the cases of one sweep page shares: its transaction, configuration, clock and batches. */
interface SweepPage {
  trx: Db;
  options: EngineOptions;
  config: WorkspaceCaseConfig;
  at: number;
  result: SweepResult;
  moves: NextCheckMove[];
  sink: EntrySink;
  /** The workspace's webhook endpoints, read once per sweep. */
  endpoints: WebhookEndpointsTable[];
}

interface NextCheckMove {
  id: string;
  version: number;
  next: number | null;
}

/**
 * Moves the next check of many cases in a few statements (one per MOVE_CHUNK cases); a case whose version changed
 * meanwhile keeps its own value (its writer recomputed it).
 */
async function moveNextChecks(db: Db, workspaceId: string, moves: readonly NextCheckMove[]): Promise<void> {
  if (!moves.length) return;
  if (dialectOf(db) === 'sqlite') {
    // SQLite: a keyed temporary table, then one update by primary key (the fastest way measured).
    await sql`create temp table if not exists case_check_moves (id text primary key, version integer, next integer)`.execute(
      db,
    );
    for (let i = 0; i < moves.length; i += MOVE_CHUNK) {
      const values = sql.join(
        moves.slice(i, i + MOVE_CHUNK).map((m) => sql`(${m.id}, ${m.version}, ${m.next})`),
      );
      await sql`insert into case_check_moves (id, version, next) values ${values}`.execute(db);
    }
    await sql`update cases set next_check_at = (select m.next from case_check_moves m where m.id = cases.id)
      where workspace_id = ${workspaceId} and id in (select id from case_check_moves)
        and version = (select m.version from case_check_moves m where m.id = cases.id)`.execute(db);
    await sql`delete from case_check_moves`.execute(db);
    return;
  }
  for (let i = 0; i < moves.length; i += MOVE_CHUNK) {
    const chunk = moves.slice(i, i + MOVE_CHUNK);
    // PostgreSQL: a join with a VALUES list (hash join); casts give the parameter types.
    const values = sql.join(
      chunk.map(
        (m) => sql`(cast(${m.id} as text), cast(${m.version} as integer), cast(${m.next} as bigint))`,
      ),
    );
    await sql`update cases set next_check_at = v.column3
      from (values ${values}) as v
      where cases.workspace_id = ${workspaceId} and cases.id = v.column1 and cases.version = v.column2`.execute(
      db,
    );
  }
}

export interface SweepResult {
  examined: number;
  breaches: number;
  escalations: number;
  conflicts: number;
}

function facts(c: CasesTable, traits: Record<string, unknown> | null): CaseFacts {
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
    ...customerFacts(traits),
  };
}

function usesCustomerFacts(rules: readonly RuleRow<EscalationConfig>[]): boolean {
  return rules.some((r) =>
    r.conditions.conditions.some((c) => c.type === 'vip' || c.type === 'value_tier' || c.type === 'trait'),
  );
}

const REASONS: Record<string, { 'zh-CN': string; en: string }> = {
  sla_breached: { 'zh-CN': 'SLA 已超时', en: 'SLA breached' },
  sla_due_soon: { 'zh-CN': 'SLA 即将到期', en: 'SLA due soon' },
  unassigned_for: { 'zh-CN': '长时间未分配', en: 'unassigned too long' },
  idle_for: { 'zh-CN': '长时间无进展', en: 'no activity too long' },
};

/** Runs one escalation action on a case inside the sweep's transaction; returns the case as it is afterwards. */
async function runAction(
  page: SweepPage,
  row: CasesTable,
  rule: RuleRow<EscalationConfig>,
  action: EscalationAction,
): Promise<CasesTable> {
  const { trx, config, at, sink } = page;
  const publicUrl = page.options.publicUrl ?? '';
  const ws = row.workspace_id;
  switch (action.type) {
    case 'raise_priority': {
      const to = action.to ?? raisedPriority(row.priority as Priority);
      if (priorityRank(to) <= priorityRank(row.priority as Priority)) return row;
      const updated = await writeCase(trx, config, row, { priority: to }, at);
      sinkEntry(sink, row, {
        kind: 'escalation',
        data: { ruleId: rule.id, rule: rule.name, action: 'raise_priority', from: row.priority, to },
        at,
      });
      return updated;
    }
    case 'reassign': {
      let input: { teamId?: string | null; assigneeId?: string | null } = {};
      if (action.teamId) input = { teamId: action.teamId, assigneeId: null };
      else if (action.userId) input = { assigneeId: action.userId };
      else {
        const team = config.teams.find((t) => t.id === row.team_id);
        if (!team?.supervisorId) {
          sinkEntry(sink, row, {
            kind: 'escalation',
            data: { ruleId: rule.id, rule: rule.name, action: 'reassign', skipped: 'no_supervisor' },
            at,
          });
          return row;
        }
        input = { assigneeId: team.supervisorId };
      }
      const updated = await assignRow(trx, null, row, input, `escalation:${rule.id}`, at);
      sinkEntry(sink, row, {
        kind: 'escalation',
        data: {
          ruleId: rule.id,
          rule: rule.name,
          action: 'reassign',
          teamId: updated.team_id,
          assigneeId: updated.assignee_id,
        },
        at,
      });
      return updated;
    }
    case 'notify': {
      const userIds: string[] = [];
      const team = config.teams.find((t) => t.id === row.team_id);
      for (const r of action.recipients) {
        if (r === 'assignee' && row.assignee_id) userIds.push(row.assignee_id);
        if (r === 'supervisor' && team?.supervisorId) userIds.push(team.supervisorId);
        if (r === 'team' && team) userIds.push(...team.members.map((m) => m.userId));
      }
      const contacts = await memberContacts(trx, ws, userIds);
      const recipients = [
        ...contacts.map((c) => ({ to: c.email, name: c.name, locale: c.locale })),
        ...(action.emails ?? []).map((e) => ({
          to: e,
          name: e,
          locale: row.language === 'en' ? 'en' : 'zh-CN',
        })),
      ];
      const seen = new Set<string>();
      const reason = REASONS[rule.config.trigger.type] ?? {
        'zh-CN': rule.config.trigger.type,
        en: rule.config.trigger.type,
      };
      for (const r of recipients) {
        if (seen.has(r.to.toLowerCase())) continue;
        seen.add(r.to.toLowerCase());
        const zh = r.locale.toLowerCase().startsWith('zh');
        const category = config.taxonomy.find((c) => c.key === row.category);
        await enqueueEmail(trx, {
          workspaceId: ws,
          to: r.to,
          locale: zh ? 'zh-CN' : 'en',
          template: 'case.escalated',
          vars: {
            recipient: r.name,
            number: formatCaseNumber(row.number),
            subject: row.subject,
            category: category ? category.name[zh ? 'zh-CN' : 'en'] : row.category,
            priority: row.priority,
            rule: rule.name,
            reason: reason[zh ? 'zh-CN' : 'en'],
            customer: row.profile_id ?? '—',
            link: `${publicUrl}/cases/${row.id}`,
          },
        });
      }
      const hooks = action.webhook
        ? await enqueueWebhooks(
            trx,
            ws,
            'case.escalated',
            {
              ...presentEventPayload(row),
              ruleId: rule.id,
              trigger: rule.config.trigger,
            },
            { endpoints: page.endpoints },
          )
        : 0;
      sinkEntry(sink, row, {
        kind: 'escalation',
        data: { ruleId: rule.id, rule: rule.name, action: 'notify', emails: [...seen], webhooks: hooks },
        at,
      });
      return row;
    }
  }
}

export interface EngineOptions {
  events: EventBus;
  publicUrl?: string;
}

/** Escalation rules due for a case at `at` (enabled, not fired yet, matching, trigger time reached). */
function dueRulesOf(
  config: WorkspaceCaseConfig,
  row: CasesTable,
  f: CaseFacts | null,
  at: number,
  changes: object,
) {
  return config.escalation.filter((r) => {
    if (!r.enabled || row.escalations.includes(`,${r.id},`) || (f && !matches(r.conditions, f))) return false;
    const t = triggerTime(r.config.trigger, triggerStateOf({ ...row, ...changes }));
    return t !== null && t <= at;
  });
}

/** Whether anything happens to a case at `at`: a breach or an escalation. */
function hasEvents(config: WorkspaceCaseConfig, row: CasesTable, f: CaseFacts | null, at: number): boolean {
  const { changes, targets } = breachesAt(row, at);
  return targets.length > 0 || dueRulesOf(config, row, f, at, changes).length > 0;
}

/**
 * Evaluates one case at `at`: marks due targets breached (entry, `case.sla.breached` event and webhook) and fires
 * every matching escalation rule whose trigger time has come, once per rule (until the case is reopened).
 */
async function evaluate(page: SweepPage, row: CasesTable, f: CaseFacts): Promise<void> {
  const { trx, options, config, at, result, moves, sink } = page;
  const ws = row.workspace_id;
  let current = row;
  const { changes, targets } = breachesAt(row, at);
  const dueRules = dueRulesOf(config, row, f, at, changes);
  if (targets.length === 0 && dueRules.length === 0) {
    // Changed since it was read: only the next check moves.
    const next = nextCheckAt(row, f, config.escalation, at);
    if (next !== row.next_check_at) moves.push({ id: row.id, version: row.version, next });
    return;
  }
  const fired = dueRules.map((r) => r.id);
  current = await writeCase(
    trx,
    config,
    row,
    { ...changes, escalations: fired.length ? `${row.escalations}${fired.join(',')},` : row.escalations },
    at,
    f,
    { schedule: false },
  );
  for (const target of targets) {
    result.breaches++;
    const dueAt = target === 'first_response' ? row.fr_due_at : row.res_due_at;
    sinkEntry(sink, row, { kind: 'sla', data: { target, event: 'breached', dueAt }, at });
    const payload = { ...presentEventPayload(current), target, dueAt };
    await options.events.publish(trx, {
      type: 'case.sla.breached',
      workspaceId: ws,
      payload,
      occurredAt: at,
    });
    await enqueueWebhooks(trx, ws, 'case.sla.breached', payload, { endpoints: page.endpoints });
  }
  for (const rule of dueRules) {
    result.escalations++;
    for (const action of rule.config.actions) {
      current = await runAction(page, current, rule, action);
    }
  }
}

/**
 * Processes every case of a workspace whose check is due at `now`, in pages. Each page is one transaction; a case
 * changed concurrently by someone else is skipped (its own change rescheduled it). Schedules the workspace's next
 * check. Returns counts.
 */
export async function sweepWorkspace(
  db: Db,
  options: EngineOptions,
  workspaceId: string,
  now: number,
): Promise<SweepResult> {
  const result: SweepResult = { examined: 0, breaches: 0, escalations: 0, conflicts: 0 };
  const config = await loadConfig(db, workspaceId, true);
  const needFacts = config.escalation.some((r) => r.enabled && r.conditions.conditions.length > 0);
  const needTraits = usesCustomerFacts(config.escalation);
  const endpoints = await listEndpoints(db, workspaceId);
  // One range scan of the check index reading only what deciding needs; the few cases where something happens are
  // then read in full and changed, in transactions of PAGE cases; the rest only get their next check moved.
  const due = (await db
    .selectFrom('cases')
    .select(needFacts ? [...CHECK_COLUMNS, ...FACT_COLUMNS] : CHECK_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    // Both bounds: without histograms SQLite estimates a one-sided range as a quarter of the table and scans it.
    .where('next_check_at', '>=', 0)
    .where('next_check_at', '<=', now)
    .execute()) as CasesTable[];
  for (let i = 0; i < due.length; i += PAGE) {
    const rows = due.slice(i, i + PAGE);
    const traits = needTraits
      ? await profileTraits(
          db,
          workspaceId,
          rows.map((r) => r.profile_id).filter((p): p is string => p !== null),
        )
      : new Map<string, Record<string, unknown>>();
    const factsOfRow = (row: CasesTable) =>
      needFacts ? facts(row, row.profile_id ? (traits.get(row.profile_id) ?? null) : null) : null;
    const moves: NextCheckMove[] = [];
    const eventful: string[] = [];
    for (const row of rows) {
      result.examined++;
      const f = factsOfRow(row);
      if (hasEvents(config, row, f, now)) eventful.push(row.id);
      else {
        // Nothing happens; only the next check moves (no version bump: nothing a person sees changed).
        const next = nextCheckAt(row, f, config.escalation, now);
        if (next !== row.next_check_at) moves.push({ id: row.id, version: row.version, next });
      }
    }
    await inTransaction(db, async (trx) => {
      const page: SweepPage = { trx, options, config, at: now, result, moves, sink: [], endpoints };
      for (let j = 0; j < eventful.length; j += 500) {
        const full = (await trx
          .selectFrom('cases')
          .select(ENGINE_COLUMNS)
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', eventful.slice(j, j + 500))
          .execute()) as CasesTable[];
        for (const row of full) {
          const f = facts(row, row.profile_id ? (traits.get(row.profile_id) ?? null) : null);
          try {
            await evaluate(page, row, f);
          } catch (err) {
            if ((err as { code?: string }).code !== 'CASE_VERSION_CONFLICT') throw err;
            result.conflicts++;
          }
        }
      }
      await flushEntries(trx, page.sink);
      await moveNextChecks(trx, workspaceId, page.moves);
    });
  }
  const next = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.min('next_check_at').as('t'))
    .where('workspace_id', '=', workspaceId)
    .where('next_check_at', '>', now)
    .executeTakeFirst();
  if (next?.t !== null && next?.t !== undefined) await scheduleCheck(db, workspaceId, Number(next.t));
  return result;
}

/** Sweeps every workspace that has cases (the benchmark and the CLI use it; jobs sweep one workspace each). */
export async function sweepAll(db: Db, options: EngineOptions, now = Date.now()): Promise<SweepResult> {
  const total: SweepResult = { examined: 0, breaches: 0, escalations: 0, conflicts: 0 };
  const workspaces = await db.selectFrom('case_settings').select('workspace_id').execute();
  for (const w of workspaces) {
    const r = await sweepWorkspace(db, options, w.workspace_id, now);
    total.examined += r.examined;
    total.breaches += r.breaches;
    total.escalations += r.escalations;
    total.conflicts += r.conflicts;
  }
  return total;
}

/**
 * The job that runs a workspace's sweep at its scheduled instant. It evaluates at the later of the scheduled
 * instant and the clock, so a runner that was down catches up in one sweep.
 */
export function checkJobHandler(db: Db, options: EngineOptions, logger?: Logger | false): JobHandler {
  return async (job) => {
    if (!job.workspaceId) return;
    const { at } = job.payload as { at: number };
    const result = await sweepWorkspace(db, options, job.workspaceId, Math.max(Number(at) || 0, Date.now()));
    if (logger && (result.breaches || result.escalations))
      logger.info({ workspaceId: job.workspaceId, ...result }, 'case SLA sweep');
  };
}

export { CHECK_JOB };
export type { CasesDeps };

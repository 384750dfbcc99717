/**
 * The SLA and escalation engine. Each active case has a check (`case_checks.next_check_at`, case.checks.ts), the
 * earliest instant at which one of its targets falls due or an escalation rule reaches its trigger time, kept up to
 * date by every write of the case. A sweep moves the stale checks due at its instant set-based, then reads the due
 * checks of the workspace (no index holds the check time since migration 0017: a scan of the narrow check rows)
 * joined to their cases, only the columns deciding needs; it decides in memory and writes in bulk, in short transactions of SWEEP_CHUNK cases: one
 * set-based update per chunk for every case whose state changes (breaches, rules fired, priority raised, next
 * check), multi-row inserts of the timeline entries, the breach events, and a full per-case evaluation only for the
 * few cases whose escalation reassigns or notifies. Every write is a compare-and-swap on the case's version, so a
 * concurrent sweep or an agent's change is never overwritten and no rule fires twice. The workspace's next sweep is a
 * durable job, so timers survive restarts.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Logger } from 'pino';
import {
  dialectOf,
  fromJson,
  inTransaction,
  insertRows,
  newId,
  toJson,
  type Db,
} from '../../platform/db/index.js';
import type { DomainEvent, EventBus } from '../../platform/events/index.js';
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
import { breachesAt, nextCheckAt, summarize, triggerStateOf } from './case.sla.js';
import { nextCheckSql } from './case.check-sql.js';
import { moveQueueSorts } from './case.queue.js';
import {
  earliestCheck,
  moveChecks,
  moveStaleChecks,
  refreshCheckStatistics,
  writeChecks,
  type CheckInputs,
  type NextCheckMove,
} from './case.checks.js';
import type { CaseEntriesTable, CasesTable, CheckedCase, MaybeCheckedCase } from './cases.tables.js';

/** A case as the sweep and rechecks read it: its columns, its check and the version of its check row (null: none). */
export type DueCase = CheckedCase & { check_version: number | null };

/**
 * Cases with their checks: `columns` of `cases` and the check row's time and version, read in one statement (so the
 * version matches the columns). `due`: the cases whose check is due at that instant (a scan of the workspace's
 * check rows, then each case by primary key); `ids`: those cases, with a check or not; `page`: the active cases after an id, in
 * id order (rechecks), optionally of one SLA policy. `activeOnly` keeps active cases only.
 */
export async function readWithChecks(
  db: Db,
  workspaceId: string,
  columns: readonly (keyof CasesTable)[],
  where:
    | { due: number }
    | { ids: readonly string[]; activeOnly?: boolean }
    | { after: string; limit: number; policyId?: string },
): Promise<DueCase[]> {
  const select = sql.join(columns.map((c) => sql.ref(`cases.${c}`)));
  const withChecks = sql`select ${select}, k.next_check_at, k.version as check_version
    from cases left join case_checks k on k.workspace_id = cases.workspace_id and k.case_id = cases.id`;
  const rows =
    'due' in where
      ? await sql<DueCase>`select ${select}, k.next_check_at, k.version as check_version
          from case_checks k join cases on cases.workspace_id = k.workspace_id and cases.id = k.case_id
          where k.workspace_id = ${workspaceId} and k.next_check_at >= 0 and k.next_check_at <= ${where.due}`.execute(
          db,
        )
      : 'ids' in where
        ? await sql<DueCase>`${withChecks} where cases.workspace_id = ${workspaceId}
            and cases.id in (${sql.join(where.ids)}) ${where.activeOnly ? sql`and cases.is_active = 1` : sql``}`.execute(
            db,
          )
        : await sql<DueCase>`${withChecks} where cases.workspace_id = ${workspaceId} and cases.is_active = 1
            and cases.id > ${where.after}
            ${where.policyId !== undefined ? sql`and cases.sla_policy_id = ${where.policyId}` : sql``}
            order by cases.id limit ${where.limit}`.execute(db);
  // PostgreSQL returns bigint columns as numbers already (pg type parser); the check's are read the same way.
  for (const r of rows.rows) {
    if (r.next_check_at !== null) r.next_check_at = Number(r.next_check_at);
    if (r.check_version !== null) r.check_version = Number(r.check_version);
  }
  return rows.rows;
}

/** Cases per sweep transaction: write transactions of a few hundred milliseconds at most. */
const SWEEP_CHUNK = 10_000;
/** Rows per SQLite `UPDATE … FROM (VALUES …)`: one fixed statement text, prepared once per connection. */
const VALUES_ROWS = 128;
const valuesTexts = new Map<string, string>();

/**
 * SQLite: updates cases from rows of `width` values (id and version first, then the values `set` refers to as
 * v.column4…), VALUES_ROWS rows per statement (the last one padded with rows that match nothing), each a
 * compare-and-swap on the version. Returns the ids changed. Fixed statement texts skip query building and JSON
 * parsing. Each row carries the workspace id too, so the only way to the case is its primary key from the row: the
 * planner cannot choose to walk the workspace's cases instead (as it may without statistics).
 */
export async function sqliteUpdateFrom(
  db: Db,
  workspaceId: string,
  set: string,
  width: number,
  rows: readonly (readonly unknown[])[],
): Promise<string[]> {
  const key = `${set}\u0000${width}`;
  let text = valuesTexts.get(key);
  if (text === undefined) {
    const tuple = `(${Array.from({ length: width + 1 }, () => '?').join(', ')})`;
    text = `update cases set ${set} from (values ${Array.from({ length: VALUES_ROWS }, () => tuple).join(', ')}) as v
      where cases.workspace_id = v.column1 and cases.id = v.column2 and cases.version = v.column3
      returning cases.id`;
    valuesTexts.set(key, text);
  }
  const changed: string[] = [];
  const padding = Array.from({ length: width }, (_, i) => (i === 1 ? -1 : null));
  for (let i = 0; i < rows.length; i += VALUES_ROWS) {
    const params: unknown[] = [];
    for (let r = i; r < i + VALUES_ROWS; r++) {
      const row = rows[r];
      params.push(row ? workspaceId : null, ...(row ?? padding));
    }
    const result = await db.executeQuery<{ id: string }>(CompiledQuery.raw(text, params));
    for (const row of result.rows) changed.push(row.id);
  }
  return changed;
}

/** Timeline entries of a sweep chunk, written with one multi-row insert per chunk. */
export type EntrySink = CaseEntriesTable[];

export function sinkEntry(
  sink: EntrySink,
  row: Pick<CasesTable, 'workspace_id' | 'id'>,
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

/**
 * Rows as one JSON parameter, unpacked by the database (`json_each` on SQLite, `jsonb_to_recordset` on PostgreSQL):
 * one statement however many rows, so no per-row round trip or per-row query building.
 */
export function rowsParam(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

/**
 * Multi-row insert of timeline entries: SQLite through fixed multi-row statements (prepared once, no JSON to build
 * and parse), PostgreSQL with one statement per chunk (round trips cost more than parsing there).
 */
export async function flushEntries(db: Db, sink: EntrySink): Promise<void> {
  if (!sink.length) return;
  if (dialectOf(db) === 'sqlite') {
    await insertRows(db, 'case_entries', sink);
    sink.length = 0;
    return;
  }
  // Arrays: workspace_id, id, case_id, kind, data, created_at.
  const rows = rowsParam(sink.map((e) => [e.workspace_id, e.id, e.case_id, e.kind, e.data, e.created_at]));
  await sql`insert into case_entries (workspace_id, id, case_id, kind, direction, actor_type, actor_id, body, data, created_at)
      select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, null, 'system', null, null,
        cast(j.value ->> 4 as jsonb), cast(j.value ->> 5 as bigint)
      from jsonb_array_elements(cast(${rows} as jsonb)) as j(value)`.execute(db);
  sink.length = 0;
}

/** What deciding whether anything happens to a case needs. */
export const CHECK_COLUMNS = [
  'workspace_id',
  'id',
  'version',
  'status',
  'priority',
  'assignee_id',
  'fr_status',
  'fr_due_at',
  'res_status',
  'res_due_at',
  'res_breached_at',
  'created_at',
  'last_activity_at',
  'escalations',
  'due_sort',
] as const;
/** What rule conditions look at (read by the scan only when some escalation rule has conditions). */
export const FACT_COLUMNS = [
  'category',
  'subcategory',
  'channel',
  'source',
  'touchpoint_key',
  'language',
  'tags',
  'urgent',
  'sentiment_label',
  'profile_id',
] as const;
/** What a breach event carries besides the decided columns (read only for the cases that breach). */
const PAYLOAD_COLUMNS = [
  'id',
  'number',
  'profile_id',
  'category',
  'subcategory',
  'channel',
  'touchpoint_key',
  'team_id',
] as const;

/** Columns the per-case evaluation reads: everything but the long texts (description, search text, resolution). */
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
  'escalations',
  'created_at',
  'updated_at',
  'last_activity_at',
] as const;

/** What evaluating the cases of one sweep chunk shares: its transaction, configuration, clock and batches. */
interface SweepPage {
  trx: Db;
  options: EngineOptions;
  config: WorkspaceCaseConfig;
  at: number;
  result: SweepResult;
  sink: EntrySink;
  /** Breach events of the bulk path, published together at the end of the chunk. */
  breaches: DomainEvent[];
  /** Next checks to move (cases where, on fresh data, nothing happens). */
  moves: NextCheckMove[];
  /** The workspace's webhook endpoints, read once per sweep. */
  endpoints: WebhookEndpointsTable[];
}

/** The columns a sweep changes on a case where something happens without reassigning or notifying. */
interface BulkChange {
  id: string;
  version: number;
  priority: string;
  fr_status: string | null;
  res_status: string | null;
  res_breached_at: number | null;
  sla_state: string | null;
  sla_due_at: number | null;
  due_sort: number;
  next_check_at: number | null;
  escalations: string;
  /** The queue sort key changes (the case's `case_queue` row moves in its indexes). */
  sortChanged: boolean;
  /** The case's columns copied to its check row, as written. */
  inputs: CheckInputs;
}

/**
 * Applies many cases' changes with one statement (compare-and-swap on each version, which goes up by one) and
 * returns the ids actually changed: the others were changed concurrently and are left to their writer.
 */
async function applyChanges(
  db: Db,
  workspaceId: string,
  at: number,
  changes: readonly BulkChange[],
): Promise<Set<string>> {
  if (!changes.length) return new Set();
  const values = changes.map((c) => [
    c.id,
    c.version,
    c.priority,
    c.fr_status,
    c.res_status,
    c.res_breached_at,
    c.sla_state,
    c.sla_due_at,
    c.due_sort,
    c.escalations,
    at,
  ]);
  let changed: Set<string>;
  if (dialectOf(db) === 'sqlite') {
    // No index of `cases` holds a column set here (the queue sort key is indexed only in `case_queue`), so SQLite
    // re-indexes nothing of the case row.
    changed = new Set(
      await sqliteUpdateFrom(
        db,
        workspaceId,
        `priority = v.column4, fr_status = v.column5, res_status = v.column6, res_breached_at = v.column7,
          sla_state = v.column8, sla_due_at = v.column9, due_sort = v.column10,
          escalations = v.column11, updated_at = v.column12, version = cases.version + 1`,
        11,
        values,
      ),
    );
  } else {
    // PostgreSQL: one statement for the chunk, rows as JSON arrays.
    const rows = rowsParam(values);
    const updated = await sql<{
      id: string;
    }>`update cases set priority = j.value ->> 2, fr_status = j.value ->> 3,
        res_status = j.value ->> 4, res_breached_at = cast(j.value ->> 5 as bigint), sla_state = j.value ->> 6,
        sla_due_at = cast(j.value ->> 7 as bigint), due_sort = cast(j.value ->> 8 as bigint),
        escalations = j.value ->> 9, version = cases.version + 1, updated_at = cast(j.value ->> 10 as bigint)
      from jsonb_array_elements(cast(${rows} as jsonb)) as j(value)
      where cases.workspace_id = ${workspaceId} and cases.id = j.value ->> 0
        and cases.version = cast(j.value ->> 1 as integer)
      returning cases.id`.execute(db);
    changed = new Set(updated.rows.map((r) => r.id));
  }
  // The queue rows of the cases changed whose sort key moved, and the checks of the cases changed, with their new
  // version (the rest were changed concurrently: their writer wrote both).
  await moveQueueSorts(
    db,
    workspaceId,
    changes.filter((c) => c.sortChanged && changed.has(c.id)),
  );
  await writeChecks(
    db,
    workspaceId,
    changes
      .filter((c) => changed.has(c.id))
      .map((c) => ({ id: c.id, version: c.version + 1, next: c.next_check_at, inputs: c.inputs })),
  );
  return changed;
}

/** The columns of a case its check row carries (case.checks.ts CHECK_INPUTS). */
export function checkInputsOf(c: CheckInputs): CheckInputs {
  return {
    status: c.status,
    assignee_id: c.assignee_id,
    fr_status: c.fr_status,
    fr_due_at: c.fr_due_at,
    res_status: c.res_status,
    res_due_at: c.res_due_at,
    escalations: c.escalations,
    created_at: c.created_at,
    last_activity_at: c.last_activity_at,
  };
}

export interface SweepResult {
  examined: number;
  breaches: number;
  escalations: number;
  conflicts: number;
}

export function facts(c: CasesTable, traits: Record<string, unknown> | null): CaseFacts {
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

export function usesCustomerFacts(rules: readonly RuleRow<EscalationConfig>[]): boolean {
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
  row: MaybeCheckedCase,
  rule: RuleRow<EscalationConfig>,
  action: EscalationAction,
): Promise<MaybeCheckedCase> {
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
  /** Receives the time spent in each phase of a sweep (the benchmark prints it). */
  trace?: (phase: string, ms: number) => void;
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

/** What happens to a due case, decided from the columns the sweep's scan read. */
type Decision =
  | { kind: 'none' }
  | { kind: 'move'; move: NextCheckMove }
  | {
      kind: 'bulk';
      change: BulkChange;
      targets: ('first_response' | 'resolution')[];
      rules: RuleRow<EscalationConfig>[];
      raises: { rule: RuleRow<EscalationConfig>; from: string; to: Priority }[];
      /** The case as the breach event describes it (breaches marked, before the escalation actions). */
      breached: CasesTable;
    }
  /** Reassigns or notifies: evaluated one case at a time on fresh data (round-robin, contacts, e-mails). */
  | { kind: 'full' };

/**
 * Decides at `at` what happens to a due case: nothing but a later check, or breaches and escalation rules whose
 * actions only raise the priority (applied in bulk), or rules that reassign or notify (evaluated one by one).
 */
function decide(config: WorkspaceCaseConfig, row: DueCase, f: CaseFacts | null, at: number): Decision {
  // Allocation-light for the common case where nothing happens: one trigger state, no copies of the row.
  const frDue = row.fr_status === 'active' && row.fr_due_at !== null && row.fr_due_at <= at;
  const resDue = row.res_status === 'active' && row.res_due_at !== null && row.res_due_at <= at;
  const state = triggerStateOf(row);
  if (frDue) state.frStatus = 'breached';
  if (resDue) state.resStatus = 'breached';
  const rules = config.escalation.filter((r) => {
    if (!r.enabled || row.escalations.includes(`,${r.id},`) || (f && !matches(r.conditions, f))) return false;
    const t = triggerTime(r.config.trigger, state);
    return t !== null && t <= at;
  });
  if (!frDue && !resDue && rules.length === 0) {
    const next = nextCheckAt(row, f, config.escalation);
    return next === row.next_check_at
      ? { kind: 'none' }
      : { kind: 'move', move: { id: row.id, checkVersion: row.check_version, next } };
  }
  if (!rules.every((r) => r.config.actions.every((a) => a.type === 'raise_priority')))
    return { kind: 'full' };
  const { changes, targets } = breachesAt(row, at);
  const fired = rules.map((r) => r.id);
  const sortBefore = row.due_sort;
  // The scan's row becomes the breached case in place (no copy of the row per case: tens of thousands in a
  // catch-up); nothing else reads it afterwards.
  const breached: CasesTable = Object.assign(row, changes);
  if (fired.length) breached.escalations = `${row.escalations}${fired.join(',')},`;
  let priority = row.priority as Priority;
  const raises: { rule: RuleRow<EscalationConfig>; from: string; to: Priority }[] = [];
  for (const rule of rules)
    for (const action of rule.config.actions) {
      if (action.type !== 'raise_priority') continue;
      const to = action.to ?? raisedPriority(priority);
      if (priorityRank(to) <= priorityRank(priority)) continue;
      raises.push({ rule, from: priority, to });
      priority = to;
    }
  // The case after the sweep: the breached case with the raised priority (the priority changes neither the SLA
  // summary nor the trigger times, only which rules' conditions hold).
  const summary = summarize(breached);
  return {
    kind: 'bulk',
    change: {
      id: row.id,
      version: row.version,
      priority,
      fr_status: breached.fr_status,
      res_status: breached.res_status,
      res_breached_at: breached.res_breached_at,
      sla_state: summary.sla_state,
      sla_due_at: summary.sla_due_at,
      due_sort: summary.due_sort,
      next_check_at: nextCheckAt(
        breached,
        f && f.priority !== priority ? { ...f, priority } : f,
        config.escalation,
      ),
      escalations: breached.escalations,
      sortChanged: summary.due_sort !== sortBefore,
      inputs: checkInputsOf(breached),
    },
    targets,
    rules,
    raises,
    breached,
  };
}

/** Timeline entries, breach events and webhooks of a case changed in bulk. */
async function recordBulk(page: SweepPage, d: Extract<Decision, { kind: 'bulk' }>): Promise<void> {
  const { trx, at, result, sink } = page;
  const row = d.breached;
  for (const target of d.targets) {
    result.breaches++;
    const dueAt = target === 'first_response' ? row.fr_due_at : row.res_due_at;
    sinkEntry(sink, row, { kind: 'sla', data: { target, event: 'breached', dueAt }, at });
    const payload = Object.assign(presentEventPayload(row), { target, dueAt });
    page.breaches.push({ type: 'case.sla.breached', workspaceId: row.workspace_id, payload, occurredAt: at });
    // Without an enabled endpoint there is nothing to enqueue (skips tens of thousands of calls in a catch-up).
    if (page.endpoints.some((e) => e.enabled === 1))
      await enqueueWebhooks(trx, row.workspace_id, 'case.sla.breached', payload, {
        endpoints: page.endpoints,
      });
  }
  result.escalations += d.rules.length;
  for (const r of d.raises)
    sinkEntry(sink, row, {
      kind: 'escalation',
      data: { ruleId: r.rule.id, rule: r.rule.name, action: 'raise_priority', from: r.from, to: r.to },
      at,
    });
}

/**
 * Evaluates one case at `at`: marks due targets breached (entry, `case.sla.breached` event and webhook) and fires
 * every matching escalation rule whose trigger time has come, once per rule (until the case is reopened).
 */
async function evaluate(page: SweepPage, row: DueCase, f: CaseFacts): Promise<void> {
  const { trx, options, config, at, result, moves, sink } = page;
  const ws = row.workspace_id;
  let current: MaybeCheckedCase = row;
  const { changes, targets } = breachesAt(row, at);
  const dueRules = dueRulesOf(config, row, f, at, changes);
  if (targets.length === 0 && dueRules.length === 0) {
    // Changed since it was read: only the next check moves.
    const next = nextCheckAt(row, f, config.escalation);
    if (next !== row.next_check_at) moves.push({ id: row.id, checkVersion: row.check_version, next });
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
 * Processes every case of a workspace whose check is due at `now`: one scan of the workspace's checks, decisions in
 * memory, then per chunk of SWEEP_CHUNK cases one short transaction with set-based writes. A case changed
 * concurrently by someone else is skipped (its writer recomputed its next check; the next sweep sees it). Schedules
 * the workspace's next sweep. Returns counts.
 */
export async function sweepWorkspace(
  db: Db,
  options: EngineOptions,
  workspaceId: string,
  now: number,
): Promise<SweepResult> {
  const result: SweepResult = { examined: 0, breaches: 0, escalations: 0, conflicts: 0 };
  let clock = performance.now();
  const lap = (phase: string) => {
    const t = performance.now();
    options.trace?.(phase, t - clock);
    clock = t;
  };
  const config = await loadConfig(db, workspaceId, true);
  const needFacts = config.escalation.some((r) => r.enabled && r.conditions.conditions.length > 0);
  const needTraits = usesCustomerFacts(config.escalation);
  const endpoints = await listEndpoints(db, workspaceId);
  // 1. Cases whose check is due but where nothing happens (their check was stale): the next check is computed and
  //    moved by the database, set-based, without reading them (when every rule translates to SQL).
  const nextSql = nextCheckSql(dialectOf(db), config.escalation);
  if (nextSql) {
    // Without rule conditions the expression reads only the columns copied to the check rows.
    result.examined += await moveStaleChecks(db, workspaceId, nextSql, now, !needFacts);
    lap('set-based moves');
  }
  // 2. The cases where something happens: read with the columns their breach events need.
  const columns: readonly (keyof CasesTable)[] = [
    ...CHECK_COLUMNS,
    ...(needFacts ? FACT_COLUMNS : []),
    ...(nextSql
      ? PAYLOAD_COLUMNS.filter((c) => c !== 'id' && !(needFacts && FACT_COLUMNS.includes(c as never)))
      : []),
  ];
  const due = await readWithChecks(db, workspaceId, columns, { due: now });
  lap('scan');
  // In id order: on PostgreSQL rows are locked in that order, so two overlapping sweeps wait for each other instead
  // of deadlocking; on SQLite the updates walk the primary key and the table in order (about 10 % faster).
  due.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let written = 0;
  for (let i = 0; i < due.length; i += SWEEP_CHUNK) {
    const rows = due.slice(i, i + SWEEP_CHUNK);
    const traits = needTraits
      ? await profileTraits(
          db,
          workspaceId,
          rows.map((r) => r.profile_id).filter((p): p is string => p !== null),
        )
      : new Map<string, Record<string, unknown>>();
    const factsOf = (row: CasesTable) =>
      facts(row, row.profile_id ? (traits.get(row.profile_id) ?? null) : null);
    const moves: NextCheckMove[] = [];
    const bulk: Extract<Decision, { kind: 'bulk' }>[] = [];
    const full: string[] = [];
    for (const row of rows) {
      result.examined++;
      const d = decide(config, row, needFacts ? factsOf(row) : null, now);
      if (d.kind === 'move') moves.push(d.move);
      else if (d.kind === 'bulk') bulk.push(d);
      else if (d.kind === 'full') full.push(row.id);
    }
    lap('decide');
    await inTransaction(db, async (trx) => {
      const page: SweepPage = {
        trx,
        options,
        config,
        at: now,
        result,
        moves,
        sink: [],
        breaches: [],
        endpoints,
      };
      const changed = await applyChanges(
        trx,
        workspaceId,
        now,
        bulk.map((d) => d.change),
      );
      lap('bulk update');
      const done = bulk.filter((d) => changed.has(d.change.id));
      written += done.length;
      result.conflicts += bulk.length - done.length;
      // Breach events describe the case: the columns the scan did not read, for the breaching cases only.
      const breaching = done.filter((d) => d.targets.length > 0 && d.breached.number === undefined);
      for (let j = 0; j < breaching.length; j += 500) {
        const part = breaching.slice(j, j + 500);
        const extra = await trx
          .selectFrom('cases')
          .select(PAYLOAD_COLUMNS)
          .where('workspace_id', '=', workspaceId)
          .where(
            'id',
            'in',
            part.map((d) => d.change.id),
          )
          .execute();
        const byId = new Map(extra.map((r) => [r.id, r]));
        for (const d of part) Object.assign(d.breached, byId.get(d.change.id));
      }
      for (const d of done) await recordBulk(page, d);
      await options.events.publishMany(trx, page.breaches);
      lap('breach events');
      for (let j = 0; j < full.length; j += 500) {
        const fresh = await readWithChecks(trx, workspaceId, ENGINE_COLUMNS, { ids: full.slice(j, j + 500) });
        for (const row of fresh) {
          try {
            await evaluate(page, row, factsOf(row));
          } catch (err) {
            if ((err as { code?: string }).code !== 'CASE_VERSION_CONFLICT') throw err;
            result.conflicts++;
          }
        }
      }
      lap('per-case evaluation');
      await flushEntries(trx, page.sink);
      lap('timeline entries');
      await moveChecks(trx, workspaceId, page.moves);
      lap('next-check moves');
    });
    lap('commit');
  }
  // A catch-up moved tens of thousands of checks at once (from the breached targets to the next ones).
  await refreshCheckStatistics(db, written);
  // The next sweep: at the earliest pending check; a check still due (a case changed concurrently, or an
  // escalation that made another rule apply) gets a sweep in a second.
  const next = await earliestCheck(db, workspaceId);
  if (next !== null) await scheduleCheck(db, workspaceId, Math.max(next, now + 1000));
  lap('schedule');
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

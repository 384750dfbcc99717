/**
 * The SLA and escalation engine. Each active case carries `next_check_at`, the next instant at which one of its
 * targets falls due or an escalation rule reaches its trigger time. A sweep takes every case of a workspace whose
 * check is due, in pages, evaluates it at the sweep's instant (breaches, escalation actions), writes only the cases
 * that changed, and schedules the workspace's next check on the durable job runner — so timers survive restarts
 * and many cases falling due together are handled in bulk.
 */
import type { Logger } from 'pino';
import { fromJson, inTransaction, type Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import { enqueueEmail, enqueueWebhooks } from '../notifications/index.js';
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
  addEntry,
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
import type { CasesTable } from './cases.tables.js';

const PAGE = 2000;

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
  trx: Db,
  config: WorkspaceCaseConfig,
  row: CasesTable,
  rule: RuleRow<EscalationConfig>,
  action: EscalationAction,
  at: number,
  publicUrl: string,
): Promise<CasesTable> {
  const ws = row.workspace_id;
  switch (action.type) {
    case 'raise_priority': {
      const to = action.to ?? raisedPriority(row.priority as Priority);
      if (priorityRank(to) <= priorityRank(row.priority as Priority)) return row;
      const updated = await writeCase(trx, config, row, { priority: to }, at);
      await addEntry(trx, ws, row.id, {
        kind: 'escalation',
        actor: null,
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
          await addEntry(trx, ws, row.id, {
            kind: 'escalation',
            actor: null,
            data: { ruleId: rule.id, rule: rule.name, action: 'reassign', skipped: 'no_supervisor' },
            at,
          });
          return row;
        }
        input = { assigneeId: team.supervisorId };
      }
      const updated = await assignRow(trx, null, row, input, `escalation:${rule.id}`, at);
      await addEntry(trx, ws, row.id, {
        kind: 'escalation',
        actor: null,
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
        ? await enqueueWebhooks(trx, ws, 'case.escalated', {
            ...presentEventPayload(row),
            ruleId: rule.id,
            trigger: rule.config.trigger,
          })
        : 0;
      await addEntry(trx, ws, row.id, {
        kind: 'escalation',
        actor: null,
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

/**
 * Evaluates one case at `at`: marks due targets breached (entry, `case.sla.breached` event and webhook) and fires
 * every matching escalation rule whose trigger time has come, once per rule (until the case is reopened).
 */
async function evaluate(
  trx: Db,
  options: EngineOptions,
  config: WorkspaceCaseConfig,
  row: CasesTable,
  f: CaseFacts,
  at: number,
  result: SweepResult,
): Promise<void> {
  const ws = row.workspace_id;
  let current = row;
  const { changes, targets } = breachesAt(row, at);
  const dueRules = config.escalation.filter((r) => {
    if (!r.enabled || row.escalations.includes(`,${r.id},`) || !matches(r.conditions, f)) return false;
    const t = triggerTime(r.config.trigger, triggerStateOf({ ...row, ...changes }));
    return t !== null && t <= at;
  });
  if (targets.length === 0 && dueRules.length === 0) {
    // Nothing happened; only the next check moves (no version bump: nothing a person sees changed).
    const next = nextCheckAt(row, f, config.escalation, at);
    if (next !== row.next_check_at) {
      await trx
        .updateTable('cases')
        .set({ next_check_at: next })
        .where('workspace_id', '=', ws)
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .execute();
    }
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
  );
  for (const target of targets) {
    result.breaches++;
    const dueAt = target === 'first_response' ? row.fr_due_at : row.res_due_at;
    await addEntry(trx, ws, row.id, {
      kind: 'sla',
      actor: null,
      data: { target, event: 'breached', dueAt },
      at,
    });
    const payload = { ...presentEventPayload(current), target, dueAt };
    await options.events.publish(trx, {
      type: 'case.sla.breached',
      workspaceId: ws,
      payload,
      occurredAt: at,
    });
    await enqueueWebhooks(trx, ws, 'case.sla.breached', payload);
  }
  for (const rule of dueRules) {
    result.escalations++;
    for (const action of rule.config.actions) {
      current = await runAction(trx, config, current, rule, action, at, options.publicUrl ?? '');
    }
  }
  void summarize;
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
  const needTraits = usesCustomerFacts(config.escalation);
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('cases')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('next_check_at', '<=', now)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    after = (rows[rows.length - 1] as CasesTable).id;
    const traits = needTraits
      ? await profileTraits(
          db,
          workspaceId,
          rows.map((r) => r.profile_id).filter((p): p is string => p !== null),
        )
      : new Map<string, Record<string, unknown>>();
    await inTransaction(db, async (trx) => {
      for (const row of rows) {
        result.examined++;
        const f = facts(row, row.profile_id ? (traits.get(row.profile_id) ?? null) : null);
        try {
          await evaluate(trx, options, config, row, f, now, result);
        } catch (err) {
          if ((err as { code?: string }).code !== 'CASE_VERSION_CONFLICT') throw err;
          result.conflicts++;
        }
      }
    });
    if (rows.length < PAGE) break;
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

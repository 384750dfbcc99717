import { fromJson } from '../../platform/db/index.js';
import { formatCaseNumber } from './case.model.js';
import type { CaseEntriesTable, CasesTable } from './cases.tables.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A case as the inbox lists it. */
export function presentCaseSummary(c: CasesTable) {
  return {
    id: c.id,
    number: formatCaseNumber(c.number),
    subject: c.subject,
    profileId: c.profile_id,
    channel: c.channel,
    touchpointKey: c.touchpoint_key,
    category: c.category,
    subcategory: c.subcategory,
    priority: c.priority,
    source: c.source,
    status: c.status,
    assigneeId: c.assignee_id,
    teamId: c.team_id,
    tags: fromJson<string[]>(c.tags),
    urgent: c.urgent === 1,
    sentiment: c.sentiment_label,
    sla: {
      state: c.sla_state,
      dueAt: iso(c.sla_due_at),
    },
    version: c.version,
    createdAt: iso(c.created_at) as string,
    updatedAt: iso(c.updated_at) as string,
  };
}

/** The full case. */
export function presentCase(c: CasesTable) {
  return {
    ...presentCaseSummary(c),
    description: c.description,
    language: c.language,
    analysis: {
      sentiment: c.sentiment_label,
      sentimentScore: c.sentiment_score,
      topics: fromJson<string[]>(c.topics),
      urgent: c.urgent === 1,
      urgencyReasons: fromJson<string[]>(c.urgency_reasons),
    },
    parentCaseId: c.parent_case_id,
    duplicateCount: c.duplicate_count,
    reopenCount: c.reopen_count,
    agentReplies: c.agent_replies,
    sla: {
      state: c.sla_state,
      dueAt: iso(c.sla_due_at),
      policyId: c.sla_policy_id,
      firstResponse: {
        status: c.fr_status,
        dueAt: iso(c.fr_due_at),
        remainingBusinessMs: c.fr_remaining_ms,
        at: iso(c.fr_at),
      },
      resolution: {
        status: c.res_status,
        dueAt: iso(c.res_due_at),
        remainingBusinessMs: c.res_remaining_ms,
        breachedAt: iso(c.res_breached_at),
      },
    },
    resolution: c.resolution === null ? null : fromJson<Record<string, unknown>>(c.resolution),
    followUp: { score: c.follow_up_score, metric: c.follow_up_metric },
    resolvedAt: iso(c.resolved_at),
    closedAt: iso(c.closed_at),
  };
}

export function presentEntry(e: CaseEntriesTable) {
  return {
    id: e.id,
    kind: e.kind,
    direction: e.direction,
    actor: { type: e.actor_type, id: e.actor_id },
    body: e.body,
    data: fromJson<Record<string, unknown>>(e.data),
    createdAt: iso(e.created_at) as string,
  };
}

/**
 * `nextCheckAt` (case.sla.ts) as one SQL expression over a case's columns, for a workspace's escalation rules, so a
 * sweep can move the checks of every due case where nothing happens with one set-based statement instead of reading
 * the cases and writing them back one by one. Only rules whose conditions look at the case's own columns translate;
 * customer facts (`vip`, `value_tier`, `trait`) need the profiles, and a workspace with such a rule keeps the
 * evaluation in memory. The expression and the function agree on every case (property test in
 * case.check-sql.test.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import type { DatabaseKind } from '../../platform/db/index.js';
import { PRIORITIES } from './case.model.js';
import type { Condition, ConditionSet, EscalationTrigger } from './case.rules.js';
import type { EscalationConfig, RuleRow } from './case.settings.js';

type Expr = RawBuilder<unknown>;

const list = (values: readonly (string | number)[]): Expr => sql.join(values.map((v) => sql`${v}`));

const rank = sql`(case priority ${sql.join(
  PRIORITIES.map((p, i) => sql`when ${p} then ${i}`),
  sql` `,
)} else -1 end)`;

/** One condition as a boolean SQL expression, or null when it needs more than the case's columns. */
function conditionSql(kind: DatabaseKind, c: Condition): Expr | null {
  switch (c.type) {
    case 'category': {
      const whole = c.values.filter((v) => !v.includes('/'));
      const sub = c.values.filter((v) => v.includes('/'));
      const parts: Expr[] = [];
      if (whole.length) parts.push(sql`category in (${list(whole)})`);
      if (sub.length)
        parts.push(sql`(subcategory is not null and category || '/' || subcategory in (${list(sub)}))`);
      return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`1 = 0`;
    }
    case 'priority': {
      const parts: Expr[] = [];
      if (c.values !== undefined) parts.push(sql`priority in (${list(c.values)})`);
      if (c.atLeast !== undefined) parts.push(sql`${rank} >= ${PRIORITIES.indexOf(c.atLeast)}`);
      return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`1 = 1`;
    }
    case 'channel':
      return sql`channel in (${list(c.values)})`;
    case 'source':
      return sql`source in (${list(c.values)})`;
    case 'touchpoint':
      return sql`(touchpoint_key is not null and touchpoint_key in (${list(c.values)}))`;
    case 'language':
      return sql`(${sql.join(
        c.values.map(
          (v) =>
            sql`(language = ${v} or substr(language, 1, ${v.length + 1}) = ${`${v}-`}
              or substr(${v}, 1, length(language) + 1) = language || '-')`,
        ),
        sql` or `,
      )})`;
    case 'tag':
      return kind === 'sqlite'
        ? sql`exists (select 1 from json_each(cases.tags) as t where t.value in (${list(c.values)}))`
        : sql`exists (select 1 from jsonb_array_elements_text(cases.tags) as t(value) where t.value in (${list(c.values)}))`;
    case 'urgent':
      return sql`urgent = ${c.value ? 1 : 0}`;
    case 'sentiment':
      return sql`(sentiment_label is not null and sentiment_label in (${list(c.values)}))`;
    case 'vip':
    case 'value_tier':
    case 'trait':
      return null;
  }
}

function conditionsSql(kind: DatabaseKind, set: ConditionSet): Expr | null {
  if (set.conditions.length === 0) return sql`1 = 1`;
  const parts: Expr[] = [];
  for (const c of set.conditions) {
    const e = conditionSql(kind, c);
    if (e === null) return null;
    parts.push(e);
  }
  return sql`(${sql.join(parts, set.match === 'any' ? sql` or ` : sql` and `)})`;
}

/** triggerTime (case.rules.ts) in SQL: null when the trigger cannot fire. */
function triggerSql(t: EscalationTrigger): Expr {
  switch (t.type) {
    case 'sla_breached':
      return t.target === 'first_response'
        ? sql`(case when fr_status = 'breached' then coalesce(fr_due_at, 0)
            when fr_status = 'active' and fr_due_at is not null then fr_due_at end)`
        : sql`(case when res_status = 'breached' then coalesce(res_due_at, 0)
            when res_status = 'active' and res_due_at is not null then res_due_at end)`;
    case 'sla_due_soon':
      return t.target === 'first_response'
        ? sql`(case when fr_status = 'active' and fr_due_at is not null then fr_due_at - ${t.minutes * 60_000} end)`
        : sql`(case when res_status = 'active' and res_due_at is not null then res_due_at - ${t.minutes * 60_000} end)`;
    case 'unassigned_for':
      return sql`(case when assignee_id is null and status in ('new', 'open') then created_at + ${t.minutes * 60_000} end)`;
    case 'idle_for':
      return sql`(case when status in ('new', 'open') then last_activity_at + ${t.minutes * 60_000} end)`;
  }
}

/** Larger than any instant: stands for "no check" inside SQLite's scalar min(), which returns null on any null. */
const NEVER = 9_000_000_000_000_000;

/**
 * The next check of a case as an SQL expression over the `cases` row, or null when a rule's conditions need the
 * customer's traits (then only the in-memory evaluation is exact).
 */
export function nextCheckSql(kind: DatabaseKind, rules: readonly RuleRow<EscalationConfig>[]): Expr | null {
  const terms: Expr[] = [
    sql`(case when fr_status = 'active' then fr_due_at end)`,
    sql`(case when res_status = 'active' then res_due_at end)`,
  ];
  for (const r of rules) {
    if (!r.enabled) continue;
    const cond = conditionsSql(kind, r.conditions);
    if (cond === null) return null;
    const unfired =
      kind === 'sqlite'
        ? sql`instr(escalations, ${`,${r.id},`}) = 0`
        : sql`strpos(escalations, ${`,${r.id},`}) = 0`;
    terms.push(sql`(case when ${unfired} and ${cond} then ${triggerSql(r.config.trigger)} end)`);
  }
  const earliest =
    kind === 'sqlite'
      ? sql`nullif(min(${sql.join(
          terms.map((t) => sql`coalesce(${t}, ${NEVER})`),
          sql`, `,
        )}), ${NEVER})`
      : sql`least(${sql.join(terms, sql`, `)})`;
  return sql`(case when status in ('resolved', 'closed') then null else ${earliest} end)`;
}

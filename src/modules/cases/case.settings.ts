/**
 * A workspace's case configuration: taxonomy, business calendar, case settings, teams, routing rules, SLA policies
 * and escalation rules. Reads go through a short-lived in-process cache (the ingestion hook and the SLA sweep read
 * them constantly); every write here clears the workspace's entry.
 */
import { fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import {
  CalendarError,
  compileCalendar,
  defaultCalendar,
  validateCalendar,
  type BusinessCalendar,
  type CompiledCalendar,
} from './business-hours.js';
import {
  calendarInvalid,
  notAMember,
  ruleInvalid,
  ruleNotFound,
  settingsInvalid,
  taxonomyInvalid,
  teamInUse,
  teamNotFound,
} from './case.errors.js';
import { DEFAULT_CASE_TAXONOMY, PRIORITIES, type Priority, type TaxonomyNode } from './case.model.js';
import {
  RuleError,
  validateActions,
  validateConditions,
  validateTarget,
  validateTrigger,
  type ConditionSet,
  type EscalationAction,
  type EscalationTrigger,
  type RoutingTarget,
  type RuleContext,
} from './case.rules.js';
import { requestRecheck } from './case.recheck.js';
import type { CaseRulesTable } from './cases.tables.js';

export interface CaseSettings {
  /** Event names that open a case when recorded (`track` events). */
  complaintEvents: string[];
  /** Touchpoint keys whose events open a case (an event with properties.touchpoint or context.touchpoint). */
  complaintTouchpoints: string[];
  /** A new case for the same customer and category within this window is linked to the open one. */
  duplicateWindowHours: number;
  /** What a low follow-up rating of a resolved case does: reopen it, or open a follow-up task (a child case). */
  lowRatingAction: 'reopen' | 'task';
  /** Urgent texts (churn threat, regulator, …) raise the priority to at least this. */
  urgentPriority: Priority;
  /** Priority of a detractor follow-up case. */
  detractorPriority: Priority;
}

export const DEFAULT_SETTINGS: CaseSettings = {
  complaintEvents: ['Complaint Filed'],
  complaintTouchpoints: ['complain'],
  duplicateWindowHours: 72,
  lowRatingAction: 'reopen',
  urgentPriority: 'high',
  detractorPriority: 'normal',
};

export interface SlaConfig {
  /** Business minutes to the first agent reply; null = no first-response target. */
  firstResponseMinutes: number | null;
  /** Business minutes to resolution; null = no resolution target. */
  resolutionMinutes: number | null;
}

export interface RuleRow<C> {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: ConditionSet;
  config: C;
  createdAt: number;
  updatedAt: number;
}

export type RuleKind = 'routing' | 'sla' | 'escalation';
export interface EscalationConfig {
  trigger: EscalationTrigger;
  actions: EscalationAction[];
}
export interface RuleConfigs {
  routing: RoutingTarget;
  sla: SlaConfig;
  escalation: EscalationConfig;
}

export interface TeamView {
  id: string;
  name: { 'zh-CN': string; en: string };
  supervisorId: string | null;
  members: { userId: string; capacity: number; available: boolean }[];
  createdAt: number;
  updatedAt: number;
}

/** Everything about a workspace's configuration, loaded at once. */
export interface WorkspaceCaseConfig {
  taxonomy: TaxonomyNode[];
  calendar: BusinessCalendar;
  compiled: CompiledCalendar;
  settings: CaseSettings;
  teams: TeamView[];
  routing: RuleRow<RoutingTarget>[];
  sla: RuleRow<SlaConfig>[];
  escalation: RuleRow<EscalationConfig>[];
  loadedAt: number;
}

const CACHE_MS = 15_000;
const cache = new Map<string, WorkspaceCaseConfig>();

/** Drops the cached configuration of a workspace (after a write, and in tests). */
export function forgetConfig(workspaceId: string): void {
  cache.delete(workspaceId);
}

async function workspaceTimeZone(db: Db, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('workspaces')
    .select('time_zone')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.time_zone ?? 'Asia/Shanghai';
}

function toRule<C>(r: CaseRulesTable): RuleRow<C> {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    enabled: r.enabled === 1,
    conditions: fromJson<ConditionSet>(r.conditions),
    config: fromJson<C>(r.config),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The workspace's configuration (cached for a few seconds). */
export async function loadConfig(db: Db, workspaceId: string, fresh = false): Promise<WorkspaceCaseConfig> {
  const hit = cache.get(workspaceId);
  if (!fresh && hit && Date.now() - hit.loadedAt < CACHE_MS) return hit;
  const row = await db
    .selectFrom('case_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const calendar = row?.calendar
    ? fromJson<BusinessCalendar>(row.calendar)
    : defaultCalendar(await workspaceTimeZone(db, workspaceId));
  const teams = await listTeams(db, workspaceId);
  const rules = await db
    .selectFrom('case_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const config: WorkspaceCaseConfig = {
    taxonomy: row?.taxonomy ? fromJson<TaxonomyNode[]>(row.taxonomy) : [...DEFAULT_CASE_TAXONOMY],
    calendar,
    compiled: compileCalendar(calendar),
    settings: {
      ...DEFAULT_SETTINGS,
      ...(row?.settings ? fromJson<Partial<CaseSettings>>(row.settings) : {}),
    },
    teams,
    routing: rules.filter((r) => r.kind === 'routing').map((r) => toRule<RoutingTarget>(r)),
    sla: rules.filter((r) => r.kind === 'sla').map((r) => toRule<SlaConfig>(r)),
    escalation: rules.filter((r) => r.kind === 'escalation').map((r) => toRule<EscalationConfig>(r)),
    loadedAt: Date.now(),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(workspaceId, config);
  return config;
}

/** Makes sure the workspace has its settings row (holding the case-number counter). */
export async function ensureSettingsRow(db: Db, workspaceId: string): Promise<void> {
  await db
    .insertInto('case_settings')
    .values({
      workspace_id: workspaceId,
      taxonomy: null,
      calendar: null,
      settings: null,
      next_number: 1,
      updated_at: Date.now(),
    })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
}

async function saveSettingsColumn(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  column: 'taxonomy' | 'calendar' | 'settings',
  value: unknown,
  /** Runs in the transaction before the write (sees the value being replaced). */
  before?: (trx: Db) => Promise<void>,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await ensureSettingsRow(trx, workspaceId);
    if (before) await before(trx);
    await trx
      .updateTable('case_settings')
      .set({ [column]: value === null ? null : toJson(value), updated_at: Date.now() })
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: `case_${column}.updated`,
      targetType: 'case_settings',
      targetId: workspaceId,
    });
  });
  forgetConfig(workspaceId);
}

// ---------------------------------------------------------------------------------------------------------------
// Taxonomy, calendar, settings

const KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;

function checkName(path: string, name: unknown): { 'zh-CN': string; en: string } {
  const n = (name ?? {}) as Record<string, unknown>;
  for (const lang of ['zh-CN', 'en'])
    if (typeof n[lang] !== 'string' || !(n[lang] as string).trim() || (n[lang] as string).length > 60)
      throw taxonomyInvalid(`${path}.${lang}`, 'needs a name of 1 to 60 characters');
  return { 'zh-CN': (n['zh-CN'] as string).trim(), en: (n.en as string).trim() };
}

/** Validates a taxonomy: unique keys, bilingual names; it must keep `other` so unmatched complaints have a home. */
export function validateTaxonomy(input: unknown): TaxonomyNode[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > 100)
    throw taxonomyInvalid('categories', 'needs 1 to 100 categories');
  const seen = new Set<string>();
  const out = input.map((c: unknown, i): TaxonomyNode => {
    const x = (c ?? {}) as Record<string, unknown>;
    if (typeof x.key !== 'string' || !KEY_RE.test(x.key))
      throw taxonomyInvalid(`categories.${i}.key`, 'lower-case letters, digits and _ (max 40)');
    if (seen.has(x.key)) throw taxonomyInvalid(`categories.${i}.key`, `duplicate key ${x.key}`);
    seen.add(x.key);
    const subs = x.subcategories ?? [];
    if (!Array.isArray(subs) || subs.length > 50)
      throw taxonomyInvalid(`categories.${i}.subcategories`, 'at most 50 subcategories');
    const subSeen = new Set<string>();
    return {
      key: x.key,
      name: checkName(`categories.${i}.name`, x.name),
      subcategories: subs.map((s: unknown, j) => {
        const y = (s ?? {}) as Record<string, unknown>;
        if (typeof y.key !== 'string' || !KEY_RE.test(y.key) || subSeen.has(y.key))
          throw taxonomyInvalid(
            `categories.${i}.subcategories.${j}.key`,
            'missing, malformed or duplicate key',
          );
        subSeen.add(y.key);
        return { key: y.key, name: checkName(`categories.${i}.subcategories.${j}.name`, y.name) };
      }),
    };
  });
  if (!seen.has('other')) throw taxonomyInvalid('categories', "must keep the category 'other'");
  return out;
}

export async function setTaxonomy(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: unknown,
): Promise<TaxonomyNode[]> {
  const taxonomy = validateTaxonomy(input);
  await saveSettingsColumn(db, ctx, workspaceId, 'taxonomy', taxonomy);
  return taxonomy;
}

export async function setCalendar(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: unknown,
): Promise<BusinessCalendar> {
  let calendar: BusinessCalendar;
  try {
    calendar = validateCalendar(input);
  } catch (err) {
    if (err instanceof CalendarError) throw calendarInvalid(err);
    throw err;
  }
  await saveSettingsColumn(db, ctx, workspaceId, 'calendar', calendar, async (trx) => {
    // Running targets keep the business time they have left, counted in the new calendar.
    const before = (await loadConfig(trx, workspaceId, true)).calendar;
    if (JSON.stringify(before) === JSON.stringify(calendar)) return;
    await requestRecheck(trx, workspaceId, 'calendar', { before, after: calendar }, Date.now());
  });
  return calendar;
}

const EVENT_NAME_MAX = 200;

/** Validates a partial settings object against the defaults (unknown keys rejected). */
export function validateSettings(current: CaseSettings, input: Record<string, unknown>): CaseSettings {
  const out: CaseSettings = { ...current };
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'complaintEvents':
      case 'complaintTouchpoints': {
        if (!Array.isArray(value) || value.length > 50)
          throw settingsInvalid(key, 'must be a list of at most 50 names');
        for (const v of value)
          if (typeof v !== 'string' || !v.trim() || v.length > EVENT_NAME_MAX)
            throw settingsInvalid(key, `names must be 1 to ${EVENT_NAME_MAX} characters`);
        out[key] = [...new Set(value as string[])];
        break;
      }
      case 'duplicateWindowHours':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 24 * 365)
          throw settingsInvalid(key, 'must be an integer between 0 and 8760');
        out.duplicateWindowHours = value;
        break;
      case 'lowRatingAction':
        if (value !== 'reopen' && value !== 'task') throw settingsInvalid(key, "must be 'reopen' or 'task'");
        out.lowRatingAction = value;
        break;
      case 'urgentPriority':
      case 'detractorPriority':
        if (!(PRIORITIES as readonly unknown[]).includes(value))
          throw settingsInvalid(key, `must be one of ${PRIORITIES.join(', ')}`);
        out[key] = value as Priority;
        break;
      default:
        throw settingsInvalid(key, 'unknown setting');
    }
  }
  return out;
}

export async function updateSettings(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: Record<string, unknown>,
): Promise<CaseSettings> {
  const current = (await loadConfig(db, workspaceId, true)).settings;
  const next = validateSettings(current, input);
  await saveSettingsColumn(db, ctx, workspaceId, 'settings', next);
  return next;
}

// ---------------------------------------------------------------------------------------------------------------
// Members of the workspace (read-only: the workspaces module owns memberships)

/** The roles of the given users in the workspace (users who are not members are absent). */
export async function memberRoles(
  db: Db,
  workspaceId: string,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('memberships')
    .select(['user_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', [...new Set(userIds)].slice(0, 500))
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.role]));
}

/** Throws CASE_ASSIGNEE_NOT_MEMBER unless every user is a member of the workspace. */
export async function assertMembers(db: Db, workspaceId: string, userIds: readonly string[]): Promise<void> {
  const roles = await memberRoles(db, workspaceId, userIds);
  for (const u of userIds) if (!roles.has(u)) throw notAMember(u);
}

/** E-mail addresses and locales of members, for notifications. */
export async function memberContacts(
  db: Db,
  workspaceId: string,
  userIds: readonly string[],
): Promise<{ userId: string; email: string; name: string; locale: string }[]> {
  if (!userIds.length) return [];
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.locale'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.user_id', 'in', [...new Set(userIds)])
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, locale: r.locale }));
}

// ---------------------------------------------------------------------------------------------------------------
// Teams

export async function listTeams(db: Db, workspaceId: string): Promise<TeamView[]> {
  const teams = await db
    .selectFrom('case_teams')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
  const members = await db
    .selectFrom('case_team_members')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('user_id')
    .execute();
  return teams.map((t) => ({
    id: t.id,
    name: { 'zh-CN': t.name_zh, en: t.name_en },
    supervisorId: t.supervisor_id,
    members: members
      .filter((m) => m.team_id === t.id)
      .map((m) => ({ userId: m.user_id, capacity: m.capacity, available: m.available === 1 })),
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  }));
}

export interface TeamInput {
  name: { 'zh-CN': string; en: string };
  supervisorId?: string | null;
  members?: { userId: string; capacity?: number; available?: boolean }[];
}

async function writeTeam(
  trx: Db,
  workspaceId: string,
  id: string,
  input: TeamInput,
  now: number,
): Promise<void> {
  const userIds = [
    ...(input.members ?? []).map((m) => m.userId),
    ...(input.supervisorId ? [input.supervisorId] : []),
  ];
  await assertMembers(trx, workspaceId, userIds);
  const seen = new Set<string>();
  for (const m of input.members ?? []) {
    if (seen.has(m.userId)) throw settingsInvalid('members', `${m.userId} is listed twice`);
    seen.add(m.userId);
  }
  await trx
    .deleteFrom('case_team_members')
    .where('workspace_id', '=', workspaceId)
    .where('team_id', '=', id)
    .execute();
  if (input.members?.length)
    await trx
      .insertInto('case_team_members')
      .values(
        input.members.map((m) => ({
          workspace_id: workspaceId,
          team_id: id,
          user_id: m.userId,
          capacity: m.capacity ?? 10,
          available: m.available === false ? 0 : 1,
          created_at: now,
        })),
      )
      .execute();
}

export async function createTeam(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: TeamInput,
): Promise<TeamView> {
  const id = newId('team');
  const now = Date.now();
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('case_teams')
      .values({
        workspace_id: workspaceId,
        id,
        name_zh: input.name['zh-CN'],
        name_en: input.name.en,
        supervisor_id: input.supervisorId ?? null,
        rr_last_user_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await writeTeam(trx, workspaceId, id, input, now);
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'case_team.created',
      targetType: 'case_team',
      targetId: id,
    });
  });
  forgetConfig(workspaceId);
  return getTeam(db, workspaceId, id);
}

export async function getTeam(db: Db, workspaceId: string, id: string): Promise<TeamView> {
  const team = (await listTeams(db, workspaceId)).find((t) => t.id === id);
  if (!team) throw teamNotFound(id);
  return team;
}

export async function updateTeam(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
  input: Partial<TeamInput>,
): Promise<TeamView> {
  const current = await getTeam(db, workspaceId, id);
  const merged: TeamInput = {
    name: input.name ?? current.name,
    supervisorId: input.supervisorId === undefined ? current.supervisorId : input.supervisorId,
    members: input.members ?? current.members,
  };
  const now = Date.now();
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('case_teams')
      .set({
        name_zh: merged.name['zh-CN'],
        name_en: merged.name.en,
        supervisor_id: merged.supervisorId ?? null,
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await writeTeam(trx, workspaceId, id, merged, now);
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'case_team.updated',
      targetType: 'case_team',
      targetId: id,
    });
  });
  forgetConfig(workspaceId);
  return getTeam(db, workspaceId, id);
}

export async function deleteTeam(db: Db, ctx: ActorContext, workspaceId: string, id: string): Promise<void> {
  await getTeam(db, workspaceId, id);
  const config = await loadConfig(db, workspaceId, true);
  const using = [
    ...config.routing.filter((r) => r.config.type === 'team' && r.config.teamId === id),
    ...config.escalation.filter((r) =>
      r.config.actions.some((a) => a.type === 'reassign' && a.teamId === id),
    ),
  ];
  if (using.length) throw teamInUse(id, using.length);
  await inTransaction(db, async (trx) => {
    await trx
      .deleteFrom('case_team_members')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', id)
      .execute();
    await trx.deleteFrom('case_teams').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    // Cases of the team stay, unassigned from it.
    await trx
      .updateTable('cases')
      .set((eb) => ({ team_id: null, version: eb('version', '+', 1) }))
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', id)
      .execute();
    await trx
      .updateTable('case_queue')
      .set({ team_id: null })
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'case_team.deleted',
      targetType: 'case_team',
      targetId: id,
    });
  });
  forgetConfig(workspaceId);
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

/** What rule validation needs: the taxonomy, teams and a membership check, loaded now. */
export async function ruleContext(
  db: Db,
  workspaceId: string,
  userIds: readonly string[],
): Promise<RuleContext> {
  const config = await loadConfig(db, workspaceId, true);
  const roles = await memberRoles(db, workspaceId, userIds);
  return {
    categories: new Set(config.taxonomy.map((c) => c.key)),
    subcategories: new Set(config.taxonomy.flatMap((c) => c.subcategories.map((s) => `${c.key}/${s.key}`))),
    teams: new Set(config.teams.map((t) => t.id)),
    isAgent: (u) => roles.has(u),
  };
}

/** User ids a rule body mentions anywhere (for one membership query). */
function mentionedUsers(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mentionedUsers(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'userId' && typeof v === 'string') out.push(v);
      else mentionedUsers(v, out);
    }
  return out;
}

export interface RuleInput {
  name: string;
  enabled?: boolean;
  position?: number;
  match?: 'all' | 'any';
  conditions?: unknown[];
  /** routing */
  target?: unknown;
  /** sla */
  firstResponseMinutes?: number | null;
  resolutionMinutes?: number | null;
  /** escalation */
  trigger?: unknown;
  actions?: unknown[];
}

function validateConfig<K extends RuleKind>(kind: K, input: RuleInput, ctx: RuleContext): RuleConfigs[K] {
  switch (kind) {
    case 'routing':
      return validateTarget('target', input.target, ctx) as RuleConfigs[K];
    case 'sla': {
      const fr = input.firstResponseMinutes ?? null;
      const res = input.resolutionMinutes ?? null;
      for (const [path, v] of [
        ['firstResponseMinutes', fr],
        ['resolutionMinutes', res],
      ] as const)
        if (v !== null && (!Number.isInteger(v) || v < 1 || v > 60 * 24 * 365))
          throw new RuleError(path, 'must be an integer number of business minutes between 1 and 525600');
      if (fr === null && res === null)
        throw new RuleError('firstResponseMinutes', 'a policy needs a first-response or a resolution target');
      return { firstResponseMinutes: fr, resolutionMinutes: res } as RuleConfigs[K];
    }
    case 'escalation':
      return {
        trigger: validateTrigger('trigger', input.trigger),
        actions: validateActions('actions', input.actions, ctx),
      } as RuleConfigs[K];
    default:
      throw new RuleError('kind', 'unknown rule kind');
  }
}

export async function listRules<K extends RuleKind>(
  db: Db,
  workspaceId: string,
  kind: K,
): Promise<RuleRow<RuleConfigs[K]>[]> {
  const rows = await db
    .selectFrom('case_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => toRule<RuleConfigs[K]>(r));
}

export async function getRule<K extends RuleKind>(
  db: Db,
  workspaceId: string,
  kind: K,
  id: string,
): Promise<RuleRow<RuleConfigs[K]>> {
  const row = await db
    .selectFrom('case_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw ruleNotFound(id);
  return toRule<RuleConfigs[K]>(row);
}

export async function saveRule<K extends RuleKind>(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  kind: K,
  input: RuleInput,
  id?: string,
): Promise<RuleRow<RuleConfigs[K]>> {
  const ctx = await ruleContext(db, workspaceId, mentionedUsers(input));
  let conditions: ConditionSet;
  let config: RuleConfigs[K];
  try {
    conditions = validateConditions('', { match: input.match, conditions: input.conditions }, ctx);
    config = validateConfig(kind, input, ctx);
  } catch (err) {
    if (err instanceof RuleError)
      throw ruleInvalid(new RuleError(err.path.replace(/^\./, ''), err.reason, err.code));
    throw err;
  }
  const now = Date.now();
  const ruleId = id ?? newId(kind === 'routing' ? 'rr' : kind === 'sla' ? 'slap' : 'esc');
  await inTransaction(db, async (trx) => {
    if (id) {
      const existing = await getRule(trx, workspaceId, kind, id);
      if (kind === 'sla') {
        const b = existing.config as SlaConfig;
        const a = config as SlaConfig;
        if (b.firstResponseMinutes !== a.firstResponseMinutes || b.resolutionMinutes !== a.resolutionMinutes)
          await requestRecheck(
            trx,
            workspaceId,
            'sla_policy',
            {
              policyId: id,
              before: {
                firstResponseMinutes: b.firstResponseMinutes,
                resolutionMinutes: b.resolutionMinutes,
              },
              after: { firstResponseMinutes: a.firstResponseMinutes, resolutionMinutes: a.resolutionMinutes },
            },
            now,
          );
      }
      if (kind === 'escalation' && (existing.enabled || input.enabled !== false))
        await requestRecheck(trx, workspaceId, 'escalation_rules', { ruleId }, now);
      await trx
        .updateTable('case_rules')
        .set({
          name: input.name,
          enabled: input.enabled === false ? 0 : 1,
          position: input.position ?? existing.position,
          conditions: toJson(conditions),
          config: toJson(config),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    } else {
      const last = await trx
        .selectFrom('case_rules')
        .select((eb) => eb.fn.max('position').as('p'))
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      await trx
        .insertInto('case_rules')
        .values({
          workspace_id: workspaceId,
          id: ruleId,
          kind,
          name: input.name,
          position: input.position ?? Number(last?.p ?? 0) + 10,
          enabled: input.enabled === false ? 0 : 1,
          conditions: toJson(conditions),
          config: toJson(config),
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (kind === 'escalation' && input.enabled !== false)
        await requestRecheck(trx, workspaceId, 'escalation_rules', { ruleId }, now);
    }
    await recordAudit(trx, actor, {
      workspaceId,
      action: `case_${kind}_rule.${id ? 'updated' : 'created'}`,
      targetType: 'case_rule',
      targetId: ruleId,
    });
  });
  forgetConfig(workspaceId);
  return getRule(db, workspaceId, kind, ruleId);
}

export async function deleteRule(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  kind: RuleKind,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const existing = await getRule(trx, workspaceId, kind, id);
    await trx.deleteFrom('case_rules').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    if (kind === 'escalation' && existing.enabled)
      await requestRecheck(trx, workspaceId, 'escalation_rules', { ruleId: id }, Date.now());
    await recordAudit(trx, actor, {
      workspaceId,
      action: `case_${kind}_rule.deleted`,
      targetType: 'case_rule',
      targetId: id,
    });
  });
  forgetConfig(workspaceId);
}

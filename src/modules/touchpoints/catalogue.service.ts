import {
  fromJson,
  inTransaction,
  isUniqueViolation,
  newId,
  toJson,
  type Db,
} from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { listChannels } from '../ingest/index.js';
import { JOURNEY_TEMPLATES, type TemplateTouchpoint } from './journey.templates.js';
import type { TouchpointMapper } from './touchpoint.mapping.js';
import { validateRule, type MatchRule } from './touchpoint.rules.js';
import {
  journeyExists,
  journeyNotFound,
  journeyStepUnknown,
  templateNotFound,
  touchpointExists,
  touchpointInUse,
  touchpointNotFound,
  unknownChannels,
} from './touchpoints.errors.js';
import type {
  CreateJourneyInput,
  CreateTouchpointInput,
  UpdateJourneyInput,
  UpdateTouchpointInput,
} from './touchpoints.schema.js';
import type { JourneysTable, TouchpointsTable } from './touchpoints.tables.js';

/** Touchpoints and journeys: the catalogue a workspace edits. Every change is audited and refreshes the mapping. */
export class Catalogue {
  constructor(
    private readonly db: Db,
    private readonly mapper: TouchpointMapper,
  ) {}

  async listTouchpoints(
    workspaceId: string,
  ): Promise<{ touchpoint: TouchpointsTable; journeys: string[] }[]> {
    const [rows, journeys] = await Promise.all([
      this.db
        .selectFrom('touchpoints')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('priority')
        .orderBy('created_at')
        .execute(),
      this.listJourneys(workspaceId),
    ]);
    return rows.map((t) => ({ touchpoint: t, journeys: journeysOf(journeys, t.key) }));
  }

  async getTouchpoint(workspaceId: string, key: string, db: Db = this.db) {
    const t = await db
      .selectFrom('touchpoints')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!t) throw touchpointNotFound(key);
    return { touchpoint: t, journeys: journeysOf(await this.listJourneys(workspaceId, db), key) };
  }

  async createTouchpoint(ctx: ActorContext, workspaceId: string, input: CreateTouchpointInput) {
    await this.checkRuleAndChannels(workspaceId, input.rule, input.channels ?? []);
    const now = Date.now();
    const row: TouchpointsTable = {
      workspace_id: workspaceId,
      id: newId('tpt'),
      key: input.key,
      name_zh: input.name['zh-CN'].trim(),
      name_en: input.name.en.trim(),
      description_zh: input.description?.['zh-CN'] ?? '',
      description_en: input.description?.en ?? '',
      core_need_zh: input.coreNeed?.['zh-CN'] ?? '',
      core_need_en: input.coreNeed?.en ?? '',
      stage: input.stage,
      phase: input.phase,
      channels: toJson(input.channels ?? []),
      owner_team: input.ownerTeam ?? null,
      target_score: input.targetScore ?? null,
      target_conversion: input.targetConversion ?? null,
      rule: toJson(input.rule),
      priority: input.priority ?? 100,
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (trx) => {
      try {
        await trx.insertInto('touchpoints').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw touchpointExists(input.key);
        throw err;
      }
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'touchpoint.created',
        targetType: 'touchpoint',
        targetId: input.key,
        details: { rule: input.rule },
      });
    });
    this.mapper.invalidate(workspaceId);
    return { touchpoint: row, journeys: [] };
  }

  async updateTouchpoint(ctx: ActorContext, workspaceId: string, key: string, input: UpdateTouchpointInput) {
    const result = await inTransaction(this.db, async (trx) => {
      const { touchpoint: t } = await this.getTouchpoint(workspaceId, key, trx);
      await this.checkRuleAndChannels(
        workspaceId,
        input.rule ?? fromJson<MatchRule>(t.rule),
        input.channels ?? fromJson<string[]>(t.channels),
        trx,
      );
      const changes: Partial<TouchpointsTable> = {
        ...(input.name && { name_zh: input.name['zh-CN'].trim(), name_en: input.name.en.trim() }),
        ...(input.description && {
          description_zh: input.description['zh-CN'],
          description_en: input.description.en,
        }),
        ...(input.coreNeed && { core_need_zh: input.coreNeed['zh-CN'], core_need_en: input.coreNeed.en }),
        ...(input.stage !== undefined && { stage: input.stage }),
        ...(input.phase !== undefined && { phase: input.phase }),
        ...(input.channels !== undefined && { channels: toJson(input.channels) }),
        ...(input.ownerTeam !== undefined && { owner_team: input.ownerTeam }),
        ...(input.targetScore !== undefined && { target_score: input.targetScore }),
        ...(input.targetConversion !== undefined && { target_conversion: input.targetConversion }),
        ...(input.rule !== undefined && { rule: toJson(input.rule) }),
        ...(input.priority !== undefined && { priority: input.priority }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        updated_at: Date.now(),
      };
      await trx
        .updateTable('touchpoints')
        .set(changes)
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'touchpoint.updated',
        targetType: 'touchpoint',
        targetId: key,
        details: { fields: Object.keys(input), ...(input.rule && { rule: input.rule }) },
      });
      return this.getTouchpoint(workspaceId, key, trx);
    });
    this.mapper.invalidate(workspaceId);
    return result;
  }

  /** Deletes a touchpoint that no journey uses, with its mapped events and rollups. */
  async deleteTouchpoint(ctx: ActorContext, workspaceId: string, key: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const { journeys } = await this.getTouchpoint(workspaceId, key, trx);
      if (journeys.length) throw touchpointInUse(key, journeys);
      await trx
        .deleteFrom('touchpoints')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
      await trx
        .updateTable('events')
        .set({ touchpoint_key: null })
        .where('workspace_id', '=', workspaceId)
        .where('touchpoint_key', '=', key)
        .execute();
      for (const table of ['touchpoint_daily', 'touchpoint_profiles'] as const)
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('touchpoint_key', '=', key)
          .execute();
      for (const table of ['touchpoint_conversions', 'touchpoint_conversion_daily'] as const)
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where((eb) => eb.or([eb('from_key', '=', key), eb('to_key', '=', key)]))
          .execute();
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'touchpoint.deleted',
        targetType: 'touchpoint',
        targetId: key,
        details: {},
      });
    });
    this.mapper.invalidate(workspaceId);
  }

  listJourneys(workspaceId: string, db: Db = this.db): Promise<JourneysTable[]> {
    return db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .execute();
  }

  async getJourney(workspaceId: string, key: string, db: Db = this.db): Promise<JourneysTable> {
    const j = await db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!j) throw journeyNotFound(key);
    return j;
  }

  async createJourney(
    ctx: ActorContext,
    workspaceId: string,
    input: CreateJourneyInput,
    template: string | null = null,
    db?: Db,
  ) {
    const run = async (trx: Db) => {
      await this.checkSteps(workspaceId, input.steps, trx);
      const now = Date.now();
      const row: JourneysTable = {
        workspace_id: workspaceId,
        id: newId('jrn'),
        key: input.key,
        name_zh: input.name['zh-CN'].trim(),
        name_en: input.name.en.trim(),
        description_zh: input.description?.['zh-CN'] ?? '',
        description_en: input.description?.en ?? '',
        steps: toJson(input.steps),
        conversion_window_days: input.conversionWindowDays ?? 30,
        template,
        created_at: now,
        updated_at: now,
      };
      try {
        await trx.insertInto('journeys').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw journeyExists(input.key);
        throw err;
      }
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'journey.created',
        targetType: 'journey',
        targetId: input.key,
        details: { steps: input.steps, template },
      });
      return row;
    };
    const row = db ? await run(db) : await inTransaction(this.db, run);
    this.mapper.invalidate(workspaceId);
    return row;
  }

  async updateJourney(ctx: ActorContext, workspaceId: string, key: string, input: UpdateJourneyInput) {
    const row = await inTransaction(this.db, async (trx) => {
      await this.getJourney(workspaceId, key, trx);
      if (input.steps) await this.checkSteps(workspaceId, input.steps, trx);
      await trx
        .updateTable('journeys')
        .set({
          ...(input.name && { name_zh: input.name['zh-CN'].trim(), name_en: input.name.en.trim() }),
          ...(input.description && {
            description_zh: input.description['zh-CN'],
            description_en: input.description.en,
          }),
          ...(input.steps && { steps: toJson(input.steps) }),
          ...(input.conversionWindowDays !== undefined && {
            conversion_window_days: input.conversionWindowDays,
          }),
          updated_at: Date.now(),
        })
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'journey.updated',
        targetType: 'journey',
        targetId: key,
        details: { fields: Object.keys(input), ...(input.steps && { steps: input.steps }) },
      });
      return this.getJourney(workspaceId, key, trx);
    });
    this.mapper.invalidate(workspaceId);
    return row;
  }

  async deleteJourney(ctx: ActorContext, workspaceId: string, key: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await this.getJourney(workspaceId, key, trx);
      await trx
        .deleteFrom('journeys')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'journey.deleted',
        targetType: 'journey',
        targetId: key,
        details: {},
      });
    });
    this.mapper.invalidate(workspaceId);
  }

  /**
   * Applies a shipped journey template: creates the touchpoints it needs that the workspace does not have yet
   * (existing ones are kept as they are, so local edits survive) and the journey, keyed by the template key.
   */
  async applyTemplate(ctx: ActorContext, workspaceId: string, templateKey: string) {
    const template = JOURNEY_TEMPLATES.find((t) => t.key === templateKey);
    if (!template) throw templateNotFound(templateKey);
    const result = await inTransaction(this.db, async (trx) => {
      const existing = new Set(
        (
          await trx.selectFrom('touchpoints').select('key').where('workspace_id', '=', workspaceId).execute()
        ).map((r) => r.key),
      );
      const created: string[] = [];
      const kept: string[] = [];
      const now = Date.now();
      let priority = 100;
      for (const t of template.touchpoints) {
        priority += 10;
        if (existing.has(t.key)) {
          kept.push(t.key);
          continue;
        }
        await trx
          .insertInto('touchpoints')
          .values(templateRow(workspaceId, t, priority, now))
          .execute();
        created.push(t.key);
      }
      const journey = await this.createJourney(
        ctx,
        workspaceId,
        {
          key: template.key,
          name: template.name,
          description: template.description,
          steps: template.touchpoints.map((t) => t.key),
          conversionWindowDays: template.conversionWindowDays,
        },
        template.key,
        trx,
      );
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'journey_template.applied',
        targetType: 'journey',
        targetId: template.key,
        details: { created, kept },
      });
      return { journey, created, kept };
    });
    this.mapper.invalidate(workspaceId);
    return result;
  }

  private async checkRuleAndChannels(
    workspaceId: string,
    rule: MatchRule,
    channels: string[],
    db: Db = this.db,
  ) {
    validateRule(rule);
    const known = new Set((await listChannels(db, workspaceId)).map((c) => c.key));
    const unknown = [...new Set([...channels, ...(rule.channels ?? [])])].filter((c) => !known.has(c));
    if (unknown.length) throw unknownChannels(unknown);
  }

  private async checkSteps(workspaceId: string, steps: string[], db: Db) {
    const found = new Set(
      (
        await db
          .selectFrom('touchpoints')
          .select('key')
          .where('workspace_id', '=', workspaceId)
          .where('key', 'in', steps)
          .execute()
      ).map((r) => r.key),
    );
    const missing = steps.filter((s) => !found.has(s));
    if (missing.length) throw journeyStepUnknown(missing);
  }
}

function journeysOf(journeys: JourneysTable[], key: string): string[] {
  return journeys.filter((j) => fromJson<string[]>(j.steps).includes(key)).map((j) => j.key);
}

function templateRow(
  workspaceId: string,
  t: TemplateTouchpoint,
  priority: number,
  now: number,
): TouchpointsTable {
  return {
    workspace_id: workspaceId,
    id: newId('tpt'),
    key: t.key,
    name_zh: t.name['zh-CN'],
    name_en: t.name.en,
    description_zh: t.description['zh-CN'],
    description_en: t.description.en,
    core_need_zh: t.coreNeed['zh-CN'],
    core_need_en: t.coreNeed.en,
    stage: t.stage,
    phase: t.phase,
    channels: toJson(t.channels),
    owner_team: t.ownerTeam,
    target_score: t.targetScore,
    target_conversion: t.targetConversion,
    rule: toJson(t.rule),
    priority,
    active: 1,
    created_at: now,
    updated_at: now,
  };
}

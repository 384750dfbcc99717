import type { Selectable } from 'kysely';
import { fromJson, toJson, type Db } from '../../platform/db/index.js';
import type { SurveyDefinition } from './survey.definition.js';
import { surveyNotFound, surveyVersionNotFound } from './survey.errors.js';
import {
  DEFAULT_DISTRIBUTION,
  DEFAULT_SETTINGS,
  type Distribution,
  type SurveySettings,
} from './survey.schema.js';
import type { SurveysTable } from './surveys.tables.js';

export type SurveyRow = Selectable<SurveysTable>;

/** A survey row or 404 SURVEY_NOT_FOUND (also for another workspace's id). */
export async function getSurveyRow(db: Db, workspaceId: string, id: string): Promise<SurveyRow> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw surveyNotFound(id);
  return row;
}

/** A survey's definition at one version, or 404. */
export async function getDefinition(
  db: Db,
  workspaceId: string,
  surveyId: string,
  version: number,
): Promise<SurveyDefinition> {
  const row = await db
    .selectFrom('survey_versions')
    .select('definition')
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw surveyVersionNotFound(version);
  return fromJson<SurveyDefinition>(row.definition);
}

/** Definitions are immutable once frozen, so they are cached by (workspace, survey, version). */
const definitionCache = new Map<string, SurveyDefinition>();

/** Like getDefinition, cached for frozen versions (the public response path reads it on every submission). */
export async function getDefinitionCached(
  db: Db,
  workspaceId: string,
  surveyId: string,
  version: number,
  frozen: boolean,
): Promise<SurveyDefinition> {
  const key = `${workspaceId}\u0000${surveyId}\u0000${version}`;
  const hit = definitionCache.get(key);
  if (hit) return hit;
  const def = await getDefinition(db, workspaceId, surveyId, version);
  if (frozen) {
    if (definitionCache.size > 5000) definitionCache.clear();
    definitionCache.set(key, def);
  }
  return def;
}

export function distributionOf(row: Pick<SurveyRow, 'distribution'>): Distribution {
  const d = fromJson<Partial<Distribution>>(row.distribution) ?? {};
  return {
    triggers: d.triggers ?? DEFAULT_DISTRIBUTION.triggers,
    widget: { ...DEFAULT_DISTRIBUTION.widget, ...(d.widget ?? {}) },
    recontact: { ...DEFAULT_DISTRIBUTION.recontact, ...(d.recontact ?? {}) },
  };
}

/** The workspace's survey settings, defaults filled in. */
export async function getSettings(db: Db, workspaceId: string): Promise<SurveySettings> {
  const row = await db
    .selectFrom('survey_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const s = row ? fromJson<Partial<SurveySettings>>(row.settings) : {};
  return {
    cooldownDays: s.cooldownDays ?? DEFAULT_SETTINGS.cooldownDays,
    closedLoop: { ...DEFAULT_SETTINGS.closedLoop, ...(s.closedLoop ?? {}) },
    caseFollowUpSurveyId: s.caseFollowUpSurveyId ?? null,
    targets: s.targets ?? DEFAULT_SETTINGS.targets,
  };
}

export async function putSettings(db: Db, workspaceId: string, settings: SurveySettings): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('survey_settings')
    .values({ workspace_id: workspaceId, settings: toJson(settings), updated_at: now })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ settings: toJson(settings), updated_at: now }),
    )
    .execute();
}

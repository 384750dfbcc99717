import {
  fromJson,
  inTransaction,
  isUniqueViolation,
  newId,
  toJson,
  type Db,
} from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { resolveSegments } from '../segments/index.js';
import { isLanguageTag, parseDefinition, type SurveyDefinition } from './survey.definition.js';
import {
  definitionInvalid,
  invalidField,
  surveyKeyTaken,
  surveyNotFound,
  surveyStateConflict,
  templateNotFound,
} from './survey.errors.js';
import {
  distributionOf,
  getSettings,
  getSurveyRow,
  putSettings,
  type SurveyRow,
} from './survey.repository.js';
import {
  DEFAULT_DISTRIBUTION,
  type CreateSurveyBody,
  type Distribution,
  type SurveySettings,
  type UpdateSurveyBody,
} from './survey.schema.js';
import { templateOf } from './survey.templates.js';

/** Listeners told when a workspace's surveys change (the trigger cache). */
const changeListeners: ((workspaceId: string) => void)[] = [];

/** Registers a callback run after a workspace's surveys change (create, edit, publish, close). */
export function onSurveysChanged(listener: (workspaceId: string) => void): void {
  changeListeners.push(listener);
}

function changed(workspaceId: string): void {
  for (const l of changeListeners) l(workspaceId);
}

function checkLanguages(defaultLanguage: string, languages: string[]): void {
  if (!languages.every(isLanguageTag))
    throw invalidField('languages', 'must be language tags such as zh-CN, en');
  if (new Set(languages).size !== languages.length) throw invalidField('languages', 'lists a language twice');
  if (!languages.includes(defaultLanguage)) throw invalidField('defaultLanguage', 'must be one of languages');
}

function checkName(name: Record<string, string>, languages: string[]): void {
  for (const l of languages) if (!Object.hasOwn(name, l)) throw invalidField(`name.${l}`, 'is missing');
}

function validDefinition(raw: unknown, languages: string[]): SurveyDefinition {
  const parsed = parseDefinition(raw, languages);
  if (!parsed.ok) throw definitionInvalid(parsed.problems);
  return parsed.definition;
}

/** Creates a draft survey, from a template or from a definition given in full. */
/** Widget targeting may name only segments that exist (a 404 SEGMENT_NOT_FOUND lists the others). */
async function checkTargetSegments(db: Db, workspaceId: string, distribution: Distribution | undefined) {
  const keys = distribution?.widget.segments ?? [];
  if (keys.length) await resolveSegments(db, workspaceId, keys);
}

export async function createSurvey(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  body: CreateSurveyBody,
): Promise<SurveyRow> {
  const template = body.template !== undefined ? templateOf(body.template) : undefined;
  if (body.template !== undefined && !template) throw templateNotFound(body.template);
  const languages = body.languages ?? ['zh-CN', 'en'];
  const defaultLanguage = body.defaultLanguage ?? languages[0] ?? 'zh-CN';
  checkLanguages(defaultLanguage, languages);
  const name = body.name ?? template?.name;
  if (!name) throw invalidField('name', 'is required without a template');
  checkName(name, languages);
  const rawDefinition = body.definition ?? template?.definition;
  if (rawDefinition === undefined) throw invalidField('definition', 'is required without a template');
  const definition = validDefinition(rawDefinition, languages);
  const key = body.key ?? template?.key;
  if (!key) throw invalidField('key', 'is required without a template');
  await checkTargetSegments(db, workspaceId, body.distribution);
  const now = Date.now();
  const row: SurveyRow = {
    workspace_id: workspaceId,
    id: newId('srv'),
    key,
    name: toJson(name),
    default_language: defaultLanguage,
    languages: toJson(languages),
    status: 'draft',
    touchpoint_key: body.touchpointKey !== undefined ? body.touchpointKey : (template?.touchpointKey ?? null),
    channel: body.channel ?? null,
    current_version: 1,
    template: template?.key ?? null,
    distribution: toJson(body.distribution ?? DEFAULT_DISTRIBUTION),
    created_by: actor.actor.id,
    created_at: now,
    updated_at: now,
    published_at: null,
    closed_at: null,
  };
  try {
    await inTransaction(db, async (trx) => {
      await trx.insertInto('surveys').values(row).execute();
      await trx
        .insertInto('survey_versions')
        .values({
          workspace_id: workspaceId,
          survey_id: row.id,
          version: 1,
          definition: toJson(definition),
          frozen: 0,
          created_by: actor.actor.id,
          created_at: now,
        })
        .execute();
      await recordAudit(trx, actor, {
        workspaceId,
        action: 'survey.created',
        targetType: 'survey',
        targetId: row.id,
        details: { key, template: row.template },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw surveyKeyTaken(key);
    throw err;
  }
  changed(workspaceId);
  return row;
}

/**
 * Updates a survey. A new definition replaces the draft version in place; on a survey that has been live it
 * becomes a new version (earlier versions stay as they were, and responses keep the version they answered).
 */
export async function updateSurvey(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  id: string,
  body: UpdateSurveyBody,
): Promise<SurveyRow> {
  const result = await inTransaction(db, async (trx) => {
    const row = await getSurveyRow(trx, workspaceId, id);
    const languages = body.languages ?? fromJson<string[]>(row.languages);
    const defaultLanguage = body.defaultLanguage ?? row.default_language;
    checkLanguages(defaultLanguage, languages);
    await checkTargetSegments(trx, workspaceId, body.distribution);
    const name = body.name ?? fromJson<Record<string, string>>(row.name);
    checkName(name, languages);
    const now = Date.now();
    let version = row.current_version;
    const changedFields = Object.keys(body);
    if (body.definition !== undefined || body.languages !== undefined) {
      let raw = body.definition;
      if (raw === undefined) {
        const current = await trx
          .selectFrom('survey_versions')
          .select('definition')
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', id)
          .where('version', '=', version)
          .executeTakeFirstOrThrow();
        raw = fromJson<unknown>(current.definition);
      }
      const definition = validDefinition(raw, languages);
      const current = await trx
        .selectFrom('survey_versions')
        .select('frozen')
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', id)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();
      if (current.frozen) {
        version += 1;
        await trx
          .insertInto('survey_versions')
          .values({
            workspace_id: workspaceId,
            survey_id: id,
            version,
            definition: toJson(definition),
            // A live survey's new version takes responses at once.
            frozen: row.status === 'draft' ? 0 : 1,
            created_by: actor.actor.id,
            created_at: now,
          })
          .execute();
      } else {
        await trx
          .updateTable('survey_versions')
          .set({ definition: toJson(definition) })
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', id)
          .where('version', '=', version)
          .execute();
      }
    }
    const next: SurveyRow = {
      ...row,
      name: toJson(name),
      languages: toJson(languages),
      default_language: defaultLanguage,
      touchpoint_key: body.touchpointKey !== undefined ? body.touchpointKey : row.touchpoint_key,
      channel: body.channel !== undefined ? body.channel : row.channel,
      distribution: body.distribution !== undefined ? toJson(body.distribution) : row.distribution,
      current_version: version,
      updated_at: now,
    };
    await trx
      .updateTable('surveys')
      .set({
        name: next.name,
        languages: next.languages,
        default_language: next.default_language,
        touchpoint_key: next.touchpoint_key,
        channel: next.channel,
        distribution: next.distribution,
        current_version: next.current_version,
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey.updated',
      targetType: 'survey',
      targetId: id,
      details: { fields: changedFields, version, newVersion: version !== row.current_version },
    });
    return next;
  });
  changed(workspaceId);
  return result;
}

/** Publishes (draft → live) or re-opens (closed → live) a survey; its current version is frozen from then on. */
export async function publishSurvey(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  id: string,
): Promise<SurveyRow> {
  const result = await inTransaction(db, async (trx) => {
    const row = await getSurveyRow(trx, workspaceId, id);
    if (row.status === 'live') throw surveyStateConflict(row.status, 'publish');
    const now = Date.now();
    await trx
      .updateTable('survey_versions')
      .set({ frozen: 1 })
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', id)
      .where('version', '=', row.current_version)
      .execute();
    await trx
      .updateTable('surveys')
      .set({ status: 'live', published_at: row.published_at ?? now, closed_at: null, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      workspaceId,
      action: row.status === 'closed' ? 'survey.reopened' : 'survey.published',
      targetType: 'survey',
      targetId: id,
      details: { version: row.current_version },
    });
    return {
      ...row,
      status: 'live',
      published_at: row.published_at ?? now,
      closed_at: null,
      updated_at: now,
    };
  });
  changed(workspaceId);
  return result;
}

/** Closes a live survey: its links and widget stop taking answers. */
export async function closeSurvey(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  id: string,
): Promise<SurveyRow> {
  const result = await inTransaction(db, async (trx) => {
    const row = await getSurveyRow(trx, workspaceId, id);
    if (row.status !== 'live') throw surveyStateConflict(row.status, 'close');
    const now = Date.now();
    await trx
      .updateTable('surveys')
      .set({ status: 'closed', closed_at: now, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey.closed',
      targetType: 'survey',
      targetId: id,
    });
    return { ...row, status: 'closed', closed_at: now, updated_at: now };
  });
  changed(workspaceId);
  return result;
}

/** Deletes a survey that never went live (a draft without responses). */
export async function deleteSurvey(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await getSurveyRow(trx, workspaceId, id);
    if (row.status !== 'draft' || row.published_at !== null) throw surveyStateConflict(row.status, 'delete');
    for (const table of ['survey_versions', 'survey_links'] as const)
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', id)
        .execute();
    await trx.deleteFrom('surveys').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey.deleted',
      targetType: 'survey',
      targetId: id,
    });
  });
  changed(workspaceId);
}

/** One page of the workspace's surveys, newest first. */
export async function listSurveys(
  db: Db,
  workspaceId: string,
  limit: number,
  after: string | undefined,
  status: string | undefined,
): Promise<SurveyRow[]> {
  let q = db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  if (status) q = q.where('status', '=', status);
  return q.execute();
}

export async function listVersions(db: Db, workspaceId: string, surveyId: string) {
  await getSurveyRow(db, workspaceId, surveyId);
  return db
    .selectFrom('survey_versions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .orderBy('version', 'desc')
    .limit(200)
    .execute();
}

/** Replaces the workspace's survey settings (cooldown, closed-loop rule, case follow-up survey). */
export async function updateSettings(
  db: Db,
  actor: ActorContext,
  workspaceId: string,
  settings: SurveySettings,
): Promise<SurveySettings> {
  return inTransaction(db, async (trx) => {
    if (settings.caseFollowUpSurveyId !== null) {
      const exists = await trx
        .selectFrom('surveys')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', settings.caseFollowUpSurveyId)
        .executeTakeFirst();
      if (!exists) throw surveyNotFound(settings.caseFollowUpSurveyId);
    }
    // Targets are kept when the body leaves them out (forms that edit only the rules).
    const targets = settings.targets ?? (await getSettings(trx, workspaceId)).targets;
    await putSettings(trx, workspaceId, { ...settings, ...(targets && { targets }) });
    await recordAudit(trx, actor, {
      workspaceId,
      action: 'survey_settings.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      details: { ...settings },
    });
    return getSettings(trx, workspaceId);
  }).finally(() => changed(workspaceId));
}

export { distributionOf, type Distribution };

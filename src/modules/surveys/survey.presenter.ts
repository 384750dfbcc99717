import type { Selectable } from 'kysely';
import { fromJson } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import type { SurveyTemplate } from './survey.templates.js';
import { distributionOf, type SurveyRow } from './survey.repository.js';
import type {
  SurveyDeliveriesTable,
  SurveyLinksTable,
  SurveyResponsesTable,
  SurveyVersionsTable,
} from './surveys.tables.js';
import { surveyUrl, type SurveysContext } from './surveys.context.js';

const iso = (ms: number | null) => (ms === null ? null : toIso(ms));

export function presentSurvey(ctx: Pick<SurveysContext, 'tokens' | 'publicUrl'>, r: SurveyRow) {
  return {
    id: r.id,
    key: r.key,
    name: fromJson<Record<string, string>>(r.name),
    defaultLanguage: r.default_language,
    languages: fromJson<string[]>(r.languages),
    status: r.status as 'draft' | 'live' | 'closed',
    touchpointKey: r.touchpoint_key,
    channel: r.channel,
    currentVersion: r.current_version,
    template: r.template,
    distribution: distributionOf(r),
    publicUrl: surveyUrl(ctx, ctx.tokens.survey(r.workspace_id, r.id)),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    publishedAt: iso(r.published_at),
    closedAt: iso(r.closed_at),
  };
}

export function presentVersion(v: Selectable<SurveyVersionsTable>) {
  return {
    version: v.version,
    frozen: v.frozen === 1,
    createdAt: toIso(v.created_at),
    definition: fromJson<unknown>(v.definition),
  };
}

export function presentTemplate(t: SurveyTemplate) {
  return {
    key: t.key,
    name: t.name,
    description: t.description,
    touchpointKey: t.touchpointKey,
    questionCount: t.definition.questions.length,
    definition: t.definition,
  };
}

export function presentLink(
  ctx: Pick<SurveysContext, 'tokens' | 'publicUrl'>,
  l: Selectable<SurveyLinksTable>,
) {
  const token = ctx.tokens.link(l.workspace_id, l.id);
  return {
    id: l.id,
    surveyId: l.survey_id,
    profileId: l.profile_id,
    singleUse: l.single_use === 1,
    expiresAt: iso(l.expires_at),
    hidden: fromJson<Record<string, string>>(l.hidden),
    channel: l.channel,
    origin: l.origin,
    url: surveyUrl(ctx, token),
    token,
    createdAt: toIso(l.created_at),
    usedAt: iso(l.used_at),
    responseId: l.response_id,
  };
}

export function presentDelivery(
  ctx: Pick<SurveysContext, 'tokens' | 'publicUrl'>,
  d: Selectable<SurveyDeliveriesTable> & { used_at: number | null },
) {
  return {
    id: d.id,
    surveyId: d.survey_id,
    profileId: d.profile_id,
    reason: d.reason,
    cause: d.cause,
    linkId: d.link_id,
    url: surveyUrl(ctx, ctx.tokens.link(d.workspace_id, d.link_id)),
    createdAt: toIso(d.created_at),
    sentAt: iso(d.sent_at),
    responded: d.used_at !== null,
  };
}

export function presentResponse(r: Selectable<SurveyResponsesTable>) {
  return {
    id: r.id,
    surveyId: r.survey_id,
    version: r.version,
    status: r.status,
    profileId: r.profile_id,
    language: r.language,
    channel: r.channel,
    touchpointKey: r.touchpoint_key,
    hidden: fromJson<Record<string, string>>(r.hidden),
    answers: fromJson<Record<string, unknown>>(r.answers),
    metric: r.metric,
    score: r.score,
    flags: r.flags === null ? null : fromJson<string[]>(r.flags),
    startedAt: toIso(r.started_at),
    completedAt: iso(r.completed_at),
    durationMs: r.duration_ms,
  };
}

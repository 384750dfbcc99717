import { CompiledQuery, type Selectable } from 'kysely';
import {
  dialectOf,
  fromJson,
  inTransaction,
  insertRows,
  placeholders,
  isUniqueViolation,
  newId,
  toJson,
  type Db,
  type DatabaseKind,
} from '../../platform/db/index.js';
import { enqueueAfterResponses, finishResponses, type AfterResponseRef } from './response.after-commit.js';
import { cachedLocalDayStart, cachedSurvey, padToPowerOfTwo, readLink } from './response.cache.js';
import { checkAnswers, type Answers } from './survey.answers.js';
import { markAnswered, type AnsweredSurvey } from './survey.contacts.js';
import type { SurveyDefinition } from './survey.definition.js';
import {
  linkExpired,
  linkInvalid,
  linkUsed,
  responseInvalid,
  responseTokenInvalid,
  surveyClosed,
} from './survey.errors.js';
import { getDefinitionCached, type SurveyRow } from './survey.repository.js';
import type { SubmitBody } from './survey.schema.js';
import { RollupBatch, primaryScoreOf, rollupValuesOf, type PrimaryScore } from './survey.scoring.js';
import type { SurveyLinksTable, SurveyResponsesTable } from './surveys.tables.js';
import { workspaceTimeZone, type SurveysContext } from './surveys.context.js';

export type LinkRow = Selectable<SurveyLinksTable>;
export type ResponseRow = Selectable<SurveyResponsesTable>;

/** What a survey or link token opens: the survey (and link) in its workspace. */
export interface Target {
  workspaceId: string;
  survey: SurveyRow;
  /** The survey's languages (parsed once per cached row). */
  languages: readonly string[];
  link: LinkRow | null;
}

/** Resolves a token from a URL to its survey and link; 404 for anything forged or unknown, 410 when expired. */
export async function resolveToken(ctx: SurveysContext, token: string, now = Date.now()): Promise<Target> {
  const parsed = ctx.tokens.parse(token);
  if (!parsed) throw linkInvalid();
  let link: LinkRow | null = null;
  let surveyId = parsed.id;
  if (parsed.kind === 'link') {
    // Read together with the links of the other requests of this event-loop turn: one statement, not one each.
    link = await readLink(ctx.db, parsed.workspaceId, parsed.id);
    if (!link) throw linkInvalid();
    if (link.expires_at !== null && link.expires_at <= now) throw linkExpired();
    surveyId = link.survey_id;
  }
  const survey = await cachedSurvey(ctx.db, parsed.workspaceId, surveyId);
  if (!survey) throw linkInvalid();
  return { workspaceId: parsed.workspaceId, survey: survey.row, languages: survey.languages, link };
}

const MAX_START_SKEW = 86_400_000;

export interface SubmitMeta {
  /** Source of the submission, for the timeline ('page' | 'widget' | 'api'). */
  source: string;
  acceptLanguage?: string;
}

export interface SubmitResult {
  responseId: string;
  responseToken: string;
  status: 'partial' | 'completed';
  created: boolean;
}

/** Everything one submission writes, computed before the write transaction. */
export interface Plan {
  workspaceId: string;
  survey: SurveyRow;
  def: SurveyDefinition;
  link: LinkRow | null;
  existing: ResponseRow | undefined;
  /** The answers the existing response had (parsed once), to take a corrected response out of the rollups. */
  existingAnswers: Answers | null;
  row: ResponseRow;
  /** The row's answers as objects (the row holds them serialised once). */
  answers: Answers;
  complete: boolean;
  wasCompleted: boolean;
  primary: PrimaryScore;
  meta: SubmitMeta;
  now: number;
}

/**
 * Checks a submission and works out the response row it leads to: which response it continues (the same link,
 * respondent id or response token leads to the same response), the merged answers validated against the version
 * the response started on (one 400 listing each question), the primary score and the rollup day.
 */
export async function prepareSubmission(
  ctx: SurveysContext,
  token: string,
  body: SubmitBody,
  meta: SubmitMeta,
  now = Date.now(),
): Promise<Plan> {
  const { workspaceId, survey, languages, link } = await resolveToken(ctx, token, now);
  if (survey.status !== 'live') throw surveyClosed(survey.status);
  const { db } = ctx;

  let respondentKey: string;
  let existing: ResponseRow | undefined;
  const findByKey = (key: string) =>
    db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', survey.id)
      .where('respondent_key', '=', key)
      .executeTakeFirst();
  if (link) {
    respondentKey = `l:${link.id}`;
    if (link.single_use && link.used_at !== null) throw linkUsed();
    // A link names its response once the first answers are stored: a fresh link needs no lookup.
    if (link.response_id !== null) existing = await findByKey(respondentKey);
  } else if (body.responseToken !== undefined) {
    const id = ctx.tokens.parseResponse(workspaceId, body.responseToken);
    if (!id) throw responseTokenInvalid();
    existing = await db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing || existing.survey_id !== survey.id) throw responseTokenInvalid();
    respondentKey = existing.respondent_key;
  } else if (body.respondentId !== undefined) {
    respondentKey = `r:${body.respondentId}`;
    existing = await findByKey(respondentKey);
  } else {
    respondentKey = '';
  }

  const version = existing?.version ?? survey.current_version;
  const def = await getDefinitionCached(db, workspaceId, survey.id, version, true);
  const hidden: Record<string, string> = {};
  const given = {
    ...(existing ? fromJson<Record<string, string>>(existing.hidden) : {}),
    ...(body.hidden ?? {}),
  };
  for (const k of def.hiddenFields) if (Object.hasOwn(given, k)) hidden[k] = given[k] as string;
  if (link) for (const [k, v] of Object.entries(fromJson<Record<string, string>>(link.hidden))) hidden[k] = v;

  // Check what was sent, then the whole response when completing.
  const sent = checkAnswers(def, body.answers, hidden, false);
  if (sent.problems.length) throw responseInvalid(sent.problems);
  const existingAnswers = existing ? fromJson<Answers>(existing.answers) : null;
  const merged: Answers = { ...existingAnswers };
  if (body.answers !== null && typeof body.answers === 'object')
    for (const k of Object.keys(body.answers as object)) delete merged[k];
  Object.assign(merged, sent.answers);
  const complete = body.complete === true || existing?.status === 'completed';
  const final = checkAnswers(def, merged, hidden, complete);
  if (final.problems.length) throw responseInvalid(final.problems);
  const answers = final.answers;

  const language =
    body.language && languages.includes(body.language)
      ? body.language
      : (existing?.language ?? survey.default_language);
  const channel = existing?.channel ?? link?.channel ?? body.channel ?? survey.channel ?? 'web';
  const touchpointKey = existing?.touchpoint_key ?? survey.touchpoint_key ?? body.touchpointKey ?? null;
  const profileId = link?.profile_id ?? existing?.profile_id ?? null;
  const startedAt =
    existing?.started_at ??
    (body.startedAt !== undefined && body.startedAt <= now && body.startedAt >= now - MAX_START_SKEW
      ? body.startedAt
      : now);
  const primary: PrimaryScore = complete
    ? primaryScoreOf(def, answers)
    : { metric: null, score: null, score100: null };
  const tz = complete ? await workspaceTimeZone(db, workspaceId) : 'UTC';

  const id = existing?.id ?? newId('rsp');
  const wasCompleted = existing?.status === 'completed';
  const completedAt = complete ? (wasCompleted ? (existing?.completed_at ?? now) : now) : null;
  const row: ResponseRow = {
    workspace_id: workspaceId,
    id,
    survey_id: survey.id,
    version,
    respondent_key: respondentKey || `x:${id}`,
    link_id: link?.id ?? existing?.link_id ?? null,
    profile_id: profileId,
    status: complete ? 'completed' : 'partial',
    language,
    channel,
    touchpoint_key: touchpointKey,
    hidden: toJson(hidden),
    answers: toJson(answers),
    metric: primary.metric,
    score: primary.score,
    score100: primary.score100,
    last_question_id: final.lastQuestionId,
    // Flags need the comment's sentiment: set after the commit, by the post-commit job (finishResponses).
    flags: existing?.flags ?? null,
    started_at: startedAt,
    updated_at: now,
    completed_at: completedAt,
    rollup_day: completedAt !== null ? cachedLocalDayStart(tz, completedAt) : null,
    duration_ms: completedAt !== null ? Math.max(0, completedAt - startedAt) : null,
  };
  return {
    workspaceId,
    survey,
    def,
    link,
    existing,
    existingAnswers,
    row,
    answers,
    complete,
    wasCompleted,
    primary,
    meta,
    now,
  };
}

/** The update of a response changed under it (another submission won): prepare again. */
class StaleResponse extends Error {}

/**
 * Writes prepared submissions in the caller's transaction: new responses in multi-row inserts, the rollup deltas
 * of the whole batch summed per cell, the links in one statement per workspace, the contact history, and one
 * post-commit job per workspace for the completed responses (text analysis, closed loop, timeline). An update whose
 * response changed since it was prepared throws StaleResponse. Returns the completed responses per workspace.
 */
async function writePlans(
  trx: Db,
  kind: DatabaseKind,
  plans: readonly Plan[],
  enqueue: boolean,
): Promise<Map<string, AfterResponseRef[]>> {
  const inserts: ResponseRow[] = [];
  const rollup = new RollupBatch();
  const links = new Map<string, { id: string; usedAt: number | null; responseId: string }[]>();
  const finished = new Map<string, AfterResponseRef[]>();
  const answered: AnsweredSurvey[] = [];
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const plan of plans) {
    const { row, existing, workspaceId, link } = plan;
    if (existing) {
      if (plan.wasCompleted && existing.rollup_day !== null && plan.existingAnswers)
        rollup.add(
          {
            workspaceId,
            surveyId: row.survey_id,
            day: existing.rollup_day,
            touchpointKey: existing.touchpoint_key,
            channel: existing.channel,
          },
          rollupValuesOf(
            plan.def,
            plan.existingAnswers,
            {
              metric: existing.metric as PrimaryScore['metric'],
              score: existing.score,
              score100: existing.score100,
            },
            existing.duration_ms,
          ),
          -1,
        );
      const { workspace_id: _w, id: _i, ...set } = row;
      const res = await trx
        .updateTable('survey_responses')
        .set(set)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.id)
        .where('updated_at', '=', existing.updated_at)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new StaleResponse();
      // The analysis of the answers it replaces goes; the post-commit job analyses the new ones.
      if (plan.wasCompleted)
        await trx
          .deleteFrom('survey_answer_texts')
          .where('workspace_id', '=', workspaceId)
          .where('response_id', '=', row.id)
          .execute();
    } else inserts.push(row);
    if (link) {
      // A completed response uses up its link; a partial one makes the link name its response.
      if (plan.complete && !plan.wasCompleted)
        push(links, workspaceId, { id: link.id, usedAt: plan.now, responseId: row.id });
      else if (!plan.complete && link.response_id === null && !existing)
        push(links, workspaceId, { id: link.id, usedAt: null, responseId: row.id });
    }
    if (!plan.complete || row.rollup_day === null) continue;
    rollup.add(
      {
        workspaceId,
        surveyId: row.survey_id,
        day: row.rollup_day,
        touchpointKey: row.touchpoint_key,
        channel: row.channel,
      },
      rollupValuesOf(plan.def, plan.answers, plan.primary, row.duration_ms),
      1,
    );
    if (row.profile_id)
      answered.push({ workspaceId, profileId: row.profile_id, surveyId: row.survey_id, at: plan.now });
    push(finished, workspaceId, { id: row.id, u: row.updated_at, source: plan.meta.source });
  }
  // Every row has the same columns (one object literal in prepareSubmission): a few fixed statement texts, prepared
  // once, instead of a query built and compiled for every batch.
  await insertRows(trx, 'survey_responses', inserts);
  await rollup.write(trx);
  await markAnswered(trx, answered);
  for (const [workspaceId, list] of links)
    for (let i = 0; i < list.length; i += 128) await useLinks(trx, kind, workspaceId, list.slice(i, i + 128));
  if (enqueue)
    for (const [workspaceId, refs] of finished) await enqueueAfterResponses(trx, workspaceId, refs);
  return finished;
}

const useLinkTexts = new Map<string, string>();

/** The text of the update of `n` links (kept per dialect and size: prepared once). */
function useLinksText(kind: DatabaseKind, n: number): string {
  const key = `${kind}:${n}`;
  let text = useLinkTexts.get(key);
  if (text === undefined) {
    // 2n for the response ids, 2n for the times, the workspace, n for the list.
    const p = placeholders(kind, 5 * n + 1);
    const when = (offset: number, value: (ph: string) => string) =>
      Array.from(
        { length: n },
        (_, i) => `when ${p[offset + 2 * i]} then ${value(p[offset + 2 * i + 1] as string)}`,
      ).join(' ');
    text =
      `update "survey_links" set "response_id" = case "id" ${when(0, (v) => v)} else "response_id" end, ` +
      `"used_at" = case "id" ${when(2 * n, (v) => `coalesce(${v}, "used_at")`)} else "used_at" end ` +
      `where "workspace_id" = ${p[4 * n]} and "id" in (${p.slice(4 * n + 1).join(', ')})`;
    useLinkTexts.set(key, text);
  }
  return text;
}

/**
 * Marks links used (when `usedAt` is set; a null leaves `used_at` as it is) and points them at their responses: one
 * statement for the list, of a fixed text per size (the list is padded to a power of two by repeating its last
 * item, which sets the same values again).
 */
async function useLinks(
  trx: Db,
  kind: DatabaseKind,
  workspaceId: string,
  list: readonly { id: string; usedAt: number | null; responseId: string }[],
): Promise<void> {
  if (list.length === 0) return;
  const padded = padToPowerOfTwo(list);
  const params: unknown[] = [];
  for (const l of padded) params.push(l.id, l.responseId);
  for (const l of padded) params.push(l.id, l.usedAt);
  params.push(workspaceId);
  for (const l of padded) params.push(l.id);
  await trx.executeQuery(CompiledQuery.raw(useLinksText(kind, padded.length), params));
}

/** Writes plans in one transaction; without the job runner's help (demo data) finishes them right after. */
async function writeAndFinish(ctx: SurveysContext, plans: readonly Plan[]): Promise<void> {
  const inline = ctx.finishInline === true;
  const finished = await inTransaction(ctx.db, (trx) => writePlans(trx, dialectOf(ctx.db), plans, !inline));
  if (inline) for (const [workspaceId, refs] of finished) await finishResponses(ctx, workspaceId, refs);
}

function resultOf(ctx: SurveysContext, plan: Plan): SubmitResult {
  return {
    responseId: plan.row.id,
    responseToken: ctx.tokens.response(plan.workspaceId, plan.row.id),
    status: plan.row.status as 'partial' | 'completed',
    created: !plan.existing,
  };
}

interface Pending {
  plan: Plan;
  resolve: (r: SubmitResult) => void;
  reject: (e: unknown) => void;
  retry: () => Promise<SubmitResult>;
}

/**
 * Group commit of survey submissions: requests that arrive while a batch is being written wait and are written
 * together in the next transaction (one multi-row insert, one rollup upsert per cell), and each request is
 * answered once its batch committed. If a batch fails, its submissions are written one by one so that one bad
 * submission cannot fail the others; a submission that lost a race with another one for the same respondent is
 * prepared again.
 */
export class ResponseCommitter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: SurveysContext,
    private readonly maxBatch = 500,
  ) {}

  submit(plan: Plan, retry: () => Promise<SubmitResult>): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ plan, resolve, reject, retry });
      this.running ??= this.loop();
    });
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length) {
        // One turn of the event loop first: submissions still reading (link, existing response) on the shared
        // connection join this batch instead of each starting a batch of their own.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.running = null;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await writeAndFinish(
        this.ctx,
        batch.map((p) => p.plan),
      );
      for (const p of batch) p.resolve(resultOf(this.ctx, p.plan));
      return;
    } catch (err) {
      if (batch.length === 1) return this.single(batch[0] as Pending, err);
    }
    for (const p of batch) {
      try {
        await writeAndFinish(this.ctx, [p.plan]);
        p.resolve(resultOf(this.ctx, p.plan));
      } catch (err) {
        await this.single(p, err);
      }
    }
  }

  private async single(p: Pending, err: unknown): Promise<void> {
    // Lost a race for the same respondent (insert) or response (update): prepare again against what is stored now.
    if (err instanceof StaleResponse || isUniqueViolation(err)) {
      try {
        p.resolve(await p.retry());
      } catch (again) {
        p.reject(again);
      }
      return;
    }
    p.reject(err);
  }
}

/**
 * Saves answers to a survey through a public token: starts a response, adds to a partial one, completes it, or
 * updates a completed one — never a duplicate. On completion the rollups, the link and the contact history are
 * updated and a post-commit job enqueued, in the same transaction; the job analyses the open-text answers,
 * evaluates the closed-loop rule and adds `Survey Responded` to the customer's timeline (finishResponses). With a
 * committer in the context, concurrent submissions share transactions (group commit).
 */
export async function submitResponse(
  ctx: SurveysContext,
  token: string,
  body: SubmitBody,
  meta: SubmitMeta,
  now = Date.now(),
  attempt = 1,
): Promise<SubmitResult> {
  const plan = await prepareSubmission(ctx, token, body, meta, now);
  const retry = () => {
    if (attempt >= 3) throw responseTokenInvalid();
    return submitResponse(ctx, token, body, meta, now, attempt + 1);
  };
  // Retries write on their own: they run while the committer is busy with the batch that failed them.
  if (ctx.committer && attempt === 1) return ctx.committer.submit(plan, retry);
  try {
    await writeAndFinish(ctx, [plan]);
    return resultOf(ctx, plan);
  } catch (err) {
    if (err instanceof StaleResponse || isUniqueViolation(err)) return retry();
    throw err;
  }
}

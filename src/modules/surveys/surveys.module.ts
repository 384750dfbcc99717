import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { TIME_ZONE_CHANGED } from '../workspaces/index.js';
import type { ProfilesContext, RecordedEventsHook } from '../profiles/index.js';
import { analyticsRoutes } from './analytics.routes.js';
import { caseFollowUp, surveyJobs, surveyTriggerHook, TriggerCache } from './distribution.service.js';
import { publicSurveyRoutes, type PublicRouteOptions } from './public.routes.js';
import { REBUCKET_JOB, rebucketJobHandler } from './rollup.rebucket.js';
import { AFTER_RESPONSE_JOB, afterResponseJob } from './response.after-commit.js';
import { forgetSettings, forgetSurveys } from './response.cache.js';
import { ResponseCommitter } from './response.service.js';
import { surveyRoutes } from './survey.routes.js';
import { onSurveysChanged } from './survey.service.js';
import { SurveyTokens } from './survey.tokens.js';
import type { SurveysContext } from './surveys.context.js';

/** Subscriber name of the case follow-up (stable: it is the job type of the deliveries). */
export const CASE_FOLLOWUP_SUBSCRIBER = 'surveys.case-followup';
const REBUCKET_SUBSCRIBER = 'surveys.time-zone-changed';

export interface SurveysModule {
  /** Admin and analytics routes, to register under /api/v1. */
  adminRoutes: FastifyPluginAsyncTypebox;
  /** `/s/:token`, `/widget.js` and `/api/v1/public/…`, to register at the root. */
  publicRoutes: FastifyPluginAsyncTypebox;
  /** The recorded-event hook that schedules event-triggered surveys. */
  eventHook: RecordedEventsHook;
  /** Durable job handlers (triggered deliveries; the post-commit work of completed responses). */
  jobs: Record<string, JobHandler>;
}

/**
 * Builds the surveys module: routes, the event-trigger hook, job handlers, and the `case.resolved` subscription
 * (follow-up survey with hidden caseId).
 */
export function createSurveysModule(options: {
  db: Db;
  events: EventBus;
  profiles: ProfilesContext;
  secretKey: Buffer;
  publicUrl: string;
  publicLimits?: PublicRouteOptions;
}): SurveysModule {
  const ctx: SurveysContext = {
    db: options.db,
    events: options.events,
    profiles: options.profiles,
    tokens: new SurveyTokens(options.secretKey),
    publicUrl: options.publicUrl,
  };
  ctx.committer = new ResponseCommitter(ctx);
  const triggers = new TriggerCache();
  onSurveysChanged((workspaceId) => {
    triggers.forget(workspaceId);
    forgetSurveys(workspaceId);
    forgetSettings(workspaceId);
  });
  const followUp = caseFollowUp(ctx);
  options.events.subscribe('case.resolved', CASE_FOLLOWUP_SUBSCRIBER, (e) => followUp(e));
  // Rollups count by local day: a new time zone moves the responses to their new days.
  options.events.subscribe(TIME_ZONE_CHANGED, REBUCKET_SUBSCRIBER, (e) =>
    enqueueJob(options.db, { type: REBUCKET_JOB, workspaceId: e.workspaceId, payload: {} }).then(
      () => undefined,
    ),
  );
  return {
    adminRoutes: async (app) => {
      await app.register(surveyRoutes(ctx));
      await app.register(analyticsRoutes(ctx));
    },
    publicRoutes: publicSurveyRoutes(ctx, options.publicLimits),
    eventHook: surveyTriggerHook(triggers),
    jobs: {
      ...surveyJobs(ctx),
      [AFTER_RESPONSE_JOB]: afterResponseJob(ctx),
      [REBUCKET_JOB]: rebucketJobHandler(options.db),
    },
  };
}

import './cases.tables.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import type { ProfilesContext, RecordedEventsHook } from '../profiles/index.js';
import { checkJobHandler } from './case.engine.js';
import {
  COMPLAINT_JOB,
  complaintHook,
  complaintJobHandler,
  handleSurveyFlagged,
  SURVEY_SUBSCRIBER,
} from './case.intake.js';
import { RECHECK_JOB, recheckJobHandler } from './case.recheck.js';
import { caseRoutes } from './case.routes.js';
import { CHECK_JOB } from './case.service.js';
import { caseSettingsRoutes } from './settings.routes.js';

export {
  casesOfProfile,
  createCase,
  findCase,
  transitionCase,
  type CreateCaseInput,
} from './case.service.js';
export { sweepAll, sweepWorkspace, type SweepResult } from './case.engine.js';
export { seedDemoCases } from './case.demo.js';
export { DEFAULT_CASE_TAXONOMY, formatCaseNumber } from './case.model.js';
export {
  compileCalendar,
  defaultCalendar,
  validateCalendar,
  type BusinessCalendar,
} from './business-hours.js';

export interface CasesModuleOptions {
  events: EventBus;
  /** Adds Case Opened / Case Resolved to customers' timelines. */
  profiles?: ProfilesContext;
  /** Base URL of the console, for links in e-mails. */
  publicUrl?: string;
  logger?: Logger | false;
}

/**
 * The cases module as the app composes it: the recorded-events hook (complaint events → durable job), the
 * `survey.response.flagged` subscriber, the routes and the job handlers (complaint intake, SLA/escalation checks,
 * rechecks of open cases after a rule, SLA policy or calendar change).
 */
export function casesModule(
  db: Db,
  options: CasesModuleOptions,
): { hook: RecordedEventsHook; routes: FastifyPluginAsyncTypebox; jobs: Record<string, JobHandler> } {
  const deps = { events: options.events, ...(options.profiles && { profiles: options.profiles }) };
  options.events.subscribe('survey.response.flagged', SURVEY_SUBSCRIBER, (e) =>
    handleSurveyFlagged(db, deps, e),
  );
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(caseSettingsRoutes(db));
    await app.register(caseRoutes(db, deps));
  };
  return {
    hook: complaintHook(),
    routes,
    jobs: {
      [COMPLAINT_JOB]: complaintJobHandler(db, deps),
      [CHECK_JOB]: checkJobHandler(
        db,
        { events: options.events, publicUrl: options.publicUrl ?? '' },
        options.logger,
      ),
      [RECHECK_JOB]: recheckJobHandler(db),
    },
  };
}
export { caseDescriptionTexts } from './case.text-source.js';

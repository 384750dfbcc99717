import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { allMigrations } from './migrations/index.js';
import type { Config } from './platform/config/index.js';
import { pendingMigrations, type DatabaseHandle } from './platform/db/index.js';
import { createHttpServer, type HttpServer } from './platform/http/index.js';
import { auditRoutes } from './modules/audit/index.js';
import {
  ChannelCatalogue,
  channelRoutes,
  EventInbox,
  GroupCommitter,
  inboxRoutes,
  ingestRoutes,
} from './modules/ingest/index.js';
import { profileRoutes, type ProfilesContext, type RecordedEventsHook } from './modules/profiles/index.js';
import { REANALYSIS_JOB, TextReanalysis, textRoutes } from './modules/text/index.js';
import { touchpointsModule } from './modules/touchpoints/index.js';
import { createSurveysModule, perceptionByTouchpoint, surveyAnswerTexts } from './modules/surveys/index.js';
import { casesModule, caseDescriptionTexts } from './modules/cases/index.js';
import { notificationJobs, notificationRoutes } from './modules/notifications/index.js';
import { segmentsModule } from './modules/segments/index.js';
import { createFieldCipher } from './platform/crypto/index.js';
import { EventBus } from './platform/events/index.js';
import type { JobHandler } from './platform/jobs/index.js';
import { authRoutes, createAuthenticator, keyRoutes, workspaceRoutes } from './modules/workspaces/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The package version, for OpenAPI and the start-up banner. */
export const VERSION: string = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
).version;

export type AppConfig = Pick<
  Config,
  | 'publicUrl'
  | 'bodyLimitBytes'
  | 'jsonMaxDepth'
  | 'metricsToken'
  | 'sessionTtlHours'
  | 'cookieSecure'
  | 'loginRateLimit'
  | 'tzDefault'
  | 'secretKey'
  | 'phoneRegion'
> &
  Partial<Pick<Config, 'smtpUrl' | 'mailFrom' | 'webhookAllowPrivate' | 'ingestMaxBacklog'>>;

/**
 * Composes the HTTP application: the platform server plus every module's routes under /api/v1. The database must
 * already be migrated (readiness reports pending migrations otherwise).
 */
export async function buildApp(options: {
  config: AppConfig;
  database: DatabaseHandle;
  logger: Logger | false;
  /** Filled with every module's durable job handlers, for the job runner (see main.ts). */
  jobHandlers?: Record<string, JobHandler>;
  /** Filled with the collection API's inbox, so tests can wait until acknowledged events are in the profiles. */
  handles?: { inbox?: EventInbox };
}): Promise<HttpServer> {
  const { config, database } = options;
  // Modules publish domain events inside their transactions; subscribers run as durable jobs.
  const events = new EventBus();
  // Durable job handlers of the modules (timers, reminders, re-mapping); event deliveries are added at the end.
  const jobs: Record<string, JobHandler> = {};
  const { db } = database;
  const app = await createHttpServer({
    logger: options.logger,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    jsonMaxDepth: config.jsonMaxDepth,
    metricsToken: config.metricsToken,
    authenticate: createAuthenticator(db),
    readiness: async () => {
      try {
        await sql`select 1`.execute(db);
      } catch {
        return 'database unreachable';
      }
      const pending = await pendingMigrations(db, allMigrations(database.kind));
      return pending.length ? `migrations pending: ${pending.join(', ')}` : null;
    },
    webRoot: path.join(root, 'web', 'dist'),
    version: VERSION,
  });

  // Modules that react to stored events add their hooks here (touchpoint mapping, survey triggers).
  const eventHooks: RecordedEventsHook[] = [];
  const profiles: ProfilesContext = {
    cipher: createFieldCipher(config.secretKey),
    phoneRegion: config.phoneRegion,
    hooks: eventHooks,
    changeHooks: [],
  };
  // Segments: members follow profile changes (a queued re-evaluation per batch when the workspace has segments).
  const segments = segmentsModule(db, { cipher: profiles.cipher });
  profiles.changeHooks = [segments.changeHook];
  Object.assign(jobs, segments.jobs);
  // Touchpoint health shows survey perception beside the event figures.
  const touchpoints = touchpointsModule(db, { perception: perceptionByTouchpoint, events });
  // First of the hooks: it sets each event's touchpointKey, which survey triggers and complaint intake read.
  eventHooks.push(touchpoints.hook);
  Object.assign(jobs, touchpoints.jobs);
  // Surveys: event-triggered invitations (hook + job), case follow-up subscription, public pages and widget.
  const surveys = createSurveysModule({
    db,
    events,
    profiles,
    secretKey: config.secretKey,
    publicUrl: config.publicUrl,
  });
  eventHooks.push(surveys.eventHook);
  Object.assign(jobs, surveys.jobs);
  // Cases: complaint events → cases (hook + job), survey follow-ups, SLA/escalation timers; notifications send.
  const cases = casesModule(db, { events, profiles, publicUrl: config.publicUrl, logger: options.logger });
  eventHooks.push(cases.hook);
  Object.assign(jobs, cases.jobs);
  // Webhooks reach public addresses only, unless the deployment allows private ones (SSRF).
  const webhooks = { allowPrivate: config.webhookAllowPrivate ?? false };
  Object.assign(
    jobs,
    notificationJobs(
      db,
      profiles.cipher,
      {
        smtpUrl: config.smtpUrl ?? null,
        mailFrom: config.mailFrom ?? 'Touchpoint <no-reply@touchpoint.local>',
        logger: options.logger,
      },
      webhooks,
    ),
  );
  // Stored texts the text module can analyse again after the vocabulary or corrections change.
  const reanalysis = new TextReanalysis(db, [surveyAnswerTexts, caseDescriptionTexts]);
  jobs[REANALYSIS_JOB] = reanalysis.job;
  // Overlapping collection requests are answered once their events are in the inbox; its processor folds them into
  // profiles behind the answers. Events already accepted are written before the database closes.
  const inbox = new EventInbox({
    db,
    profiles,
    logger: options.logger,
    maxBacklog: config.ingestMaxBacklog ?? 1_000_000,
  });
  if (options.handles) options.handles.inbox = inbox;
  const committer = new GroupCommitter({ db, profiles, inbox, logger: options.logger });
  app.addHook('onReady', () => inbox.start());
  app.addHook('onClose', async () => {
    await committer.drain();
    await inbox.stop();
  });
  const channels = new ChannelCatalogue(db);
  await app.register(ingestRoutes({ db, channels, committer, inbox, jsonMaxDepth: config.jsonMaxDepth }), {
    prefix: '/v1',
  });
  await app.register(surveys.publicRoutes);

  await app.register(
    async (api) => {
      await api.register(
        authRoutes({
          db,
          sessionTtlHours: config.sessionTtlHours,
          cookieSecure: config.cookieSecure,
          loginRateLimit: config.loginRateLimit,
        }),
      );
      await api.register(workspaceRoutes({ db, tzDefault: config.tzDefault, events }));
      await api.register(keyRoutes(db));
      await api.register(auditRoutes(db));
      await api.register(channelRoutes(db, channels));
      await api.register(inboxRoutes(inbox));
      await api.register(textRoutes(db, reanalysis));
      await api.register(profileRoutes({ db, ...profiles, eventTouchpoints: touchpoints.eventTouchpoints }));
      await api.register(segments.routes);
      await api.register(touchpoints.routes);
      await api.register(surveys.adminRoutes);
      await api.register(cases.routes);
      await api.register(notificationRoutes(db, profiles.cipher, webhooks));
    },
    { prefix: '/api/v1' },
  );
  if (options.jobHandlers) Object.assign(options.jobHandlers, jobs, events.jobHandlers(db));
  return app;
}

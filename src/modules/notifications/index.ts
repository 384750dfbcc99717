import './notifications.tables.js';
import type { Logger } from 'pino';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Db } from '../../platform/db/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import { EMAIL_JOB, emailJobHandler, type MailerOptions } from './email.service.js';
import { WEBHOOK_JOB, webhookJobHandler, type WebhookPolicy } from './webhook.service.js';

export {
  enqueueWebhooks,
  listEndpoints,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_JOB,
  type WebhookPolicy,
} from './webhook.service.js';
export type { WebhookEndpointsTable } from './notifications.tables.js';
export {
  enqueueEmail,
  renderEmail,
  EMAIL_TEMPLATES,
  EMAIL_JOB,
  type EmailInput,
  type MailerOptions,
} from './email.service.js';
export { notificationRoutes } from './notifications.routes.js';

/** The durable job handlers of notifications (webhook deliveries, e-mails), for the `jobs` record of buildApp. */
export function notificationJobs(
  db: Db,
  cipher: FieldCipher,
  mail: MailerOptions & { logger?: Logger | false },
  webhooks: WebhookPolicy,
): Record<string, JobHandler> {
  return {
    [WEBHOOK_JOB]: webhookJobHandler(db, cipher, webhooks, mail.logger),
    [EMAIL_JOB]: emailJobHandler(db, mail),
  };
}

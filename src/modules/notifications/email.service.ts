/**
 * E-mail notifications: bilingual templates, an `email_log` row per message written in the caller's transaction,
 * and a durable job that sends it over SMTP with nodemailer. Without SMTP_URL the job marks the message `skipped`
 * and logs it, so nothing else has to know whether mail is configured.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { newId, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';

export const EMAIL_JOB = 'notifications.email';

export type EmailLocale = 'zh-CN' | 'en';

interface Template {
  subject: string;
  text: string;
}

/**
 * Templates by name and locale. `{name}` placeholders are filled from the variables (missing ones stay empty);
 * the HTML part is the text, escaped, with line breaks.
 */
export const EMAIL_TEMPLATES: Record<string, Record<EmailLocale, Template>> = {
  'case.escalated': {
    'zh-CN': {
      subject: '【工单升级】{number} {subject}',
      text: '您好 {recipient}：\n\n工单 {number}（{category}，优先级 {priority}）已触发升级规则「{rule}」：{reason}。\n客户：{customer}\n请尽快处理：{link}\n\n—— Touchpoint 客户体验管理平台',
    },
    en: {
      subject: '[Escalated] {number} {subject}',
      text: 'Hello {recipient},\n\nCase {number} ({category}, priority {priority}) was escalated by the rule "{rule}": {reason}.\nCustomer: {customer}\nPlease handle it now: {link}\n\n— Touchpoint CXM',
    },
  },
  'case.assigned': {
    'zh-CN': {
      subject: '【新工单】{number} {subject}',
      text: '您好 {recipient}：\n\n工单 {number}（{category}，优先级 {priority}）已分配给您。\n请处理：{link}\n\n—— Touchpoint 客户体验管理平台',
    },
    en: {
      subject: '[New case] {number} {subject}',
      text: 'Hello {recipient},\n\nCase {number} ({category}, priority {priority}) was assigned to you.\nOpen it: {link}\n\n— Touchpoint CXM',
    },
  },
  test: {
    'zh-CN': { subject: 'Touchpoint 测试邮件', text: '这是一封测试邮件：{message}' },
    en: { subject: 'Touchpoint test e-mail', text: 'This is a test e-mail: {message}' },
  },
};

function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) =>
    Object.hasOwn(vars, k) ? (vars[k] as string) : '',
  );
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Renders a template in a locale (falls back to English for another locale). */
export function renderEmail(
  template: string,
  locale: string,
  vars: Readonly<Record<string, string>>,
): { subject: string; text: string; html: string } {
  const t = EMAIL_TEMPLATES[template];
  if (!t) throw new Error(`unknown e-mail template ${template}`);
  const l: EmailLocale = locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  // Subjects are one line: a newline in a variable must not start a new header.
  const subject = fill(t[l].subject, vars)
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 250);
  const text = fill(t[l].text, vars);
  const html = `<div style="font-family:sans-serif;line-height:1.5">${text
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string)
    .replace(/\n/g, '<br>')}</div>`;
  return { subject, text, html };
}

export interface EmailInput {
  workspaceId: string;
  to: string;
  locale: string;
  template: keyof typeof EMAIL_TEMPLATES | string;
  vars: Record<string, string>;
}

/** Writes the log row and schedules the sending job, in the caller's transaction. Returns the log id. */
export async function enqueueEmail(db: Db, input: EmailInput): Promise<string> {
  const { subject } = renderEmail(input.template, input.locale, input.vars);
  const id = newId('eml');
  const now = Date.now();
  await db
    .insertInto('email_log')
    .values({
      workspace_id: input.workspaceId,
      id,
      to_address: input.to,
      template: input.template,
      locale: input.locale,
      subject,
      status: 'pending',
      attempts: 0,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await enqueueJob(db, {
    type: EMAIL_JOB,
    workspaceId: input.workspaceId,
    payload: { emailId: id, template: input.template, locale: input.locale, to: input.to, vars: input.vars },
    maxAttempts: 6,
  });
  return id;
}

export interface MailerOptions {
  smtpUrl: string | null;
  mailFrom: string;
  logger?: Logger | false;
}

/** The job handler that sends one e-mail (or records it as skipped when no SMTP server is configured). */
export function emailJobHandler(db: Db, options: MailerOptions): JobHandler {
  let transport: Transporter | undefined;
  return async (job) => {
    const p = job.payload as {
      emailId: string;
      template: string;
      locale: string;
      to: string;
      vars: Record<string, string>;
    };
    const workspaceId = job.workspaceId ?? '';
    const row = await db
      .selectFrom('email_log')
      .select(['status'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', p.emailId)
      .executeTakeFirst();
    if (!row || row.status === 'sent' || row.status === 'skipped') return;
    const mark = (status: string, error: string | null) =>
      db
        .updateTable('email_log')
        .set({ status, last_error: error, attempts: job.attempt, updated_at: Date.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', p.emailId)
        .execute();
    if (!options.smtpUrl) {
      if (options.logger)
        options.logger.info({ emailId: p.emailId, template: p.template }, 'SMTP_URL unset: e-mail skipped');
      await mark('skipped', 'SMTP_URL is not configured');
      return;
    }
    const message = renderEmail(p.template, p.locale, p.vars);
    transport ??= nodemailer.createTransport(options.smtpUrl);
    try {
      await transport.sendMail({ from: options.mailFrom, to: p.to, ...message });
      await mark('sent', null);
    } catch (err) {
      const error = err instanceof Error ? err.message.slice(0, 500) : 'send failed';
      await mark(job.attempt >= 6 ? 'failed' : 'pending', error);
      throw err;
    }
  };
}

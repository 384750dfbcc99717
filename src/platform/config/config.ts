import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The one validated, frozen configuration of a Touchpoint process. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  /** `sqlite:<file>` for the embedded default, or a postgres URL. */
  readonly databaseUrl: string;
  readonly databaseKind: 'sqlite' | 'postgres';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 32 bytes; never logged. */
  readonly secretKey: Buffer;
  readonly tzDefault: string;
  /** ISO 3166 region for phone numbers written without a country code. */
  readonly phoneRegion: string;
  readonly sessionTtlHours: number;
  readonly cookieSecure: boolean;
  readonly bodyLimitBytes: number;
  readonly jsonMaxDepth: number;
  readonly loginRateLimit: number;
  readonly jobsEnabled: boolean;
  readonly jobsConcurrency: number;
  readonly seedDemo: boolean;
  readonly metricsToken: string | null;
  /** SMTP server for e-mail notifications (smtp:// or smtps://); null = e-mails are skipped and logged. */
  readonly smtpUrl: string | null;
  /** Sender address of e-mail notifications. */
  readonly mailFrom: string;
  /** Let webhooks reach loopback and private addresses (development, tests); off: public addresses only (SSRF). */
  readonly webhookAllowPrivate: boolean;
  /** Most events acknowledged but not yet folded into profiles; beyond it the collection API answers 429. */
  readonly ingestMaxBacklog: number;
}

/** Raised for a bad environment variable; main prints it and exits with code 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Every environment variable Touchpoint reads, with its default and meaning (the README is generated from the same facts). */
export const ENV_VARS = [
  ['PORT', '3000', 'HTTP port.'],
  ['HOST', '127.0.0.1', 'Interface to listen on; use 0.0.0.0 in a container.'],
  [
    'PUBLIC_URL',
    'http://localhost:$PORT',
    'Address people use to reach the console; https:// turns on Secure cookies.',
  ],
  ['DATA_DIR', './data', 'SQLite file and generated secrets.'],
  ['DATABASE_URL', 'sqlite:$DATA_DIR/touchpoint.db', 'postgres://user:pass@host:5432/db for PostgreSQL 15+.'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent.'],
  [
    'TOUCHPOINT_SECRET_KEY',
    'generated into $DATA_DIR/secret.key',
    '32 bytes as 64 hex chars or base64; encrypts PII. Never logged.',
  ],
  ['TZ_DEFAULT', 'Asia/Shanghai', 'IANA time zone of new workspaces.'],
  ['PHONE_DEFAULT_REGION', 'CN', 'Region of phone numbers without a country code (CN → +86).'],
  ['SESSION_TTL_HOURS', '168', 'Console session lifetime.'],
  ['COOKIE_SECURE', 'true when PUBLIC_URL is https', 'Force the Secure flag on session cookies.'],
  ['BODY_LIMIT_BYTES', '1048576', 'Largest request body on the admin API.'],
  ['JSON_MAX_DEPTH', '32', 'Deepest JSON nesting accepted.'],
  ['LOGIN_RATE_LIMIT', '10', 'Login attempts per 15 minutes per IP and e-mail.'],
  ['JOBS_ENABLED', 'true', 'Run the durable job runner in this process.'],
  ['JOBS_CONCURRENCY', '4', 'Jobs run at once by this process.'],
  ['SEED_DEMO', 'true on SQLite, false on PostgreSQL', 'Seed the demo workspace on first start.'],
  ['METRICS_TOKEN', '(none)', 'When set, /metrics requires Authorization: Bearer <token>.'],
  [
    'SMTP_URL',
    '(none)',
    'smtp://user:pass@host:587 for e-mail notifications; unset = e-mails skipped and logged.',
  ],
  ['MAIL_FROM', 'Touchpoint <no-reply@touchpoint.local>', 'Sender of e-mail notifications.'],
  [
    'INGEST_MAX_BACKLOG',
    '1000000',
    'Most collected events waiting to be folded into profiles; beyond it /v1 answers 429.',
  ],
] as const;

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and validates the environment. Collects every problem before failing so an operator fixes them in one go.
 * When no secret key is configured, one is generated into DATA_DIR (mode 0600) on first start.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return Number(raw);
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) return def;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return def;
  };

  const port = int('PORT', 3000, 1, 65535);
  const host = read('HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(read('DATA_DIR') ?? './data');

  const publicUrl = (read('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(publicUrl))
    problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);

  let databaseUrl = read('DATABASE_URL') ?? `sqlite:${path.join(dataDir, 'touchpoint.db')}`;
  let databaseKind: Config['databaseKind'] = 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    databaseKind = 'postgres';
    try {
      new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL is not a valid postgres URL');
    }
  } else if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file === '')
      problems.push('DATABASE_URL sqlite: needs a file name, e.g. sqlite:./data/touchpoint.db');
    databaseUrl = file === ':memory:' ? 'sqlite::memory:' : `sqlite:${path.resolve(file)}`;
  } else {
    problems.push('DATABASE_URL must start with postgres://, postgresql:// or sqlite: (value not shown)');
  }

  const logLevelRaw = read('LOG_LEVEL') ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw)
    ? (logLevelRaw as Config['logLevel'])
    : (problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}")`), 'info');

  const tzDefault = read('TZ_DEFAULT') ?? 'Asia/Shanghai';
  if (!isTimeZone(tzDefault))
    problems.push(`TZ_DEFAULT must be an IANA time zone such as Asia/Shanghai (got "${tzDefault}")`);

  const phoneRegion = (read('PHONE_DEFAULT_REGION') ?? 'CN').toUpperCase();
  if (!/^[A-Z]{2}$/.test(phoneRegion))
    problems.push(`PHONE_DEFAULT_REGION must be a two-letter region such as CN (got "${phoneRegion}")`);

  const metricsToken = read('METRICS_TOKEN') ?? null;

  const smtpUrl = read('SMTP_URL') ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    problems.push('SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://… (value not shown)');
  const mailFrom = read('MAIL_FROM') ?? 'Touchpoint <no-reply@touchpoint.local>';
  if (!/^[^\r\n]{1,200}@[^\r\n]{1,200}$/.test(mailFrom)) problems.push('MAIL_FROM must be an e-mail address');
  if (metricsToken !== null && metricsToken.length < 16)
    problems.push('METRICS_TOKEN must be at least 16 characters');

  const partial = {
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    databaseKind,
    logLevel,
    tzDefault,
    phoneRegion,
    sessionTtlHours: int('SESSION_TTL_HOURS', 168, 1, 24 * 365),
    cookieSecure: bool('COOKIE_SECURE', publicUrl.startsWith('https://')),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    jsonMaxDepth: int('JSON_MAX_DEPTH', 32, 2, 1000),
    loginRateLimit: int('LOGIN_RATE_LIMIT', 10, 1, 100_000),
    jobsEnabled: bool('JOBS_ENABLED', true),
    jobsConcurrency: int('JOBS_CONCURRENCY', 4, 1, 256),
    seedDemo: bool('SEED_DEMO', databaseKind === 'sqlite'),
    metricsToken,
    smtpUrl,
    mailFrom,
    webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
    ingestMaxBacklog: int('INGEST_MAX_BACKLOG', 1_000_000, 1_000, 1_000_000_000),
  };

  const secretRaw = read('TOUCHPOINT_SECRET_KEY');
  let secretKey: Buffer | undefined;
  if (secretRaw !== undefined) {
    secretKey = parseSecretKey(secretRaw);
    if (!secretKey)
      problems.push(
        'TOUCHPOINT_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (value not shown)',
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = { ...partial, secretKey: secretKey ?? loadOrCreateSecretKey(dataDir) };
  return Object.freeze(config);
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseSecretKey(raw: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const buf = Buffer.from(raw, 'base64');
    if (buf.length === 32) return buf;
  }
  return undefined;
}

function loadOrCreateSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = parseSecretKey(readFileSync(file, 'utf8').trim());
    if (!key)
      throw new ConfigError([
        `${file} does not hold a valid 32-byte key; restore it or set TOUCHPOINT_SECRET_KEY`,
      ]);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' never overwrites a key another process created a moment ago.
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecretKey(dataDir);
    throw err;
  }
  return key;
}

/** A log-safe view of the configuration: secrets and database passwords masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    secretKey: '***',
    metricsToken: config.metricsToken ? '***' : null,
    smtpUrl: config.smtpUrl?.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') ?? null,
    databaseUrl: config.databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@'),
  };
}

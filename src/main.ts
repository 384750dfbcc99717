import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { buildApp, VERSION } from './app.js';
import { allMigrations } from './migrations/index.js';
import { cliActor, systemActor, verifyAuditChain } from './modules/audit/index.js';
import {
  addMember,
  createApiKey,
  createUser,
  createWorkspace,
  createWriteKey,
  DEMO_LOGIN,
  DEMO_SLUG,
  demoLoginStillValid,
  findUserByEmail,
  getWorkspaceBySlug,
  isRole,
  ROLES,
  seedDemoWorkspace,
} from './modules/workspaces/index.js';
import { seedDemoCustomers } from './modules/profiles/index.js';
import { seedDemoSurveys } from './modules/surveys/index.js';
import { touchpointsModule } from './modules/touchpoints/index.js';
import { ConfigError, describeConfig, loadConfig, type Config } from './platform/config/index.js';
import { seedDemoCases } from './modules/cases/index.js';
import { seedDemoSegments } from './modules/segments/index.js';
import { createFieldCipher } from './platform/crypto/index.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './platform/db/index.js';
import { JobRunner, type JobHandler } from './platform/jobs/index.js';
import { AppError } from './platform/http/index.js';
import { pickLocale, t } from './platform/i18n/index.js';

const HELP = `Touchpoint ${VERSION} — customer experience management

Usage: touchpoint <command> [options]

Commands:
  start                                   migrate, seed the demo workspace on first start (SQLite), serve
  migrate                                 apply pending database migrations
  seed-demo                               create the demo workspace (slug "${DEMO_SLUG}") if missing
  create-user --email E --name N [--password P] [--workspace SLUG --role ROLE]
                                          create a console user (password from --password,
                                          TOUCHPOINT_PASSWORD, or generated and printed)
  create-workspace --slug S --name N [--owner EMAIL] [--time-zone TZ]
  create-api-key --workspace SLUG --role ROLE [--name NAME]
                                          print a new secret API key (shown once)
  create-write-key --workspace SLUG --name SOURCE
                                          print a new public write key for an event source
  audit verify                            check the audit hash chains; exit 1 naming the first broken row
  help                                    this text

Roles: ${ROLES.join(', ')}. Configuration comes from environment variables (see README).`;

class UsageError extends Error {}

/** CLI entry point; `argv` without node and script. Sets process.exitCode instead of exiting mid-flight. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start();
      case 'migrate':
        return await withDatabase(async (database) => {
          const applied = await migrateToLatest(database.db, allMigrations(database.kind));
          console.log(
            applied.length
              ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
              : 'Database is up to date.',
          );
        });
      case 'seed-demo':
        return await withDatabase(async (database, config) => {
          await migrateToLatest(database.db, allMigrations(database.kind));
          const created = await seedDemo(database, config);
          console.log(
            created
              ? `Demo workspace "${DEMO_SLUG}" created. Login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`
              : `Demo workspace "${DEMO_SLUG}" already exists.`,
          );
        });
      case 'create-user':
        return await createUserCommand(rest);
      case 'create-workspace':
        return await createWorkspaceCommand(rest);
      case 'create-api-key':
        return await createApiKeyCommand(rest);
      case 'create-write-key':
        return await createWriteKeyCommand(rest);
      case 'audit':
        if (rest[0] !== 'verify') throw new UsageError('usage: touchpoint audit verify');
        return await auditVerify();
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return;
      case '--version':
      case 'version':
        console.log(VERSION);
        return;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    process.exitCode = 1;
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof UsageError) console.error(`touchpoint: ${err.message}\n\n${HELP}`);
    else if (err instanceof AppError)
      console.error(`touchpoint: ${t(cliLocale(), err.messageKey, err.details)} (${err.code})`);
    else console.error(err);
  }
}

function cliLocale() {
  return pickLocale((process.env.LC_ALL || process.env.LANG || '').replace('_', '-').split('.')[0]);
}

function actor() {
  return cliActor(safeUserName());
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function withDatabase(fn: (database: DatabaseHandle, config: Config) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl);
  try {
    await fn(database, config);
  } finally {
    await database.close();
  }
}

function options(args: string[], names: string[]): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (v === undefined || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

function roleOption(values: Record<string, string | undefined>) {
  const role = required(values, 'role');
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return role;
}

async function createUserCommand(args: string[]): Promise<void> {
  const v = options(args, ['email', 'name', 'password', 'workspace', 'role']);
  const email = required(v, 'email');
  const given = v.password ?? process.env.TOUCHPOINT_PASSWORD;
  const password = given ?? (await import('node:crypto')).randomBytes(12).toString('base64url');
  if (v.workspace !== undefined && v.role === undefined) throw new UsageError('--workspace needs --role');
  await withDatabase(async ({ db }) => {
    const user = await createUser(db, actor(), {
      email,
      name: v.name ?? email.split('@')[0] ?? email,
      password,
    });
    if (v.workspace !== undefined) {
      const ws = await getWorkspaceBySlug(db, v.workspace);
      await addMember(db, actor(), null, ws.id, { email: user.email, role: roleOption(v) });
    }
    console.log(
      `Created user ${user.email} (${user.id})${v.workspace ? ` as ${v.role} of ${v.workspace}` : ''}.`,
    );
    if (given === undefined) console.log(`Password: ${password}`);
  });
}

async function createWorkspaceCommand(args: string[]): Promise<void> {
  const v = options(args, ['slug', 'name', 'owner', 'time-zone']);
  const slug = required(v, 'slug');
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug))
    throw new UsageError('--slug: lower-case letters, digits and dashes');
  await withDatabase(async ({ db }, config) => {
    const owner = v.owner ? await findUserByEmail(db, v.owner) : undefined;
    if (v.owner && !owner) throw new UsageError(`no user with e-mail ${v.owner}`);
    const ws = await createWorkspace(db, actor(), {
      slug,
      name: required(v, 'name'),
      timeZone: v['time-zone'] ?? config.tzDefault,
      defaultLocale: 'zh-CN',
      ownerUserId: owner?.id ?? null,
    });
    console.log(`Created workspace ${ws.slug} (${ws.id}).`);
  });
}

async function createApiKeyCommand(args: string[]): Promise<void> {
  const v = options(args, ['workspace', 'role', 'name']);
  const role = roleOption(v);
  await withDatabase(async ({ db }) => {
    const ws = await getWorkspaceBySlug(db, required(v, 'workspace'));
    const { key } = await createApiKey(db, actor(), null, ws.id, { name: v.name ?? `CLI ${role} key`, role });
    console.log(key);
  });
}

async function createWriteKeyCommand(args: string[]): Promise<void> {
  const v = options(args, ['workspace', 'name']);
  await withDatabase(async ({ db }) => {
    const ws = await getWorkspaceBySlug(db, required(v, 'workspace'));
    const writeKey = await createWriteKey(db, actor(), ws.id, { name: required(v, 'name') });
    console.log(writeKey.key);
  });
}

async function auditVerify(): Promise<void> {
  await withDatabase(async ({ db }) => {
    const result = await verifyAuditChain(db);
    if (result.ok) {
      console.log(`Audit trail intact: ${result.rows} row(s) in ${result.chains} chain(s).`);
      return;
    }
    process.exitCode = 2;
    console.error(
      `Audit trail BROKEN in chain ${result.workspaceId} at row seq=${result.seq}${result.id ? ` (id ${result.id})` : ''}: ${result.reason}. ` +
        `${result.rows} row(s) verified before it.`,
    );
  });
}

const DEMO_CUSTOMERS = 2000;

/** The demo workspace with its team, then ~2,000 customers and their journeys; false when it already existed. */
async function seedDemo(database: DatabaseHandle, config: Config): Promise<boolean> {
  if (!(await seedDemoWorkspace(database.db, systemActor('demo-seed'), config.tzDefault))) return false;
  console.log(`Seeding the demo workspace with ${DEMO_CUSTOMERS} customers and their journeys…`);
  const ws = await getWorkspaceBySlug(database.db, DEMO_SLUG);
  // The data-service journey first, so the customers' events map to its touchpoints as they are written.
  const touchpoints = touchpointsModule(database.db);
  await touchpoints.catalogue.applyTemplate(systemActor('demo-seed'), ws.id, 'mobile_data_service');
  const profiles = {
    cipher: createFieldCipher(config.secretKey),
    phoneRegion: config.phoneRegion,
    hooks: [touchpoints.hook],
  };
  await seedDemoCustomers(database.db, profiles, ws.id, { customers: DEMO_CUSTOMERS, now: Date.now() });
  await seedDemoSurveys(database.db, ws.id, { now: Date.now(), profiles });
  await seedDemoCases(database.db, ws.id, { now: Date.now() });
  // Their members are computed by the job runner once the server starts.
  await seedDemoSegments(database.db, ws.id);
  return true;
}

async function start(): Promise<void> {
  const config = loadConfig();
  const logger: Logger = pino({
    level: config.logLevel,
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-write-key"]',
      'res.headers["set-cookie"]',
    ],
  });
  logger.info({ config: describeConfig(config) }, 'starting Touchpoint');
  const database = openDatabase(config.databaseUrl);
  const applied = await migrateToLatest(database.db, allMigrations(database.kind));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.seedDemo && (await seedDemo(database, config)))
    logger.info({ workspace: DEMO_SLUG }, 'demo workspace seeded');

  const jobHandlers: Record<string, JobHandler> = {};
  const app = await buildApp({ config, database, logger, jobHandlers });
  await app.listen({ port: config.port, host: config.host });
  const runner = config.jobsEnabled
    ? new JobRunner({ db: database.db, concurrency: config.jobsConcurrency, handlers: jobHandlers, logger })
    : undefined;
  runner?.start();

  const demo = config.seedDemo && (await demoLoginStillValid(database.db));
  console.log(
    [
      '',
      `  Touchpoint ${VERSION} is running · 已启动`,
      `  Console 控制台:   ${config.publicUrl}/`,
      `  API docs 接口文档: ${config.publicUrl}/api/docs`,
      `  Database 数据库:  ${database.kind === 'sqlite' ? config.databaseUrl.slice('sqlite:'.length) : 'PostgreSQL'}`,
      demo ? `  Demo login 演示账号: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}` : '',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await runner?.stop();
    await database.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2));
}

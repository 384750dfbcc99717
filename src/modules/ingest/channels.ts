import { fromJson, inTransaction, isUniqueViolation, toJson, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import './ingest.tables.js';

/**
 * The default channel catalogue: where interactions happen. An event's channel comes from `context.channel` or
 * `properties.channel`; a workspace can add its own channels and aliases; anything unknown becomes `other`.
 */
export const DEFAULT_CHANNELS: Readonly<
  Record<string, { zh: string; en: string; aliases: readonly string[] }>
> = {
  web: { zh: '网站', en: 'Web', aliases: ['website', 'pc', 'h5', 'browser', 'mobile_web'] },
  app: { zh: '手机应用', en: 'App', aliases: ['mobile_app', 'ios', 'android', 'application'] },
  wechat: {
    zh: '微信公众号',
    en: 'WeChat',
    aliases: ['weixin', 'wechat_official_account', 'official_account', 'mini_program', 'miniprogram'],
  },
  store: { zh: '门店', en: 'Store', aliases: ['shop', 'retail', 'pos', 'branch', 'offline'] },
  call_center: {
    zh: '呼叫中心',
    en: 'Call centre',
    aliases: ['call_centre', 'callcenter', 'phone', 'hotline', 'ivr', '10086'],
  },
  sms: { zh: '短信', en: 'SMS', aliases: ['text_message'] },
  email: { zh: '邮件', en: 'E-mail', aliases: ['mail', 'e_mail'] },
  account_manager: {
    zh: '客户经理',
    en: 'Account manager',
    aliases: ['key_account_manager', 'kam', 'sales_rep'],
  },
  other: { zh: '其他', en: 'Other', aliases: [] },
};

export interface Channel {
  key: string;
  name: { 'zh-CN': string; en: string };
  aliases: string[];
  builtIn: boolean;
}

export const channelKey = (raw: string) =>
  raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const defaults = new Map<string, string>();
for (const [key, c] of Object.entries(DEFAULT_CHANNELS)) {
  defaults.set(key, key);
  for (const a of c.aliases) defaults.set(a, key);
}

const CACHE_MS = 30_000;

/** Maps raw channel values to catalogue keys per workspace; custom channels are cached for 30 s. */
export class ChannelCatalogue {
  private cache = new Map<string, { map: Map<string, string>; until: number }>();

  constructor(private readonly db: Db) {}

  /** The catalogue key of a raw value (`other` when unknown or absent). */
  async resolve(workspaceId: string, raw: unknown): Promise<string> {
    if (typeof raw !== 'string') return 'other';
    const key = channelKey(raw);
    return (await this.mapOf(workspaceId)).get(key) ?? defaults.get(key) ?? 'other';
  }

  /**
   * Replaces each event's raw channel by its catalogue key: one look-up of the workspace's catalogue for the whole
   * list (a batch of events, or the one event of a single call), not one promise per event.
   */
  async resolveEvents(workspaceId: string, events: readonly { channel: string }[]): Promise<void> {
    const map = await this.mapOf(workspaceId);
    for (const event of events) {
      const raw: unknown = event.channel;
      if (typeof raw !== 'string') {
        event.channel = 'other';
        continue;
      }
      const key = channelKey(raw);
      event.channel = map.get(key) ?? defaults.get(key) ?? 'other';
    }
  }

  /** Forgets a workspace's cached channels after a change. */
  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  private async mapOf(workspaceId: string): Promise<Map<string, string>> {
    const hit = this.cache.get(workspaceId);
    if (hit && hit.until > Date.now()) return hit.map;
    const map = new Map<string, string>();
    for (const c of await this.db
      .selectFrom('channels')
      .select(['key', 'aliases'])
      .where('workspace_id', '=', workspaceId)
      .execute()) {
      map.set(c.key, c.key);
      for (const a of fromJson<string[]>(c.aliases)) map.set(a, c.key);
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(workspaceId, { map, until: Date.now() + CACHE_MS });
    return map;
  }
}

/** Built-in channels followed by the workspace's own. */
export async function listChannels(db: Db, workspaceId: string): Promise<Channel[]> {
  const custom = await db
    .selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
  return [
    ...Object.entries(DEFAULT_CHANNELS).map(([key, c]) => ({
      key,
      name: { 'zh-CN': c.zh, en: c.en },
      aliases: [...c.aliases],
      builtIn: true,
    })),
    ...custom.map((c) => ({
      key: c.key,
      name: { 'zh-CN': c.name_zh, en: c.name_en },
      aliases: fromJson<string[]>(c.aliases),
      builtIn: false,
    })),
  ];
}

const channelExists = (key: string) => new AppError('CHANNEL_EXISTS', 409, 'error.channel_exists', { key });

/** Adds a workspace channel; its key and aliases may not shadow a built-in channel or alias. */
export async function addChannel(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: { key: string; nameZh: string; nameEn: string; aliases: string[] },
): Promise<Channel> {
  const key = channelKey(input.key);
  const aliases = [...new Set(input.aliases.map(channelKey))].filter((a) => a !== key);
  for (const k of [key, ...aliases]) if (defaults.has(k)) throw channelExists(k);
  await inTransaction(db, async (trx) => {
    try {
      await trx
        .insertInto('channels')
        .values({
          workspace_id: workspaceId,
          key,
          name_zh: input.nameZh.trim(),
          name_en: input.nameEn.trim(),
          aliases: toJson(aliases),
          created_at: Date.now(),
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw channelExists(key);
      throw err;
    }
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'channel.created',
      targetType: 'channel',
      targetId: key,
      details: { nameZh: input.nameZh, nameEn: input.nameEn, aliases },
    });
  });
  return { key, name: { 'zh-CN': input.nameZh.trim(), en: input.nameEn.trim() }, aliases, builtIn: false };
}

/** Removes a workspace channel (events keep the key they were stored with). */
export async function removeChannel(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  key: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const res = await trx
      .deleteFrom('channels')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', channelKey(key))
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0)
      throw new AppError('CHANNEL_NOT_FOUND', 404, 'error.channel_not_found');
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'channel.removed',
      targetType: 'channel',
      targetId: channelKey(key),
    });
  });
}

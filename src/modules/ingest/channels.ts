/**
 * The default channel catalogue: where interactions happen. An event's channel comes from `context.channel` or
 * `properties.channel`; anything the catalogue does not know becomes `other`. Aliases map common spellings.
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

const lookup = new Map<string, string>();
for (const [key, c] of Object.entries(DEFAULT_CHANNELS)) {
  lookup.set(key, key);
  for (const a of c.aliases) lookup.set(a, key);
}

/** Maps a raw channel value to a catalogue key (`other` when unknown or absent). */
export function channelOf(raw: unknown): string {
  if (typeof raw !== 'string') return 'other';
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return lookup.get(key) ?? 'other';
}

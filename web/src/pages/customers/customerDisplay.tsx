import { LockOutlined } from '@ant-design/icons';
import { Avatar, Tag, Tooltip } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../i18n/format';

/**
 * A mobile number as people read it: Chinese mobiles in 3-4-4 groups ("+86 138 0013 8000"). Masked values
 * ("138****8000") and other numbers are shown as they are.
 */
export function displayPhone(value: string): string {
  const cn = /^\+86(1\d{2})(\d{4})(\d{4})$/.exec(value);
  return cn ? `+86 ${cn[1]} ${cn[2]} ${cn[3]}` : value;
}

const AVATAR_COLORS = [
  '#4f46e5',
  '#0ea5e9',
  '#10b981',
  '#f59e0b',
  '#ec4899',
  '#8b5cf6',
  '#14b8a6',
  '#f97316',
];

/** The same colour for the same customer everywhere, so people recognise a profile at a glance. */
function colorOf(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return AVATAR_COLORS[Math.abs(hash) % AVATAR_COLORS.length] ?? '#4f46e5';
}

/** A round avatar with the first character of the customer's name (or a neutral one without a name). */
export function CustomerAvatar({ id, name, size = 32 }: { id: string; name: string | null; size?: number }) {
  const initial = name ? Array.from(name.trim())[0]?.toUpperCase() : undefined;
  return (
    <Avatar
      size={size}
      style={{ background: initial ? colorOf(id) : '#c9cbe0', flex: 'none', fontWeight: 600 }}
      aria-hidden
    >
      {initial ?? '?'}
    </Avatar>
  );
}

/** Marks data the server masked because the role may not read personal data. */
export function MaskedTag({ testId }: { testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('customer.maskedTooltip')}>
      <Tag icon={<LockOutlined />} color="gold" variant="filled" data-testid={testId}>
        {t('customer.maskedBadge')}
      </Tag>
    </Tooltip>
  );
}

const IDENTITY_TYPES = [
  'user_id',
  'anonymous_id',
  'email',
  'phone',
  'wechat_openid',
  'wechat_unionid',
  'device_id',
] as const;
type IdentityType = (typeof IDENTITY_TYPES)[number];
const isIdentityType = (type: string): type is IdentityType =>
  (IDENTITY_TYPES as readonly string[]).includes(type);

const GENDERS: Record<string, 'male' | 'female' | 'other'> = {
  male: 'male',
  m: 'male',
  man: 'male',
  男: 'male',
  female: 'female',
  f: 'female',
  woman: 'female',
  女: 'female',
  other: 'other',
  diverse: 'other',
  其他: 'other',
};

export interface ValueText {
  /** Any trait value as text: strings as they are, numbers per locale, yes/no, JSON for the rest. */
  value: (value: unknown) => string;
  /** The name of an identifier type ("phone" → "Mobile number"); custom types as they are. */
  identityType: (type: string) => string;
  gender: (value: unknown) => string;
}

/** Turns the profile's loosely typed values (traits come from any event) into text in the UI language. */
export function useValueText(): ValueText {
  const { t } = useTranslation();
  const format = useFormatters();
  const value = useCallback(
    (v: unknown): string => {
      if (v === null || v === undefined || v === '') return t('common.none');
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return format.number(v);
      if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
      return JSON.stringify(v);
    },
    [t, format],
  );
  const identityType = useCallback(
    (type: string) => (isIdentityType(type) ? t(`customer.identityTypes.${type}`) : type),
    [t],
  );
  const gender = useCallback(
    (v: unknown) => {
      const known = typeof v === 'string' ? GENDERS[v.trim().toLowerCase()] : undefined;
      return known ? t(`customer.genders.${known}`) : value(v);
    },
    [t, value],
  );
  return { value, identityType, gender };
}

import { describe, expect, it } from 'vitest';
import { pickLocale, t } from './index.js';
import { en, zhCN } from './messages.js';

describe('i18n', () => {
  it('has the same keys and placeholders in zh-CN and en', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zhCN[key]), key).toEqual(names(en[key]));
    }
  });

  it('fills placeholders', () => {
    expect(t('en', 'error.json_too_deep', { max: 32 })).toBe(
      'The JSON body is nested more than 32 levels deep.',
    );
    expect(t('zh-CN', 'error.json_too_deep', { max: 32 })).toBe('JSON 嵌套层级超过 32 层。');
  });

  it('picks the locale by q-weight', () => {
    expect(pickLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLocale('en-US,en;q=0.9,zh;q=0.8')).toBe('en');
    expect(pickLocale('fr, zh-TW;q=0.5')).toBe('zh-CN');
    expect(pickLocale('zh;q=0, en;q=0.1')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
    expect(pickLocale(';;;,q=abc')).toBe('en');
  });
});

import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import { en, zhCN } from './catalogues';

/** localStorage key of the language a person chose in this browser. */
export const LOCALE_STORAGE_KEY = 'touchpoint.locale';

export const resources = {
  'zh-CN': { translation: zhCN },
  en: { translation: en },
} as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language chosen explicitly in this browser, if any. */
export function storedLocale(): Locale | null {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage disabled (private mode, policies)
  }
}

/** Maps a BCP 47 tag from the browser to a console language: any Chinese → zh-CN, everything else → en. */
export function localeFromBrowser(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function initialLocale(): Locale {
  const stored = storedLocale();
  if (stored) return stored;
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return localeFromBrowser(languages);
}

function applyToDocument(locale: Locale): void {
  document.documentElement.lang = locale;
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLocale(),
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});
applyToDocument(currentLocale());
i18n.on('languageChanged', (lng) => {
  if (isLocale(lng)) applyToDocument(lng);
});

/** The console's current language. */
export function currentLocale(): Locale {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLocale(lng) ? lng : 'en';
}

/**
 * Switches the UI language. `remember` stores it in this browser (an explicit choice); a language adopted from the
 * user's profile is not stored, so another person on the same browser still gets their own.
 */
export async function changeLocale(locale: Locale, options: { remember: boolean }): Promise<void> {
  if (options.remember) {
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // storage unavailable: the choice lasts for this page only
    }
  }
  if (currentLocale() !== locale) await i18n.changeLanguage(locale);
}

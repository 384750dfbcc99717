export { t, pickLocale, LOCALES, type Locale } from './i18n.js';
export type { MessageKey } from './messages.js';

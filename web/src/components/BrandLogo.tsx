import { useTranslation } from 'react-i18next';

/** The Touchpoint mark: a journey line through four touchpoints. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <path
        d="M9 21.5 14.5 12l4 6.5L23 10"
        fill="none"
        stroke="#fff"
        strokeWidth="2.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <circle cx="9" cy="21.5" r="2.4" fill="#fff" />
      <circle cx="14.5" cy="12" r="2.4" fill="#a5b4fc" />
      <circle cx="18.5" cy="18.5" r="2.4" fill="#fff" />
      <circle cx="23" cy="10" r="2.4" fill="#a5b4fc" />
    </svg>
  );
}

/** Mark and name; `compact` shows the mark only (collapsed sidebar). */
export function BrandLogo({ compact = false, inverse = false }: { compact?: boolean; inverse?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`tp-brand${inverse ? ' tp-brand-inverse' : ''}`}>
      <BrandMark />
      {!compact && <span className="tp-brand-name">{t('brand.name')}</span>}
    </span>
  );
}

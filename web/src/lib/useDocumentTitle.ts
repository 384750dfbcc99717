import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Sets the browser tab title to "<page> · Touchpoint". */
export function useDocumentTitle(page: string | null): void {
  const { t } = useTranslation();
  const brand = t('brand.name');
  useEffect(() => {
    document.title = page ? `${page} · ${brand}` : t('brand.full');
  }, [page, brand, t]);
}

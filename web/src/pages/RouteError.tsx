import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Shown when a route cannot render, typically because a lazily loaded page chunk is gone after an upgrade: reloading
 * fetches the new build.
 */
export function RouteError() {
  const { t } = useTranslation();
  return (
    <div className="tp-fullpage-center">
      <Result
        status="warning"
        title={t('errors.chunkTitle')}
        subTitle={t('errors.chunk')}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {t('errors.reload')}
          </Button>
        }
      />
    </div>
  );
}

import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { FullPageSpinner } from '../components/states';
import { useErrorMessage } from '../lib/errors';
import { useSessionState } from '../session/SessionContext';

/** Renders its children for a signed-in user; anyone else goes to /login and comes back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const { state, refresh } = useSessionState();
  const location = useLocation();

  switch (state.status) {
    case 'loading':
      return <FullPageSpinner />;
    case 'error':
      return (
        <div className="tp-fullpage-center">
          <Result
            status="warning"
            title={t('errors.sessionTitle')}
            subTitle={messageOf(state.error)}
            extra={
              <Button type="primary" onClick={() => void refresh()}>
                {t('common.retry')}
              </Button>
            }
          />
        </div>
      );
    case 'anonymous': {
      const next = `${location.pathname}${location.search}`;
      const params = new URLSearchParams();
      if (next !== '/' && state.reason !== 'signedOut') params.set('next', next);
      if (state.reason !== 'none') params.set('reason', state.reason);
      const qs = params.toString();
      return <Navigate to={qs ? `/login?${qs}` : '/login'} replace />;
    }
    case 'authenticated':
      return <>{children}</>;
  }
}

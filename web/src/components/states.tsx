import { Alert, Button, Empty, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { isForbidden, useErrorMessage } from '../lib/errors';

/** The error state of a list or panel: the reason and a retry button; a 403 becomes the no-access page. */
export function ErrorState({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  /** What failed, when it is not a list ("Could not load this list"). */
  title?: string;
}) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  if (isForbidden(error)) return <Forbidden />;
  return (
    <Alert
      type="error"
      showIcon
      title={title ?? t('errors.loadFailed')}
      description={messageOf(error)}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
      data-testid="error-state"
    />
  );
}

/** The empty state of a list, with what to do next. */
export function EmptyState({ title, text, action }: { title: string; text?: string; action?: ReactNode }) {
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <div className="tp-empty">
          <div className="tp-empty-title">{title}</div>
          {text && <div className="tp-empty-text">{text}</div>}
        </div>
      }
    >
      {action}
    </Empty>
  );
}

/** Shown instead of a page the user's role does not allow. */
export function Forbidden() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbidden')}
      extra={
        <Link to="/">
          <Button type="primary">{t('errors.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function FullPageSpinner() {
  return (
    <div className="tp-fullpage-center">
      <Spin size="large" />
    </div>
  );
}

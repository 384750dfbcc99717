import {
  CheckCircleFilled,
  ExclamationCircleFilled,
  LoadingOutlined,
  RedoOutlined,
  SyncOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ingestApi, type IngestStatus } from '../../api';
import { ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useVisiblePolling } from '../../lib/useVisiblePolling';
import { useSession } from '../../session/SessionContext';

/** How often the status is asked for while the page is visible. */
const POLL_MS = 5_000;

/** One line of the card: an icon (decoration only — the sentence says it all), the sentence and an explanation. */
function StatusLine({
  icon,
  text,
  help,
  action,
  testId,
}: {
  icon: ReactNode;
  text: string;
  help?: string;
  action?: ReactNode;
  testId: string;
}) {
  return (
    <Flex gap={12} align="flex-start" justify="space-between" wrap data-testid={testId}>
      <Flex gap={8} align="baseline" style={{ minWidth: 0, flex: '1 1 320px' }}>
        <span aria-hidden>{icon}</span>
        <div>
          <Typography.Text strong>{text}</Typography.Text>
          {help && (
            <div>
              <Typography.Text type="secondary" className="tp-small">
                {help}
              </Typography.Text>
            </div>
          )}
        </div>
      </Flex>
      {action}
    </Flex>
  );
}

/**
 * Whether the events collected through the write keys are in the customer profiles yet: the collection API answers
 * overlapping requests once their events are in its inbox and folds them into profiles behind the answers. Shows
 * the waiting events and their age, the failed ones and, for people who manage write keys, a button that puts the
 * failed ones back in line. Polls every 5 s while the page is visible.
 */
export function IngestStatusCard() {
  const { t } = useTranslation();
  const format = useFormatters();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const manage = can('write_keys.manage');
  const [status, setStatus] = useState<IngestStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [retrying, setRetrying] = useState(false);

  const poll = useCallback(async (signal: AbortSignal) => {
    try {
      const next = await ingestApi.status(signal);
      setStatus(next);
      setError(null);
    } catch (e) {
      if (!signal.aborted) setError(e);
    }
  }, []);
  const refresh = useVisiblePolling(poll, POLL_MS);

  const retry = async () => {
    setRetrying(true);
    try {
      const { retried } = await ingestApi.retryFailed();
      if (retried > 0)
        void message.success(
          t('writeKeys.processing.retried', { count: retried, n: format.number(retried) }),
        );
      else void message.info(t('writeKeys.processing.nothingToRetry'));
    } catch (e) {
      void message.error(messageOf(e));
    } finally {
      setRetrying(false);
      refresh();
    }
  };

  let body: ReactNode;
  if (error !== null) {
    body = <ErrorState error={error} title={t('writeKeys.processing.loadFailed')} onRetry={refresh} />;
  } else if (status === null) {
    body = (
      <StatusLine
        testId="ingest-checking"
        icon={<LoadingOutlined />}
        text={t('writeKeys.processing.checking')}
      />
    );
  } else if (status.pending === 0 && status.failed === 0) {
    body = (
      <StatusLine
        testId="ingest-up-to-date"
        icon={
          <Typography.Text type="success">
            <CheckCircleFilled />
          </Typography.Text>
        }
        text={t('writeKeys.processing.upToDate')}
      />
    );
  } else {
    body = (
      <Flex vertical gap={12}>
        {status.pending > 0 && (
          <StatusLine
            testId="ingest-pending"
            icon={<SyncOutlined spin />}
            text={t('writeKeys.processing.pending', {
              count: status.pending,
              n: format.number(status.pending),
              // The server's own lag, so that a skewed clock on this computer does not change the age.
              age: format.relative(new Date(Date.now() - status.lagMs).toISOString()),
            })}
            help={t('writeKeys.processing.pendingText')}
          />
        )}
        {status.failed > 0 && (
          <StatusLine
            testId="ingest-failed"
            icon={
              <Typography.Text type="warning">
                <ExclamationCircleFilled />
              </Typography.Text>
            }
            text={t('writeKeys.processing.failed', {
              count: status.failed,
              n: format.number(status.failed),
            })}
            help={t('writeKeys.processing.failedText', { count: status.failed })}
            action={
              manage && (
                <Button
                  size="small"
                  icon={<RedoOutlined />}
                  loading={retrying}
                  onClick={() => void retry()}
                  data-testid="ingest-retry"
                >
                  {t('writeKeys.processing.retry')}
                </Button>
              )
            }
          />
        )}
      </Flex>
    );
  }

  return (
    <Card
      size="small"
      title={t('writeKeys.processing.title')}
      style={{ marginBottom: 16 }}
      data-testid="ingest-status"
    >
      {/* Read out when the sentence changes (events arrive, are folded in or fail), not on every poll. */}
      <div role="status" aria-live="polite">
        {body}
      </div>
    </Card>
  );
}

import { Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { overviewApi } from '../../api/overview';
import { EmptyState, ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useLoad } from '../journeys/shared';

const STATUSES = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUS_COLORS: Record<string, string> = {
  new: 'blue',
  open: 'processing',
  pending_customer: 'gold',
  resolved: 'green',
  closed: 'default',
};

const isStatus = (v: string): v is (typeof STATUSES)[number] => (STATUSES as readonly string[]).includes(v);
const isPriority = (v: string): v is (typeof PRIORITIES)[number] =>
  (PRIORITIES as readonly string[]).includes(v);

/** The customer's service cases (complaints, detractor follow-ups), newest first, each linking to the case. */
export function CustomerCasesCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const cases = useLoad((signal) => overviewApi.customerCases(customerId, signal), customerId);
  return (
    <Card title={t('overview.customerCases.title')} data-testid="card-cases">
      {cases.status === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : cases.status === 'error' ? (
        <ErrorState error={cases.error} onRetry={cases.reload} />
      ) : cases.data.data.length === 0 ? (
        <EmptyState title={t('overview.customerCases.empty')} />
      ) : (
        <List
          size="small"
          dataSource={cases.data.data}
          renderItem={(c) => (
            <List.Item key={c.id} data-testid="customer-case">
              <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                <Space size={6} wrap>
                  <Link to={`/cases/${c.id}`} className="tp-mono">
                    {c.number}
                  </Link>
                  <Tag color={STATUS_COLORS[c.status] ?? 'default'}>
                    {isStatus(c.status) ? t(`overview.customerCases.statuses.${c.status}`) : c.status}
                  </Tag>
                  {isPriority(c.priority) && c.priority !== 'normal' && (
                    <Tag>{t(`overview.cases.priorities.${c.priority}`)}</Tag>
                  )}
                </Space>
                <Typography.Text ellipsis={{ tooltip: c.subject }}>{c.subject}</Typography.Text>
                <Typography.Text type="secondary" className="tp-small">
                  <TimeText iso={c.createdAt} relative />
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
      {cases.status === 'ready' && cases.data.nextCursor && (
        <Link to={`/cases?profileId=${encodeURIComponent(customerId)}`} className="tp-small">
          {t('overview.customerCases.more')}
        </Link>
      )}
    </Card>
  );
}

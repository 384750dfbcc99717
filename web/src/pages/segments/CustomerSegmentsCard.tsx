import { ClusterOutlined } from '@ant-design/icons';
import { Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { segmentsApi } from '../../api/segments';
import { EmptyState, ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useLoad } from '../journeys/shared';
import { useSegmentText } from './segmentDisplay';

/** The segments the customer belongs to now (the live profile's, after merges), each linking to the segment. */
export function CustomerSegmentsCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const nameOf = useSegmentText();
  // The list includes archived segments (their members are frozen); each item says which.
  const segments = useLoad((signal) => segmentsApi.ofCustomer(customerId, signal), customerId);
  return (
    <Card
      title={
        <Space size={8}>
          <ClusterOutlined />
          {t('segments.customer.title')}
        </Space>
      }
      extra={
        segments.status === 'ready' && segments.data.data.length > 0 ? (
          <Tag
            variant="filled"
            aria-label={t('segments.customer.count', { count: segments.data.data.length })}
          >
            {segments.data.data.length}
          </Tag>
        ) : undefined
      }
      data-testid="card-segments"
    >
      {segments.status === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : segments.status === 'error' ? (
        <ErrorState error={segments.error} onRetry={segments.reload} />
      ) : segments.data.data.length === 0 ? (
        <EmptyState
          title={t('segments.customer.empty')}
          text={t('segments.customer.emptyText')}
          action={
            <Link to="/segments" className="tp-small">
              {t('segments.customer.browse')}
            </Link>
          }
        />
      ) : (
        <List
          size="small"
          dataSource={segments.data.data}
          renderItem={(s) => (
            <List.Item key={s.key} data-testid="customer-segment">
              <Space orientation="vertical" size={0} style={{ minWidth: 0 }}>
                <Space size={6} wrap>
                  <Link to={`/segments/${encodeURIComponent(s.key)}`}>{nameOf(s.name)}</Link>
                  {s.status === 'archived' && (
                    <Tag data-testid="customer-segment-archived">{t('segments.status.archived')}</Tag>
                  )}
                </Space>
                <Typography.Text type="secondary" className="tp-small">
                  {t('segments.customer.since')} <TimeText iso={s.since} relative />
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

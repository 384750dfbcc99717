import { Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { overviewApi } from '../../api/overview';
import { EmptyState, ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useLoad } from '../journeys/shared';

const SENTIMENT_COLORS: Record<string, string> = { negative: 'red', neutral: 'default', positive: 'green' };
const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
const isSentiment = (v: string): v is (typeof SENTIMENTS)[number] =>
  (SENTIMENTS as readonly string[]).includes(v);

/** The customer's survey answers (score, follow-up flag, analysed comment), newest first, each linking to its survey. */
export function CustomerSurveysCard({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation();
  const answers = useLoad((signal) => overviewApi.customerSurveyResponses(customerId, signal), customerId);
  const nameOf = (name: Record<string, string>) =>
    name[i18n.language] ?? name.en ?? name['zh-CN'] ?? Object.values(name)[0] ?? '';
  return (
    <Card title={t('overview.customerSurveys.title')} data-testid="card-survey-answers">
      {answers.status === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : answers.status === 'error' ? (
        <ErrorState error={answers.error} onRetry={answers.reload} />
      ) : answers.data.data.length === 0 ? (
        <EmptyState title={t('overview.customerSurveys.empty')} />
      ) : (
        <List
          size="small"
          dataSource={answers.data.data.slice(0, 10)}
          renderItem={(r) => (
            <List.Item key={r.responseId} data-testid="customer-survey-answer">
              <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                <Space size={6} wrap>
                  <Link to={`/surveys/${r.surveyId}/results`}>{nameOf(r.surveyName)}</Link>
                  {r.score !== null && <Tag>{t('overview.customerSurveys.score', { score: r.score })}</Tag>}
                  {r.status !== 'completed' && (
                    <Tag color="gold">{t('overview.customerSurveys.partial')}</Tag>
                  )}
                  {r.flags && r.flags.length > 0 && (
                    <Tag color="red">{t('overview.customerSurveys.flagged')}</Tag>
                  )}
                </Space>
                {r.comment && (
                  <Space size={6} align="start">
                    {isSentiment(r.comment.sentiment) && (
                      <Tag color={SENTIMENT_COLORS[r.comment.sentiment]}>
                        {t(`overview.customerSurveys.sentiments.${r.comment.sentiment}`)}
                      </Tag>
                    )}
                    <Typography.Text ellipsis={{ tooltip: r.comment.text }}>{r.comment.text}</Typography.Text>
                  </Space>
                )}
                <Typography.Text type="secondary" className="tp-small">
                  <TimeText iso={r.completedAt ?? r.startedAt} relative />
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

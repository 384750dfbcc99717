import { Col, List, Row, Space, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  surveysApi,
  type AnalyticsRange,
  type ClosedLoopEvent,
  type SurveyDetail,
  type SurveyResponse,
} from '../../../api/surveys';
import { ListTable } from '../../../components/ListTable';
import { EmptyState, ErrorState } from '../../../components/states';
import { TimeText } from '../../../components/TimeText';
import { useCursorList } from '../../../lib/useCursorList';
import { EChart, type EChartOption } from '../surveyCharts';
import { pickText, surveyLanguageOf } from '../surveyText';
import { useNumberFormat } from './numbers';
import { useLoad } from './useLoad';

/** Response rate (invitations answered), completion, drop-off per question and time to complete. */
export function FunnelPanel({ survey, range }: { survey: SurveyDetail; range: AnalyticsRange }) {
  const { t, i18n } = useTranslation();
  const f = useNumberFormat();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const key = JSON.stringify([survey.id, range]);
  const rate = useLoad((s) => surveysApi.responseRate(survey.id, range, s), key);
  const drop = useLoad((s) => surveysApi.dropOff(survey.id, range, s), key);
  const option = useMemo<EChartOption>(() => {
    const qs = drop.data?.questions ?? [];
    const label = (id: string) => {
      const i = survey.definition.questions.findIndex((q) => q.id === id);
      return i >= 0
        ? `${i + 1}. ${pickText(survey.definition.questions[i]?.text, language).slice(0, 18)}`
        : id;
    };
    return {
      title: { text: t('surveys.results.dropOffChart'), textStyle: { fontSize: 14 } },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 56, bottom: 88 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: qs.map((q) => label(q.questionId)),
        axisLabel: { rotate: 20, fontSize: 11 },
      },
      yAxis: [
        { type: 'value', name: t('surveys.results.respondents'), minInterval: 1 },
        { type: 'value', max: 100, min: 0, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        {
          name: t('surveys.results.reached'),
          type: 'bar',
          data: qs.map((q) => q.reached),
          itemStyle: { color: '#4f46e5' },
        },
        {
          name: t('surveys.results.dropOffRate'),
          type: 'line',
          yAxisIndex: 1,
          data: qs.map((q) => (q.dropOffRate === null ? null : q.dropOffRate * 100)),
          itemStyle: { color: '#ef4444' },
        },
      ],
    } as EChartOption;
  }, [drop.data, survey.definition.questions, language, t]);
  if (rate.error) return <ErrorState error={rate.error} onRetry={rate.reload} />;
  if (drop.error) return <ErrorState error={drop.error} onRetry={drop.reload} />;
  const r = rate.data;
  const d = drop.data;
  return (
    <div data-testid="funnel">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Tooltip title={t('surveys.results.responseRateHelp')}>
            <Statistic
              title={t('surveys.results.responseRate')}
              value={r?.responseRate === null || r === null ? t('common.none') : f.pct(r.responseRate, 1)}
              loading={rate.loading}
            />
          </Tooltip>
          {r && (
            <span className="tp-stat-ci">
              {t('surveys.results.invited', { responded: r.responded, invited: r.invited })}
            </span>
          )}
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('surveys.results.completionRate')}
            value={r?.completionRate === null || r === null ? t('common.none') : f.pct(r.completionRate, 1)}
            loading={rate.loading}
          />
          {r && (
            <span className="tp-stat-ci">
              {t('surveys.results.startedCompleted', { started: r.started, completed: r.completed })}
            </span>
          )}
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('surveys.results.medianTime')}
            value={
              d?.timeToComplete.medianSeconds == null
                ? t('common.none')
                : f.n(d.timeToComplete.medianSeconds, 0)
            }
            suffix={d?.timeToComplete.medianSeconds == null ? undefined : t('surveys.results.seconds')}
            loading={drop.loading}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('surveys.results.p90Time')}
            value={
              d?.timeToComplete.p90Seconds == null ? t('common.none') : f.n(d.timeToComplete.p90Seconds, 0)
            }
            suffix={d?.timeToComplete.p90Seconds == null ? undefined : t('surveys.results.seconds')}
            loading={drop.loading}
          />
        </Col>
      </Row>
      {r && r.byOrigin.length > 0 && (
        <Space wrap style={{ marginTop: 8 }}>
          {r.byOrigin.map((o) => (
            <Tag key={o.origin}>
              {o.origin}: {o.responded}/{o.invited} ({f.pct(o.responseRate, 0)})
            </Tag>
          ))}
        </Space>
      )}
      {d && d.started > 0 && (
        <EChart option={option} height={300} ariaLabel={t('surveys.results.dropOffChart')} />
      )}
    </div>
  );
}

interface TextAnswer {
  responseId: string;
  questionId: string;
  text: string;
  completedAt: string | null;
  channel: string;
  negative: boolean;
  score: number | null;
  metric: string | null;
}

/** Open answers (newest first, negative ones marked) and the topics of negative comments with examples. */
export function TextPanel({ survey, range }: { survey: SurveyDetail; range: AnalyticsRange }) {
  const { t, i18n } = useTranslation();
  const f = useNumberFormat();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const textIds = useMemo(
    () => new Set(survey.definition.questions.filter((q) => q.type === 'text').map((q) => q.id)),
    [survey.definition.questions],
  );
  const responses = useCursorList<SurveyResponse>(
    ({ cursor, signal }) =>
      surveysApi.responses(survey.id, { cursor, signal, limit: 100, status: 'completed' }),
    survey.id,
  );
  const topics = useLoad(
    (s) => surveysApi.negativeTopics(survey.id, range, s),
    JSON.stringify([survey.id, range]),
  );
  // Negative comments are marked on the response only while the closed-loop rule flags them.
  const settings = useLoad((s) => surveysApi.settings(s), 'settings');
  const marksNegative =
    settings.data !== null && settings.data.closedLoop.enabled && settings.data.closedLoop.negativeComment;
  const answers: TextAnswer[] = responses.items.flatMap((r) =>
    Object.entries(r.answers)
      .filter(([id, v]) => textIds.has(id) && typeof v === 'string' && v.trim() !== '')
      .map(([id, v]) => ({
        responseId: r.id,
        questionId: id,
        text: v as string,
        completedAt: r.completedAt,
        channel: r.channel,
        negative: r.flags?.includes('negative_comment') ?? false,
        score: r.score,
        metric: r.metric,
      })),
  );
  const questionText = (id: string) =>
    pickText(survey.definition.questions.find((q) => q.id === id)?.text, language);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Typography.Title level={5}>{t('surveys.results.openAnswers')}</Typography.Title>
        {responses.error ? (
          <ErrorState error={responses.error} onRetry={responses.reload} />
        ) : (
          <List<TextAnswer>
            loading={responses.loading}
            dataSource={answers}
            data-testid="open-answers"
            locale={{ emptyText: <EmptyState title={t('surveys.results.noTexts')} /> }}
            pagination={answers.length > 10 ? { pageSize: 10, size: 'small' } : false}
            renderItem={(a) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space wrap size={4}>
                      {marksNegative && (
                        <Tag color={a.negative ? 'red' : 'default'}>
                          {t(
                            a.negative
                              ? 'surveys.results.sentimentNegative'
                              : 'surveys.results.sentimentNotNegative',
                          )}
                        </Tag>
                      )}
                      {a.metric && a.score !== null && (
                        <Tag color="blue">
                          {a.metric.toUpperCase()} {f.n(a.score, 1)}
                        </Tag>
                      )}
                      <Tag>{a.channel}</Tag>
                      {a.completedAt && <TimeText iso={a.completedAt} relative />}
                    </Space>
                  }
                  description={
                    <>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {questionText(a.questionId)}
                      </Typography.Text>
                      <Typography.Paragraph style={{ margin: 0 }}>{a.text}</Typography.Paragraph>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
        {responses.hasMore && (
          <Typography.Link onClick={responses.loadMore}>{t('common.loadMore')}</Typography.Link>
        )}
      </Col>
      <Col xs={24} xl={10}>
        <Typography.Title level={5}>
          {t('surveys.results.negativeTopics', { count: topics.data?.negativeComments ?? 0 })}
        </Typography.Title>
        {topics.error ? (
          <ErrorState error={topics.error} onRetry={topics.reload} />
        ) : (
          <List
            loading={topics.loading}
            data-testid="negative-topics"
            dataSource={(topics.data?.groups ?? []).flatMap((g) =>
              g.topics.map((x) => ({
                ...x,
                touchpointKey: g.touchpointKey,
                key: `${g.touchpointKey ?? ''}:${x.topic}`,
              })),
            )}
            locale={{ emptyText: <EmptyState title={t('surveys.results.noNegative')} /> }}
            renderItem={(x) => (
              <List.Item key={x.key}>
                <div style={{ width: '100%' }}>
                  <Space>
                    <Tag color="volcano">{x.topic}</Tag>
                    <span className="tp-num">{t('surveys.results.mentions', { count: x.count })}</span>
                    {x.touchpointKey && <Tag>{x.touchpointKey}</Tag>}
                  </Space>
                  <ul className="tp-topic-examples">
                    {[...new Set(x.examples)].map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                </div>
              </List.Item>
            )}
          />
        )}
      </Col>
    </Row>
  );
}

/** Responses the closed-loop rule flagged for follow-up (this survey's), newest first. */
export function ClosedLoopPanel({ survey }: { survey: SurveyDetail }) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const list = useCursorList<ClosedLoopEvent>(async ({ cursor, signal }) => {
    const page = await surveysApi.closedLoopEvents({ cursor, signal, limit: 50 });
    return { ...page, data: page.data.filter((e) => e.payload.surveyId === survey.id) };
  }, survey.id);
  return (
    <ListTable<ClosedLoopEvent>
      list={list}
      rowKey="id"
      size="small"
      scroll={{ x: 800 }}
      data-testid="closed-loop"
      empty={
        <EmptyState title={t('surveys.results.noClosedLoop')} text={t('surveys.results.noClosedLoopText')} />
      }
      columns={[
        {
          title: t('surveys.results.when'),
          dataIndex: 'occurredAt',
          render: (iso: string) => <TimeText iso={iso} relative />,
        },
        {
          title: t('surveys.results.reasons'),
          key: 'reasons',
          render: (_: unknown, e) => (
            <Space size={4} wrap>
              {e.payload.reasons.map((r) => (
                <Tag color="red" key={r}>
                  {['nps_detractor', 'low_csat', 'high_effort', 'low_score', 'negative_comment'].includes(r)
                    ? t(`surveys.results.flags.${r as 'nps_detractor'}`)
                    : r}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: t('surveys.results.score'),
          key: 'score',
          render: (_: unknown, e) =>
            e.payload.score === null
              ? t('common.none')
              : `${(e.payload.metric ?? '').toUpperCase()} ${f.n(e.payload.score, 1)}`,
        },
        {
          title: t('surveys.results.comment'),
          key: 'comment',
          render: (_: unknown, e) => (
            <Typography.Paragraph
              ellipsis={{ rows: 2, tooltip: e.payload.comment }}
              style={{ margin: 0, maxWidth: 360 }}
            >
              {e.payload.comment ?? t('common.none')}
            </Typography.Paragraph>
          ),
        },
        {
          title: t('surveys.results.customer'),
          key: 'customer',
          render: (_: unknown, e) =>
            e.payload.profileId ? (
              <Link to={`/customers/${encodeURIComponent(e.payload.profileId)}`} className="tp-mono">
                {e.payload.profileId}
              </Link>
            ) : (
              <span className="tp-muted">{t('surveys.distribution.anonymous')}</span>
            ),
        },
      ]}
    />
  );
}

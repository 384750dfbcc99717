import { AimOutlined, ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Form,
  InputNumber,
  Popover,
  Row,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DayRange } from '../../api/journeys';
import { overviewApi, type SurveyListItem, type SurveySummary, type SurveyTrend } from '../../api/overview';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';
import { EChart, type EChartOption } from '../journeys/charts';
import {
  daysBetween,
  previousRange,
  useDecimal,
  useLoad,
  useLocalText,
  useWorkspaceTimeZone,
} from '../journeys/shared';
import {
  granularityFor,
  headlineOf,
  instantRange,
  SCORE_METRICS,
  type Headline,
  type ScoreMetric,
  type Targets,
} from './overviewData';

/** Surveys read for the headline figures (the newest first); more would make the overview slow to open. */
const MAX_SURVEYS = 20;

interface Pick {
  survey: SurveyListItem;
  summary: SurveySummary;
  headline: Headline;
}

/** Reads the period's summary of every live or closed survey and picks, per metric, the survey with most answers. */
export function useScoreSources(surveys: SurveyListItem[], range: DayRange) {
  const timeZone = useWorkspaceTimeZone();
  const candidates = surveys.filter((s) => s.status !== 'draft').slice(0, MAX_SURVEYS);
  return useLoad(
    async (signal) => {
      const window = instantRange(range, timeZone);
      const summaries = await Promise.all(
        candidates.map((survey) =>
          overviewApi
            .surveySummary(survey.id, window, signal)
            .then((summary) => ({ survey, summary }))
            // One survey failing (a definition being edited, say) must not hide the others.
            .catch(() => null),
        ),
      );
      const picks = new Map<ScoreMetric, Pick>();
      const withResponses: SurveyListItem[] = [];
      for (const entry of summaries) {
        if (!entry) continue;
        if (entry.summary.responses.completed > 0) withResponses.push(entry.survey);
        const headline = headlineOf(entry.summary);
        if (!headline) continue;
        const best = picks.get(headline.metric);
        if (!best || headline.n > best.headline.n) picks.set(headline.metric, { ...entry, headline });
      }
      return { picks, withResponses };
    },
    `${candidates.map((s) => s.id).join(',')}|${range.from}|${range.to}|${timeZone}`,
  );
}

function TargetsEditor({ targets, onChange }: { targets: Targets; onChange: (targets: Targets) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(targets);
  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setDraft(targets);
      }}
      trigger="click"
      title={t('overview.targets.title')}
      content={
        <Form layout="vertical" style={{ width: 240 }}>
          {SCORE_METRICS.map((metric) => (
            <Form.Item key={metric} label={t(`overview.targets.${metric}`)} style={{ marginBottom: 8 }}>
              <InputNumber
                aria-label={t(`overview.targets.${metric}`)}
                min={metric === 'nps' ? -100 : 0}
                max={100}
                precision={0}
                value={draft[metric]}
                onChange={(v) =>
                  setDraft({ ...draft, [metric]: typeof v === 'number' ? v : targets[metric] })
                }
                style={{ width: '100%' }}
              />
            </Form.Item>
          ))}
          <Typography.Paragraph type="secondary" className="tp-small">
            {t('overview.targets.help')}
          </Typography.Paragraph>
          <Button
            type="primary"
            size="small"
            onClick={() => {
              onChange(draft);
              setOpen(false);
            }}
          >
            {t('overview.targets.save')}
          </Button>
        </Form>
      }
    >
      <Button size="small" icon={<AimOutlined />} data-testid="targets-edit">
        {t('overview.targets.edit')}
      </Button>
    </Popover>
  );
}

function Delta({
  current,
  previous,
  unit,
}: {
  current: number | null;
  previous: number | null;
  unit: string;
}) {
  const { t } = useTranslation();
  const decimal = useDecimal();
  if (current === null || previous === null) {
    return <Typography.Text type="secondary">{t('overview.score.noPrevious')}</Typography.Text>;
  }
  const diff = current - previous;
  const up = diff >= 0;
  return (
    <Tooltip title={t('overview.score.previousValue', { value: decimal(previous) })}>
      <Typography.Text type={up ? 'success' : 'danger'}>
        {up ? <ArrowUpOutlined /> : <ArrowDownOutlined />}{' '}
        {t('overview.score.delta', { value: decimal(Math.abs(diff)), unit })}
      </Typography.Text>
    </Tooltip>
  );
}

function trendOption(
  trend: SurveyTrend,
  target: number,
  labels: { value: string; band: string; target: string; unit: string; title: string },
  formatPeriod: (start: string) => string,
  decimal: (v: number | null | undefined, d?: number) => string,
): EChartOption {
  const periods = trend.periods.map((p) => formatPeriod(p.start));
  const points = trend.points;
  const lower = points.map((p) => (p.ci ? p.ci.lower : '-'));
  const band = points.map((p) => (p.ci ? p.ci.upper - p.ci.lower : '-'));
  return {
    title: { text: labels.title, left: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } },
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = params as Array<{ dataIndex: number }>;
        const i = list[0]?.dataIndex ?? 0;
        const p = points[i];
        if (!p) return '';
        return `${periods[i] ?? ''}<br/>${labels.value}: ${decimal(p.value)} ${labels.unit} (n=${p.n})${
          p.ci ? `<br/>${labels.band}: ${decimal(p.ci.lower)} – ${decimal(p.ci.upper)}` : ''
        }`;
      },
    },
    grid: { left: 36, right: 12, top: 38, bottom: 24 },
    xAxis: { type: 'category', data: periods, boundaryGap: false, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
    series: [
      {
        type: 'line',
        name: 'lower',
        data: lower,
        stack: 'band',
        lineStyle: { opacity: 0 },
        symbol: 'none',
        silent: true,
      },
      {
        type: 'line',
        name: labels.band,
        data: band,
        stack: 'band',
        lineStyle: { opacity: 0 },
        symbol: 'none',
        areaStyle: { color: 'rgba(79, 70, 229, 0.15)' },
        silent: true,
      },
      {
        type: 'line',
        name: labels.value,
        data: points.map((p) => (p.value === null ? '-' : Math.round(p.value * 10) / 10)),
        connectNulls: true,
        symbolSize: 5,
        lineStyle: { width: 2, color: '#4f46e5' },
        itemStyle: { color: '#4f46e5' },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { type: 'dashed', color: '#f59e0b' },
          label: { formatter: labels.target, position: 'insideEndTop', fontSize: 10 },
          data: [{ yAxis: target }],
        },
      },
    ],
  };
}

function ScoreCard({
  metric,
  pick,
  range,
  compare,
  target,
}: {
  metric: ScoreMetric;
  pick: Pick | undefined;
  range: DayRange;
  compare: boolean;
  target: number;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const decimal = useDecimal();
  const format = useFormatters();
  const timeZone = useWorkspaceTimeZone();
  const unit = metric === 'nps' ? t('overview.score.points') : t('overview.score.pp');
  const granularity = granularityFor(daysBetween(range));
  const details = useLoad(
    async (signal) => {
      if (!pick) return null;
      const window = instantRange(range, timeZone);
      const [trend, previous] = await Promise.all([
        overviewApi.surveyTrend(pick.survey.id, { ...window, granularity }, signal),
        compare
          ? overviewApi
              .surveySummary(pick.survey.id, instantRange(previousRange(range), timeZone), signal)
              .then(headlineOf)
          : Promise.resolve(null),
      ]);
      return { trend, previous };
    },
    `${pick?.survey.id ?? ''}|${range.from}|${range.to}|${compare}|${granularity}`,
  );

  const option = useMemo(() => {
    if (details.status !== 'ready' || !details.data) return null;
    return trendOption(
      details.data.trend,
      target,
      {
        value: t(`overview.score.${metric}`),
        band: t('overview.score.band'),
        target: t('overview.score.targetLine', { value: target }),
        unit,
        title: t('overview.score.trendTitle', { granularity: t(`overview.granularity.${granularity}`) }),
      },
      (start) => format.date(start),
      decimal,
    );
  }, [details, target, t, metric, unit, granularity, format, decimal]);

  const headline = pick?.headline;
  const gap = headline?.value === null || headline?.value === undefined ? null : headline.value - target;

  return (
    <Card
      size="small"
      title={t(`overview.score.${metric}Title`)}
      extra={
        pick && (
          <Typography.Text type="secondary" className="tp-small">
            {local(pick.survey.name)}
          </Typography.Text>
        )
      }
      data-testid={`score-${metric}`}
      style={{ height: '100%' }}
    >
      {!pick || !headline ? (
        <EmptyState
          title={t(`overview.score.empty.${metric}`)}
          text={t('overview.score.emptyText')}
          action={
            <Link to="/surveys">
              <Button size="small">{t('overview.score.toSurveys')}</Button>
            </Link>
          }
        />
      ) : (
        <Space orientation="vertical" size={4} style={{ width: '100%' }}>
          <div className="tp-kpi">
            <span className="tp-kpi-value" data-testid={`score-${metric}-value`}>
              {decimal(headline.value)}
              {metric !== 'nps' && headline.value !== null ? '%' : ''}
            </span>
            <span className="tp-kpi-sub">
              {headline.lower !== null && headline.upper !== null
                ? t('overview.score.ci', { lower: decimal(headline.lower), upper: decimal(headline.upper) })
                : t('overview.score.noCi')}{' '}
              · {t('overview.score.responses', { count: headline.n })}
              {headline.mean !== null &&
                ` · ${t('overview.score.mean', { value: decimal(headline.mean, 2) })}`}
            </span>
            <Space size={8} wrap>
              {gap !== null && (
                <Tag color={gap >= 0 ? 'green' : 'red'} data-testid={`score-${metric}-gap`}>
                  {t('overview.score.gap', {
                    value: `${gap >= 0 ? '+' : '−'}${decimal(Math.abs(gap))}`,
                    target: decimal(target),
                  })}
                </Tag>
              )}
              {headline.thin && (
                <Tooltip title={t('overview.score.thinHelp')}>
                  <Tag color="gold">{t('overview.score.thin')}</Tag>
                </Tooltip>
              )}
              {compare && details.status === 'ready' && details.data && (
                <Delta current={headline.value} previous={details.data.previous?.value ?? null} unit={unit} />
              )}
            </Space>
          </div>
          {details.status === 'loading' ? (
            <Skeleton active paragraph={{ rows: 3 }} title={false} />
          ) : details.status === 'error' ? (
            <ErrorState error={details.error} onRetry={details.reload} />
          ) : option ? (
            <EChart
              option={option}
              height={170}
              ariaLabel={t('overview.score.trendAria', { metric: t(`overview.score.${metric}`) })}
              data-testid={`score-${metric}-trend`}
            />
          ) : null}
          <Link to={`/surveys/${pick.survey.id}`} className="tp-small">
            {t('overview.score.open')}
          </Link>
        </Space>
      )}
    </Card>
  );
}

/** NPS, CSAT and CES with trend, confidence band, gap to target and the change from the previous period. */
export function ScoreCards({
  sources,
  range,
  compare,
  targets,
  onTargetsChange,
}: {
  sources: ReturnType<typeof useScoreSources>;
  range: DayRange;
  compare: boolean;
  targets: Targets;
  /** Absent when the role may not change the workspace's targets. */
  onTargetsChange?: (targets: Targets) => void;
}) {
  const { t } = useTranslation();
  const { can } = useSession();
  if (!can('surveys.read')) return null;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('overview.score.section')}
        </Typography.Title>
        {onTargetsChange && <TargetsEditor targets={targets} onChange={onTargetsChange} />}
      </Space>
      {sources.status === 'loading' ? (
        <Row gutter={[16, 16]}>
          {SCORE_METRICS.map((m) => (
            <Col xs={24} lg={8} key={m}>
              <Card size="small">
                <Skeleton active paragraph={{ rows: 5 }} />
              </Card>
            </Col>
          ))}
        </Row>
      ) : sources.status === 'error' ? (
        <ErrorState error={sources.error} onRetry={sources.reload} />
      ) : (
        <Row gutter={[16, 16]}>
          {SCORE_METRICS.map((metric) => (
            <Col xs={24} lg={8} key={metric}>
              <ScoreCard
                metric={metric}
                pick={sources.data.picks.get(metric)}
                range={range}
                compare={compare}
                target={targets[metric]}
              />
            </Col>
          ))}
        </Row>
      )}
    </Space>
  );
}

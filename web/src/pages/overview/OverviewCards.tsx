import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  List,
  Progress,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { journeysApi, type DayRange, type Journey, type Touchpoint } from '../../api/journeys';
import { overviewApi, type CaseSummary, type SlaFigures, type SurveyListItem } from '../../api/overview';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';
import { EChart, type EChartOption } from '../journeys/charts';
import { TouchpointHeatmap } from '../journeys/HeatmapTab';
import {
  previousRange,
  useDecimal,
  useLoad,
  useLocalText,
  usePercent,
  useWorkspaceTimeZone,
} from '../journeys/shared';
import { instantRange } from './overviewData';

/** The journey the overview draws: the mobile data-service template when present, else the first one. */
export function overviewJourney(journeys: Journey[]): Journey | null {
  return (
    journeys.find((j) => j.key === 'mobile_data_service') ??
    journeys.find((j) => j.template === 'mobile_data_service') ??
    journeys[0] ??
    null
  );
}

/** The journey funnel of the period, compared with the previous period. */
export function JourneyFunnelCard({
  journey,
  touchpoints,
  range,
  compare,
}: {
  journey: Journey | null;
  touchpoints: Touchpoint[];
  range: DayRange;
  compare: boolean;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const percent = usePercent();
  const format = useFormatters();
  const decimal = useDecimal();
  const funnel = useLoad(
    (signal) =>
      journey && journey.steps.length >= 2
        ? journeysApi.funnel(
            {
              steps: journey.steps.map((key) => ({ touchpoint: key })),
              from: range.from,
              to: range.to,
              windowDays: journey.conversionWindowDays,
              ...(compare ? { compare: previousRange(range) } : {}),
            },
            signal,
          )
        : Promise.resolve(null),
    `${journey?.key ?? ''}|${journey?.steps.join(',') ?? ''}|${range.from}|${range.to}|${compare}`,
  );
  const names = useMemo(
    () => new Map(touchpoints.map((tp) => [tp.key, local(tp.name)])),
    [touchpoints, local],
  );

  const option = useMemo<EChartOption | null>(() => {
    if (funnel.status !== 'ready' || !funnel.data || !journey) return null;
    const result = funnel.data;
    const labels = result.current.steps.map((s, i) => names.get(journey.steps[i] ?? '') ?? s.label);
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? format.number(v) : '—'),
      },
      legend: { top: 0, right: 0 },
      grid: { left: 90, right: 40, top: 30, bottom: 10 },
      xAxis: { type: 'value', name: t('overview.funnel.unit'), minInterval: 1 },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [
        {
          type: 'bar',
          name: t('overview.funnel.current'),
          data: result.current.steps.map((s) => s.customers),
          label: {
            show: true,
            position: 'right',
            formatter: (p: unknown) => {
              const i = (p as { dataIndex: number }).dataIndex;
              return percent(result.current.steps[i]?.conversionFromStart ?? null, 0);
            },
          },
        },
        ...(result.previous
          ? [
              {
                type: 'bar' as const,
                name: t('overview.funnel.previous'),
                data: result.previous.steps.map((s) => s.customers),
                itemStyle: { color: '#c7d2fe' },
              },
            ]
          : []),
      ],
    };
  }, [funnel, journey, names, t, format, percent]);

  return (
    <Card
      size="small"
      title={
        journey ? t('overview.funnel.title', { name: local(journey.name) }) : t('overview.funnel.titleNone')
      }
      extra={<Link to="/journeys?tab=funnel">{t('overview.funnel.open')}</Link>}
      data-testid="overview-funnel"
      style={{ height: '100%' }}
    >
      {!journey ? (
        <EmptyState
          title={t('overview.funnel.emptyTitle')}
          text={t('overview.funnel.emptyText')}
          action={
            <Link to="/journeys?tab=templates">
              <Button size="small">{t('overview.funnel.toTemplates')}</Button>
            </Link>
          }
        />
      ) : funnel.status === 'loading' ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : funnel.status === 'error' ? (
        <ErrorState error={funnel.error} onRetry={funnel.reload} />
      ) : !funnel.data || funnel.data.current.steps[0]?.customers === 0 || !option ? (
        <EmptyState title={t('overview.funnel.noDataTitle')} text={t('overview.funnel.noDataText')} />
      ) : (
        <>
          <EChart
            option={option}
            height={Math.max(220, 40 + journey.steps.length * 40)}
            ariaLabel={t('overview.funnel.aria', {
              steps: funnel.data.current.steps
                .map((s, i) => `${names.get(journey.steps[i] ?? '') ?? s.label} ${s.customers}`)
                .join(', '),
            })}
            data-testid="overview-funnel-chart"
          />
          {funnel.data.changes.some((c) => c.significant) && (
            <Space size={4} wrap>
              {funnel.data.changes
                .filter((c) => c.significant)
                .map((c) => (
                  <Tag color={c.difference >= 0 ? 'green' : 'red'} key={c.step}>
                    {t('overview.funnel.significant', {
                      step: names.get(journey.steps[c.step - 1] ?? '') ?? String(c.step),
                      value: `${c.difference >= 0 ? '+' : '−'}${decimal(Math.abs(c.difference * 100))}`,
                    })}
                  </Tag>
                ))}
            </Space>
          )}
        </>
      )}
    </Card>
  );
}

/** Touchpoint × week perception heat map. */
export function PerceptionHeatmapCard({ range, journey }: { range: DayRange; journey: Journey | null }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={t('overview.heatmap.title')}
      extra={<Link to="/journeys?tab=heatmap">{t('overview.heatmap.open')}</Link>}
      data-testid="overview-heatmap"
      style={{ height: '100%' }}
    >
      <TouchpointHeatmap
        range={range}
        metric="perception"
        {...(journey ? { journey: journey.key } : {})}
        height={280}
        testId="overview-heatmap-chart"
      />
    </Card>
  );
}

/** Resolution and first-response compliance over all teams. */
function slaTotals(summary: CaseSummary): { resolution: SlaFigures; firstResponse: SlaFigures } {
  const teams = summary.sla?.byTeam ?? [];
  const sum = (pick: (x: (typeof teams)[number]) => SlaFigures): SlaFigures => {
    const met = teams.reduce((a, x) => a + pick(x).met, 0);
    const total = teams.reduce((a, x) => a + pick(x).total, 0);
    return { met, total, compliance: total ? met / total : null };
  };
  return { resolution: sum((x) => x.resolution), firstResponse: sum((x) => x.firstResponse) };
}

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const isPriority = (value: string): value is (typeof PRIORITIES)[number] =>
  (PRIORITIES as readonly string[]).includes(value);

/** Active cases are counted by reading the inbox pages, up to this many. */
const MAX_ACTIVE_COUNT = 1000;

/** Open cases and SLA compliance, compared with the previous period. */
export function CasesCard({ range, compare }: { range: DayRange; compare: boolean }) {
  const { t } = useTranslation();
  const percent = usePercent();
  const format = useFormatters();
  const timeZone = useWorkspaceTimeZone();
  const data = useLoad(async (signal) => {
    const countActive = async () => {
      let cursor: string | null = null;
      let count = 0;
      const byPriority: Record<string, number> = {};
      let breached = 0;
      do {
        const page = await overviewApi.activeCases(cursor, signal);
        count += page.data.length;
        for (const c of page.data) {
          byPriority[c.priority] = (byPriority[c.priority] ?? 0) + 1;
          if (c.sla?.state === 'breached') breached++;
        }
        cursor = page.nextCursor;
      } while (cursor && count < MAX_ACTIVE_COUNT);
      return { count, more: cursor !== null, byPriority, breached };
    };
    const [active, current, previous] = await Promise.all([
      countActive(),
      overviewApi.caseSummary(instantRange(range, timeZone), signal),
      compare ? overviewApi.caseSummary(instantRange(previousRange(range), timeZone), signal) : null,
    ]);
    return { active, current, previous };
  }, `${range.from}|${range.to}|${compare}|${timeZone}`);

  let body;
  if (data.status === 'loading') body = <Skeleton active paragraph={{ rows: 5 }} />;
  else if (data.status === 'error') body = <ErrorState error={data.error} onRetry={data.reload} />;
  else {
    const { active, current, previous } = data.data;
    const sla = slaTotals(current);
    const prevSla = previous ? slaTotals(previous) : null;
    if (active.count === 0 && current.created === 0 && current.resolved === 0) {
      body = <EmptyState title={t('overview.cases.emptyTitle')} text={t('overview.cases.emptyText')} />;
    } else {
      const change = (now: number | null, before: number | null | undefined) => {
        if (now === null || before === null || before === undefined) return null;
        const diff = (now - before) * 100;
        return (
          <Typography.Text type={diff >= 0 ? 'success' : 'danger'} className="tp-small">
            {diff >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />}{' '}
            {t('overview.cases.points', { value: Math.abs(Math.round(diff * 10) / 10) })}
          </Typography.Text>
        );
      };
      body = (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Row gutter={16}>
            <Col span={8}>
              <Statistic
                title={t('overview.cases.open')}
                value={active.count}
                suffix={active.more ? '+' : undefined}
                formatter={(v) => format.number(Number(v))}
                data-testid="cases-open"
              />
            </Col>
            <Col span={8}>
              <Statistic
                title={t('overview.cases.created')}
                value={current.created}
                formatter={(v) => format.number(Number(v))}
              />
              {previous && (
                <Typography.Text type="secondary" className="tp-small">
                  {t('overview.cases.previous', { value: format.number(previous.created) })}
                </Typography.Text>
              )}
            </Col>
            <Col span={8}>
              <Statistic
                title={t('overview.cases.resolved')}
                value={current.resolved}
                formatter={(v) => format.number(Number(v))}
              />
              {previous && (
                <Typography.Text type="secondary" className="tp-small">
                  {t('overview.cases.previous', { value: format.number(previous.resolved) })}
                </Typography.Text>
              )}
            </Col>
          </Row>
          {(['resolution', 'firstResponse'] as const).map((kind) => (
            <div key={kind} data-testid={`sla-${kind}`}>
              <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                <Typography.Text>{t(`overview.cases.sla.${kind}`)}</Typography.Text>
                <Space size={6}>
                  <Typography.Text strong>{percent(sla[kind].compliance)}</Typography.Text>
                  <Typography.Text type="secondary" className="tp-small">
                    (
                    {t('overview.cases.met', {
                      met: format.number(sla[kind].met),
                      total: format.number(sla[kind].total),
                    })}
                    )
                  </Typography.Text>
                  {prevSla && change(sla[kind].compliance, prevSla[kind].compliance)}
                </Space>
              </Space>
              <Progress
                percent={sla[kind].compliance === null ? 0 : Math.round(sla[kind].compliance * 100)}
                showInfo={false}
                strokeColor={
                  (sla[kind].compliance ?? 0) >= 0.9
                    ? '#10b981'
                    : (sla[kind].compliance ?? 0) >= 0.7
                      ? '#f59e0b'
                      : '#ef4444'
                }
                aria-label={t(`overview.cases.sla.${kind}`)}
              />
            </div>
          ))}
          <Space size={6} wrap>
            {active.breached > 0 && (
              <Tag color="red">{t('overview.cases.breached', { count: active.breached })}</Tag>
            )}
            {Object.entries(active.byPriority)
              .sort((a, b) => b[1] - a[1])
              .map(([priority, count]) => (
                <Tag key={priority}>
                  {t('overview.cases.priority', {
                    priority: isPriority(priority) ? t(`overview.cases.priorities.${priority}`) : priority,
                    count,
                  })}
                </Tag>
              ))}
            {current.firstContactResolution !== undefined && current.firstContactResolution !== null && (
              <Tooltip title={t('overview.cases.fcrHelp')}>
                <Tag color="blue">
                  {t('overview.cases.fcr', { value: percent(current.firstContactResolution) })}
                </Tag>
              </Tooltip>
            )}
          </Space>
        </Space>
      );
    }
  }

  return (
    <Card
      size="small"
      title={t('overview.cases.title')}
      extra={<Link to="/cases">{t('overview.cases.openInbox')}</Link>}
      data-testid="overview-cases"
      style={{ height: '100%' }}
    >
      {body}
    </Card>
  );
}

/** The most frequent topics of negative comments over the surveys with answers, with example comments. */
export function NegativeTopicsCard({
  surveys,
  range,
  touchpoints,
}: {
  surveys: SurveyListItem[];
  range: DayRange;
  touchpoints: Touchpoint[];
}) {
  const { t } = useTranslation();
  const { can } = useSession();
  const local = useLocalText();
  const format = useFormatters();
  const timeZone = useWorkspaceTimeZone();
  const canTopics = can('text.analyze');
  const data = useLoad(
    async (signal) => {
      const window = instantRange(range, timeZone);
      const [answers, names] = await Promise.all([
        Promise.all(surveys.map((s) => overviewApi.negativeTopics(s.id, window, signal).catch(() => null))),
        canTopics
          ? overviewApi
              .topics(signal)
              .then((r) => r.data)
              .catch(() => [])
          : Promise.resolve([]),
      ]);
      const merged = new Map<string, { count: number; examples: string[]; touchpoints: Set<string> }>();
      let comments = 0;
      for (const answer of answers) {
        if (!answer) continue;
        comments += answer.negativeComments;
        for (const group of answer.groups) {
          for (const topic of group.topics) {
            const entry = merged.get(topic.topic) ?? {
              count: 0,
              examples: [],
              touchpoints: new Set<string>(),
            };
            entry.count += topic.count;
            for (const example of topic.examples) {
              if (entry.examples.length < 2 && !entry.examples.includes(example))
                entry.examples.push(example);
            }
            if (group.touchpointKey) entry.touchpoints.add(group.touchpointKey);
            merged.set(topic.topic, entry);
          }
        }
      }
      const topics = [...merged.entries()]
        .map(([key, v]) => ({ key, ...v }))
        .sort((a, b) => b.count - a.count)
        .slice(0, 5);
      return { topics, comments, names: new Map(names.map((n) => [n.key, n.name])) };
    },
    `${surveys.map((s) => s.id).join(',')}|${range.from}|${range.to}|${canTopics}`,
  );
  const tpNames = useMemo(
    () => new Map(touchpoints.map((tp) => [tp.key, local(tp.name)])),
    [touchpoints, local],
  );

  return (
    <Card
      size="small"
      title={t('overview.topics.title')}
      data-testid="overview-topics"
      style={{ height: '100%' }}
    >
      {data.status === 'loading' ? (
        <Skeleton active paragraph={{ rows: 5 }} />
      ) : data.status === 'error' ? (
        <ErrorState error={data.error} onRetry={data.reload} />
      ) : data.data.topics.length === 0 ? (
        <EmptyState title={t('overview.topics.emptyTitle')} text={t('overview.topics.emptyText')} />
      ) : (
        <>
          <Typography.Text type="secondary" className="tp-small">
            {t('overview.topics.comments', { count: data.data.comments })}
          </Typography.Text>
          <List
            dataSource={data.data.topics}
            renderItem={(topic) => (
              <List.Item key={topic.key} data-testid="negative-topic">
                <div style={{ width: '100%' }}>
                  <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                    <Typography.Text strong>
                      {local(data.data.names.get(topic.key)) || topic.key}
                    </Typography.Text>
                    <Tag color="red">
                      {t('overview.topics.mentions', { count: format.number(topic.count) })}
                    </Tag>
                  </Space>
                  {topic.touchpoints.size > 0 && (
                    <div className="tp-small">
                      {[...topic.touchpoints].map((k) => (
                        <Tag key={k} bordered={false}>
                          {tpNames.get(k) ?? k}
                        </Tag>
                      ))}
                    </div>
                  )}
                  {topic.examples.map((example) => (
                    <div className="tp-topic-example" key={example}>
                      “{example}”
                    </div>
                  ))}
                </div>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

import { ReloadOutlined } from '@ant-design/icons';
import { LineChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import {
  Breadcrumb,
  Card,
  Col,
  Row,
  Segmented,
  Skeleton,
  Statistic,
  Tooltip,
  Button,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  casesApi,
  type CaseAnalyticsSummary,
  type SlaCompliance,
  type VolumeDimension,
} from '../../api/cases';
import { EChart, type EChartOption } from '../../components/EChart';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useChannels } from '../../lib/useChannels';
import { RequirePermission } from '../settings/RequirePermission';
import { useCaseLookups, useDuration } from './caseDisplay';
import './cases.css';

// The shared chart registers bars and pies; the daily volume is a line. Registered here, it stays in this chunk.
echarts.use([LineChart]);

const RANGES = [7, 30, 90, 365] as const;
type RangeDays = (typeof RANGES)[number];
const DIMENSIONS = ['day', 'category', 'touchpoint', 'channel'] as const satisfies readonly VolumeDimension[];
type Volume = Record<(typeof DIMENSIONS)[number], { key: string; count: number }[]>;

interface Data {
  summary: CaseAnalyticsSummary;
  volume: Volume;
}

type Load = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: Data };

/**
 * Every day of the period, with 0 where no case was opened (the API lists only days with cases), so the line does
 * not join distant days. The API's day keys are in the workspace time zone; the ends come from the range.
 */
function fillDays(rows: { key: string; count: number }[], from: string, to: string) {
  const counts = new Map(rows.map((r) => [r.key, r.count]));
  const first = [from.slice(0, 10), ...rows.map((r) => r.key)].sort()[0] ?? from.slice(0, 10);
  const last = [to.slice(0, 10), ...rows.map((r) => r.key)].sort().at(-1) ?? to.slice(0, 10);
  const out: { key: string; count: number }[] = [];
  for (
    let t = Date.parse(`${first}T00:00:00Z`);
    t <= Date.parse(`${last}T00:00:00Z`) && out.length < 1200;
    t += 86_400_000
  ) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push({ key, count: counts.get(key) ?? 0 });
  }
  return out;
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

function ChartCard({ title, children, empty }: { title: string; children: ReactNode; empty: boolean }) {
  const { t } = useTranslation();
  return (
    <Card title={title} size="small" className="tp-case-chart">
      {empty ? (
        <EmptyState title={t('cases.analytics.noData')} text={t('cases.analytics.noDataText')} />
      ) : (
        children
      )}
    </Card>
  );
}

function Analytics() {
  const { t } = useTranslation();
  const format = useFormatters();
  const duration = useDuration();
  const lookups = useCaseLookups();
  const { nameOf: channelName } = useChannels();
  const [days, setDays] = useState<RangeDays>(30);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  const fetchAll = useCallback(async (rangeDays: number, signal: AbortSignal): Promise<Data> => {
    const to = new Date();
    const range = {
      from: new Date(to.getTime() - rangeDays * 86_400_000).toISOString(),
      to: to.toISOString(),
    };
    const [summary, ...volumes] = await Promise.all([
      casesApi.summary(range, signal),
      ...DIMENSIONS.map((by) => casesApi.volume(by, range, signal)),
    ]);
    const volume = Object.fromEntries(DIMENSIONS.map((d, i) => [d, volumes[i]?.data ?? []])) as Volume;
    return { summary, volume };
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    fetchAll(days, controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setLoad({ status: 'ready', data });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      });
    return () => controller.abort();
  }, [days, generation, fetchAll]);

  const data = load.status === 'ready' ? load.data : null;
  const casesUnit = t('cases.analytics.unitCases');

  const charts = useMemo(() => {
    if (!data) return null;
    const { summary, volume } = data;
    const tooltip = { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } };
    const countAxis = {
      type: 'value' as const,
      name: casesUnit,
      nameLocation: 'middle' as const,
      nameGap: 26,
      minInterval: 1,
    };
    const barOf = (rows: { key: string; count: number }[], name: (k: string) => string): EChartOption => ({
      tooltip,
      grid: { left: 8, right: 24, top: 16, bottom: 30, containLabel: true },
      xAxis: countAxis,
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => name(r.key)),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: [{ type: 'bar', name: casesUnit, data: rows.map((r) => r.count), barMaxWidth: 22 }],
    });
    const noneName = (k: string) => (k === '(none)' ? t('cases.analytics.none') : k);
    const slaOption = (rows: SlaCompliance[], name: (k: string | null) => string): EChartOption => ({
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? `${format.number(v)}%` : String(v ?? '—')),
      },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: rows.map((r) => name(r.key)),
        axisLabel: { interval: 0, width: 110, overflow: 'truncate' },
      },
      yAxis: { type: 'value', name: '%', max: 100, min: 0 },
      series: [
        {
          type: 'bar',
          name: t('cases.sla.firstResponse'),
          data: rows.map((r) => pct(r.firstResponse.compliance)),
          barMaxWidth: 28,
        },
        {
          type: 'bar',
          name: t('cases.sla.resolution'),
          data: rows.map((r) => pct(r.resolution.compliance)),
          barMaxWidth: 28,
        },
      ],
    });
    const ratings = summary.followUpRatings.filter((r) => r.average !== null);
    const days = fillDays(volume.day, summary.from, summary.to);
    return {
      daily: {
        tooltip: { trigger: 'axis' },
        grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: days.map((d) => format.calendarDate(d.key)) },
        yAxis: { ...countAxis, nameLocation: 'end' as const, nameGap: 12 },
        series: [
          {
            type: 'line',
            name: casesUnit,
            showSymbol: false,
            areaStyle: { opacity: 0.12 },
            data: days.map((d) => d.count),
          },
        ],
      } satisfies EChartOption,
      category: barOf(volume.category, (k) => lookups.categoryName(k)),
      touchpoint: barOf(volume.touchpoint, noneName),
      channel: {
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        legend: { type: 'scroll', bottom: 0 },
        series: [
          {
            type: 'pie',
            name: casesUnit,
            radius: ['40%', '68%'],
            // Names are in the legend and the tooltip; outer labels would collide on small slices.
            label: { show: false },
            top: -10,
            data: volume.channel.map((r) => ({ name: channelName(r.key), value: r.count })),
          },
        ],
      } satisfies EChartOption,
      slaTeam: slaOption(summary.sla.byTeam, (k) => (k ? lookups.teamName(k) : t('cases.analytics.noTeam'))),
      slaAgent: slaOption(summary.sla.byAgent, (k) => lookups.memberName(k)),
      rootCauses: barOf(
        summary.topRootCauses.map((r) => ({ key: r.rootCause, count: r.count })),
        (k) => k,
      ),
      ratings: {
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
        },
        grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: 'value', name: t('cases.analytics.averageScore'), min: 0 },
        yAxis: {
          type: 'category',
          inverse: true,
          data: ratings.map(
            (r) => `${lookups.categoryName(r.category)} (${r.metric.toUpperCase()}, n=${r.count})`,
          ),
          axisLabel: { width: 180, overflow: 'truncate' },
        },
        series: [
          {
            type: 'bar',
            name: t('cases.analytics.averageScore'),
            data: ratings.map((r) => r.average),
            barMaxWidth: 22,
          },
          {
            type: 'bar',
            name: t('cases.analytics.lowRatings'),
            data: ratings.map((r) => r.low),
            barMaxWidth: 22,
          },
        ],
        legend: { top: 0 },
      } satisfies EChartOption,
      ratingsEmpty: ratings.length === 0,
    };
  }, [data, format, lookups, channelName, t, casesUnit]);

  const header = (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/cases">{t('cases.inbox.title')}</Link> },
          { title: t('cases.analytics.title') },
        ]}
      />
      <PageHeader
        title={t('cases.analytics.title')}
        description={t('cases.analytics.description')}
        extra={
          <>
            <Segmented<RangeDays>
              value={days}
              onChange={setDays}
              options={RANGES.map((d) => ({ value: d, label: t('cases.analytics.lastDays', { count: d }) }))}
              data-testid="analytics-range"
            />
            <Button
              icon={<ReloadOutlined />}
              onClick={() => setGeneration((g) => g + 1)}
              aria-label={t('common.refresh')}
            />
          </>
        }
      />
    </>
  );

  if (load.status === 'loading')
    return (
      <>
        {header}
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      </>
    );
  if (load.status === 'error')
    return (
      <>
        {header}
        <ErrorState
          error={load.error}
          onRetry={() => setGeneration((g) => g + 1)}
          title={t('cases.analytics.loadFailed')}
        />
      </>
    );

  const s = load.data.summary;
  const v = load.data.volume;
  const c = charts!;
  const percent = (x: number | null) => (x === null ? t('common.none') : `${format.number(pct(x) ?? 0)}%`);
  const kpis: { key: string; label: string; value: string; help: string }[] = [
    {
      key: 'created',
      label: t('cases.analytics.created'),
      value: format.number(s.created),
      help: t('cases.analytics.createdHelp'),
    },
    {
      key: 'resolved',
      label: t('cases.analytics.resolved'),
      value: format.number(s.resolved),
      help: t('cases.analytics.resolvedHelp'),
    },
    {
      key: 'rate',
      label: t('cases.analytics.complaintRate'),
      value:
        s.complaintRate.per1000 === null ? t('common.none') : `${format.number(s.complaintRate.per1000)}‰`,
      help: t('cases.analytics.complaintRateHelp', {
        customers: format.number(s.complaintRate.customersWithCases),
        active: format.number(s.complaintRate.activeCustomers),
      }),
    },
    {
      key: 'fcr',
      label: t('cases.analytics.fcr'),
      value: percent(s.firstContactResolution),
      help: t('cases.analytics.fcrHelp'),
    },
    {
      key: 'handle',
      label: t('cases.analytics.medianHandle'),
      value: s.medianHandleMs === null ? t('common.none') : duration(s.medianHandleMs),
      help: t('cases.analytics.medianHandleHelp'),
    },
    {
      key: 'reopen',
      label: t('cases.analytics.reopenRate'),
      value: percent(s.reopenRate),
      help: t('cases.analytics.reopenRateHelp'),
    },
  ];

  return (
    <>
      {header}
      <Row gutter={[16, 16]} data-testid="case-kpis">
        {kpis.map((k) => (
          <Col key={k.key} xs={12} md={8} xl={4}>
            <Card size="small">
              <Tooltip title={k.help}>
                <Statistic title={<span className="tp-help-underline">{k.label}</span>} value={k.value} />
              </Tooltip>
            </Card>
          </Col>
        ))}
      </Row>
      {s.created === 0 && s.resolved === 0 ? (
        <Card style={{ marginTop: 16 }}>
          <EmptyState
            title={t('cases.analytics.empty')}
            text={t('cases.analytics.emptyText')}
            action={
              <Link to="/cases">
                <Button type="primary">{t('cases.view.backToInbox')}</Button>
              </Link>
            }
          />
        </Card>
      ) : (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} xl={16}>
            <ChartCard title={t('cases.analytics.overTime')} empty={v.day.length === 0}>
              <EChart
                option={c.daily}
                ariaLabel={t('cases.analytics.overTime')}
                height={280}
                data-testid="chart-daily"
              />
            </ChartCard>
          </Col>
          <Col xs={24} xl={8}>
            <ChartCard title={t('cases.analytics.byChannel')} empty={v.channel.length === 0}>
              <EChart option={c.channel} ariaLabel={t('cases.analytics.byChannel')} height={280} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.byCategory')} empty={v.category.length === 0}>
              <EChart option={c.category} ariaLabel={t('cases.analytics.byCategory')} height={300} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.byTouchpoint')} empty={v.touchpoint.length === 0}>
              <EChart option={c.touchpoint} ariaLabel={t('cases.analytics.byTouchpoint')} height={300} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.slaByTeam')} empty={s.sla.byTeam.length === 0}>
              <EChart option={c.slaTeam} ariaLabel={t('cases.analytics.slaByTeam')} height={280} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.slaByAgent')} empty={s.sla.byAgent.length === 0}>
              <EChart option={c.slaAgent} ariaLabel={t('cases.analytics.slaByAgent')} height={280} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.rootCauses')} empty={s.topRootCauses.length === 0}>
              <EChart option={c.rootCauses} ariaLabel={t('cases.analytics.rootCauses')} height={300} />
            </ChartCard>
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('cases.analytics.followUp')} empty={c.ratingsEmpty}>
              <EChart option={c.ratings} ariaLabel={t('cases.analytics.followUp')} height={300} />
            </ChartCard>
          </Col>
        </Row>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('cases.analytics.footnote')}
      </Typography.Paragraph>
    </>
  );
}

/** Case analytics: volume, complaint rate, SLA compliance, FCR, handle time, reopen rate, root causes, CSAT. */
export function CaseAnalyticsPage() {
  return (
    <RequirePermission permission="cases.read">
      <Analytics />
    </RequirePermission>
  );
}

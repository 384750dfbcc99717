import { Segmented, Skeleton, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HEATMAP_METRICS, journeysApi, type DayRange, type HeatmapMetric } from '../../api/journeys';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { EChart, type EChartOption } from './charts';
import { PeriodPicker, useDecimal, useLoad, useLocalText, usePercent } from './shared';

/** Low values red, high values green (perception, conversion); volumes in one calm hue. */
const QUALITY_COLORS = ['#ef4444', '#f59e0b', '#fde68a', '#a7f3d0', '#10b981'];
const VOLUME_COLORS = ['#eef2ff', '#a5b4fc', '#4f46e5'];

/** A touchpoint × week heat map of one metric (perception, customers, events or conversion). */
export function TouchpointHeatmap({
  range,
  metric,
  journey,
  height = 360,
  testId,
}: {
  range: DayRange;
  metric: HeatmapMetric;
  journey?: string;
  height?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const format = useFormatters();
  const decimal = useDecimal();
  const percent = usePercent();
  const heatmap = useLoad(
    (signal) => journeysApi.heatmap({ ...range, metric, ...(journey ? { journey } : {}) }, signal),
    `${range.from}|${range.to}|${metric}|${journey ?? ''}`,
  );

  const view = useMemo(() => {
    if (heatmap.status !== 'ready') return null;
    const data = heatmap.data;
    const rows = data.touchpoints;
    const weekIndex = new Map(data.weeks.map((w, i) => [w, i]));
    const rowIndex = new Map(rows.map((r, i) => [r.key, i]));
    const cells = data.cells
      .filter((c) => c.value !== null)
      .map((c) => [weekIndex.get(c.week) ?? 0, rowIndex.get(c.touchpoint) ?? 0, c.value as number, c.count]);
    if (cells.length === 0) return { empty: true as const };
    const values = cells.map((c) => c[2] as number);
    const quality = metric === 'perception' || metric === 'conversion';
    const min = quality ? (metric === 'conversion' ? 0 : Math.min(...values, 50)) : 0;
    const max = quality
      ? metric === 'conversion'
        ? Math.max(...values, 0.01)
        : 100
      : Math.max(...values, 1);
    const show = (v: number) =>
      metric === 'conversion' ? percent(v) : metric === 'perception' ? decimal(v) : format.number(v);
    const weekLabel = (w: string) => t('journeys.heatmap.weekOf', { date: format.calendarDate(w) });
    const option: EChartOption = {
      title: { text: t(`journeys.heatmap.title.${metric}`), left: 0, textStyle: { fontSize: 14 } },
      tooltip: {
        position: 'top',
        formatter: (p: unknown) => {
          const value = (p as { value: [number, number, number, number] }).value;
          const row = rows[value[1]];
          const week = data.weeks[value[0]];
          return t('journeys.heatmap.tooltip', {
            touchpoint: row ? local(row.name) : '',
            week: week ? weekLabel(week) : '',
            value: show(value[2]),
            count: format.number(value[3]),
            basis: t(`journeys.heatmap.basis.${metric}`),
          });
        },
      },
      grid: { left: 110, right: 20, top: 40, bottom: 96 },
      xAxis: {
        type: 'category',
        data: data.weeks.map((w) => format.calendarDate(w)),
        splitArea: { show: true },
        name: t('journeys.heatmap.weekAxis'),
        nameLocation: 'middle',
        nameGap: 28,
      },
      yAxis: {
        type: 'category',
        data: rows.map((r) => local(r.name)),
        splitArea: { show: true },
        inverse: true,
      },
      visualMap: {
        // The value is the third dimension of a cell ([week, touchpoint, value, count]).
        dimension: 2,
        min,
        max,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 160,
        itemWidth: 12,
        inRange: { color: quality ? QUALITY_COLORS : VOLUME_COLORS },
        formatter: (v: unknown) => (typeof v === 'number' ? show(v) : String(v)),
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: data.weeks.length <= 14,
            formatter: (p: unknown) => show((p as { value: number[] }).value[2] ?? 0),
            fontSize: 11,
          },
          emphasis: { itemStyle: { shadowBlur: 6, shadowColor: 'rgba(0,0,0,0.3)' } },
        },
      ],
    };
    const aria = t('journeys.heatmap.aria', {
      metric: t(`journeys.heatmap.metric.${metric}`),
      touchpoints: rows.length,
      weeks: data.weeks.length,
    });
    return { empty: false as const, option, aria, rows: rows.length };
  }, [heatmap, metric, t, local, format, decimal, percent]);

  if (heatmap.status === 'loading') return <Skeleton active paragraph={{ rows: 6 }} />;
  if (heatmap.status === 'error') return <ErrorState error={heatmap.error} onRetry={heatmap.reload} />;
  if (!view || view.empty) {
    return (
      <EmptyState
        title={t(`journeys.heatmap.empty.${metric}`)}
        text={t(
          metric === 'perception' ? 'journeys.heatmap.emptyPerceptionText' : 'journeys.heatmap.emptyText',
        )}
      />
    );
  }
  return (
    <EChart
      option={view.option}
      height={Math.max(height, 120 + view.rows * 36)}
      ariaLabel={view.aria}
      data-testid={testId}
    />
  );
}

/** The heat map tab: pick the metric and the period. */
export function HeatmapTab({
  range,
  onRangeChange,
}: {
  range: DayRange;
  onRangeChange: (range: DayRange) => void;
}) {
  const { t } = useTranslation();
  const [metric, setMetric] = useState<HeatmapMetric>('perception');
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Space wrap>
        <Segmented<HeatmapMetric>
          aria-label={t('journeys.heatmap.metricLabel')}
          value={metric}
          onChange={setMetric}
          options={HEATMAP_METRICS.map((m) => ({ value: m, label: t(`journeys.heatmap.metric.${m}`) }))}
          data-testid="heatmap-metric"
        />
        <PeriodPicker value={range} onChange={onRangeChange} />
      </Space>
      <Typography.Text type="secondary">{t(`journeys.heatmap.help.${metric}`)}</Typography.Text>
      <TouchpointHeatmap range={range} metric={metric} testId="heatmap-chart" />
    </Space>
  );
}

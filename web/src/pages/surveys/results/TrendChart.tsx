import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnalyticsTrend, TrendPoint } from '../../../api/surveys';
import { EChart, type EChartOption } from '../surveyCharts';
import { useNumberFormat } from './numbers';

/**
 * A score per period with its 95% confidence band (shaded), thin periods drawn hollow, and a marker where the
 * change from the previous period is statistically significant.
 */
export function TrendChart({ trend, title }: { trend: AnalyticsTrend; title: string }) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const points: TrendPoint[] = trend.points;
  const unit =
    trend.metric === 'nps'
      ? t('surveys.results.unitNps')
      : trend.metric === 'score100'
        ? t('surveys.results.unitScore')
        : '%';
  const option = useMemo<EChartOption>(() => {
    const periods = points.map((p) => p.period);
    const lower = points.map((p) => (p.ci ? p.ci.lower : null));
    const band = points.map((p) => (p.ci ? p.ci.upper - p.ci.lower : null));
    const significant = points
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.change?.significant && p.value !== null)
      .map(({ p, i }) => ({
        coord: [i, p.value],
        value: `${(p.change?.difference ?? 0) > 0 ? '▲' : '▼'}`,
        itemStyle: { color: (p.change?.difference ?? 0) > 0 ? '#10b981' : '#ef4444' },
      }));
    return {
      title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14 } },
      grid: { left: 56, right: 24, top: 72, bottom: 40 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const list = params as { dataIndex: number }[];
          const p = points[list[0]?.dataIndex ?? 0];
          if (!p) return '';
          const lines = [
            `<b>${p.period}</b>`,
            `${t('surveys.results.value')}: ${f.n(p.value, 1)} ${unit}`,
            `${t('surveys.results.ci95Short')}: ${f.ci(p.ci)}`,
            `n = ${p.n}${p.thin ? ` (${t('surveys.results.thin')})` : ''}`,
          ];
          if (p.change)
            lines.push(
              `${t('surveys.results.change')}: ${f.n(p.change.difference, 1)} · p = ${f.n(p.change.pValue, 3)}${
                p.change.significant ? ` · ${t('surveys.results.significant')}` : ''
              }`,
            );
          return lines.join('<br/>');
        },
      },
      xAxis: { type: 'category', data: periods, boundaryGap: false },
      yAxis: { type: 'value', name: unit, scale: true, nameTextStyle: { align: 'left' } },
      series: [
        {
          name: 'lower',
          type: 'line',
          data: lower,
          stack: 'ci',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          silent: true,
        },
        {
          name: t('surveys.results.ci95Short'),
          type: 'line',
          data: band,
          stack: 'ci',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(79,70,229,0.15)' },
          silent: true,
        },
        {
          name: t('surveys.results.value'),
          type: 'line',
          data: points.map((p) => ({
            value: p.value,
            symbol: p.thin ? 'emptyCircle' : 'circle',
            symbolSize: p.thin ? 7 : 6,
          })),
          connectNulls: false,
          lineStyle: { width: 2, color: '#4f46e5' },
          itemStyle: { color: '#4f46e5' },
          markPoint: { symbol: 'pin', symbolSize: 34, data: significant, label: { fontSize: 11 } },
        },
      ],
    } as EChartOption;
  }, [points, title, t, f, unit]);
  return <EChart option={option} height={300} ariaLabel={title} data-testid="trend-chart" />;
}

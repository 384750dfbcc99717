import { Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  surveysApi,
  type AnalyticsBreakdown,
  type AnalyticsRange,
  type SurveyDetail,
} from '../../../api/surveys';
import type { SegmentText } from '../../../api/segments';
import { ErrorState } from '../../../components/states';
import { useSegmentText } from '../../segments/segmentDisplay';
import { SegmentSelect, useSegmentNames } from '../../segments/SegmentSelect';
import { EChart, type EChartOption } from '../surveyCharts';
import { headlineOf, ThinTag } from './ScoreCards';
import { useNumberFormat } from './numbers';
import { useLoad } from './useLoad';

/** Segment groups also carry the segment's name (`by=segment`). */
type Group = AnalyticsBreakdown['groups'][number] & { label?: SegmentText | null };

/**
 * One score by channel, touchpoint, a customer trait or a hidden field: every group with its count and interval,
 * thin groups marked (and kept: hiding them would hide where data is missing).
 */
export function BreakdownPanel({
  survey,
  range,
  questionId,
}: {
  survey: SurveyDetail;
  range: AnalyticsRange;
  questionId: string | undefined;
}) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const [by, setBy] = useState('channel');
  const [trait, setTrait] = useState('city');
  const [segmentKeys, setSegmentKeys] = useState<string[]>([]);
  const segmentOptions = useSegmentNames(by === 'segment');
  const effective =
    by === 'trait'
      ? `trait:${trait.trim() || 'city'}`
      : by === 'segment' && segmentKeys.length
        ? `segment:${segmentKeys.join(',')}`
        : by;
  const load = useLoad(
    (signal) => surveysApi.breakdown(survey.id, { ...range, questionId, by: effective }, signal),
    JSON.stringify([survey.id, range, questionId, effective]),
  );
  const groups: Group[] = load.data?.groups ?? [];
  const segmentText = useSegmentText();
  const bySegment = by === 'segment';
  const none = bySegment ? t('segments.breakdown.inNone') : t('surveys.results.noValue');
  const nameOf = (g: Group) => (g.label ? segmentText(g.label) : null) ?? g.key ?? none;

  const option = useMemo<EChartOption>(() => {
    const rows = [...groups].reverse();
    const heads = rows.map(headlineOf);
    return {
      grid: { left: 120, right: 40, top: 16, bottom: 24 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: unknown) => {
          const i = (params as { dataIndex: number }[])[0]?.dataIndex ?? 0;
          const g = rows[i];
          const h = heads[i];
          if (!g || !h) return '';
          return `<b>${nameOf(g)}</b><br/>${f.n(h.value, 1)}${h.unit} ${f.ci(h.ci)}<br/>n = ${g.n}${h.thin ? ` (${t('surveys.results.thin')})` : ''}`;
        },
      },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        data: rows.map(nameOf),
        axisLabel: { width: 110, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: heads.map((h) => ({
            value: h.value,
            itemStyle: { color: h.thin ? '#fcd34d' : '#4f46e5' },
          })),
          barMaxWidth: 22,
        },
      ],
    } as EChartOption;
  }, [groups, none, f, t, segmentText]);

  const columns: ColumnsType<Group> = [
    {
      title: t('surveys.results.group'),
      dataIndex: 'key',
      render: (key: string | null, g) =>
        key === null ? <span className="tp-muted">{none}</span> : g.label ? segmentText(g.label) : key,
    },
    {
      title: t('surveys.results.value'),
      key: 'value',
      align: 'right',
      render: (_: unknown, g) => {
        const h = headlineOf(g);
        return (
          <span className="tp-num">
            {f.n(h.value, 1)}
            {h.value !== null ? h.unit : ''}
          </span>
        );
      },
    },
    {
      title: t('surveys.results.ci95Short'),
      key: 'ci',
      render: (_: unknown, g) => <span className="tp-stat-ci">{f.ci(headlineOf(g).ci)}</span>,
    },
    {
      title: 'n',
      dataIndex: 'n',
      align: 'right',
      render: (n: number, g) => (
        <Space size={4}>
          <span className="tp-num">{n}</span>
          <ThinTag thin={headlineOf(g).thin} />
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="breakdown">
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>{t('surveys.results.breakdownBy')}</Typography.Text>
        <Select
          value={by}
          style={{ width: 200 }}
          onChange={setBy}
          aria-label={t('surveys.results.breakdownBy')}
          options={[
            { value: 'channel', label: t('surveys.results.byChannel') },
            { value: 'touchpoint', label: t('surveys.results.byTouchpoint') },
            { value: 'trait', label: t('surveys.results.byTrait') },
            { value: 'segment', label: t('segments.breakdown.bySegment') },
            ...survey.definition.hiddenFields.map((h) => ({
              value: `hidden:${h}`,
              label: t('surveys.results.byHidden', { field: h }),
            })),
          ]}
        />
        {bySegment && (
          <SegmentSelect
            value={segmentKeys}
            onChange={setSegmentKeys}
            segments={segmentOptions.segments}
            style={{ minWidth: 240 }}
          />
        )}
        {by === 'trait' && (
          <Input
            style={{ width: 160 }}
            value={trait}
            onChange={(e) => setTrait(e.target.value)}
            aria-label={t('surveys.results.traitKey')}
            placeholder="city"
          />
        )}
      </Space>
      {load.error ? (
        <ErrorState error={load.error} onRetry={load.reload} />
      ) : (
        <>
          {groups.length > 0 && (
            <EChart
              option={option}
              height={Math.min(420, 60 + groups.length * 32)}
              ariaLabel={t('surveys.results.breakdown')}
            />
          )}
          <Table<Group>
            size="small"
            rowKey={(g) => g.key ?? '_none'}
            loading={load.loading}
            dataSource={groups}
            columns={columns}
            pagination={groups.length > 20 ? { pageSize: 20 } : false}
            rowClassName={(g) => (headlineOf(g).thin ? 'tp-thin' : '')}
            locale={{ emptyText: t('surveys.results.noData') }}
          />
          {bySegment && groups.length > 0 && (
            <Typography.Paragraph type="secondary" className="tp-small" data-testid="segment-overlap">
              {t('segments.breakdown.overlapping')}
            </Typography.Paragraph>
          )}
          {load.data?.sampled && (
            <Typography.Text type="secondary">{t('surveys.results.sampled')}</Typography.Text>
          )}
        </>
      )}
    </div>
  );
}

import {
  Alert,
  Card,
  Col,
  InputNumber,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { journeysApi, type DayRange, type PathsResult, type Touchpoint } from '../../api/journeys';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { EChart, type EChartOption } from './charts';
import { PeriodPicker, useLoad, useLocalText } from './shared';

const END = '(end)';
const START = '(start)';

/** The most frequent paths after or before a touchpoint, as an ECharts Sankey diagram and a table. */
export function PathsTab({
  touchpoints,
  range,
  onRangeChange,
}: {
  touchpoints: Touchpoint[];
  range: DayRange;
  onRangeChange: (range: DayRange) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const format = useFormatters();
  const [touchpoint, setTouchpoint] = useState<string | null>(touchpoints[0]?.key ?? null);
  const [direction, setDirection] = useState<'after' | 'before'>('after');
  const [depth, setDepth] = useState(3);
  const paths = useLoad<PathsResult | null>(
    (signal) =>
      touchpoint
        ? journeysApi.paths({ touchpoint, direction, depth, from: range.from, to: range.to }, signal)
        : Promise.resolve(null),
    `${touchpoint}|${direction}|${depth}|${range.from}|${range.to}`,
  );

  const nameOf = useMemo(() => {
    const names = new Map(touchpoints.map((tp) => [tp.key, local(tp.name)]));
    return (key: string) =>
      key === END
        ? t('journeys.paths.end')
        : key === START
          ? t('journeys.paths.start')
          : (names.get(key) ?? key);
  }, [touchpoints, local, t]);

  const option = useMemo<EChartOption | null>(() => {
    if (paths.status !== 'ready' || !paths.data || paths.data.links.length === 0) return null;
    const data = paths.data;
    // Node ids are "<step>:<touchpoint>"; the label shows the touchpoint only (the column gives the step).
    return {
      title: {
        text: t(direction === 'after' ? 'journeys.paths.chartAfter' : 'journeys.paths.chartBefore', {
          name: nameOf(touchpoint ?? ''),
        }),
        left: 0,
        textStyle: { fontSize: 14 },
      },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const item = p as {
            dataType?: string;
            data: { source?: string; target?: string; value?: number; name?: string };
            value?: number;
          };
          const label = (id: string) => nameOf(id.slice(id.indexOf(':') + 1));
          if (item.dataType === 'edge' && item.data.source && item.data.target) {
            return t('journeys.paths.linkTooltip', {
              from: label(item.data.source),
              to: label(item.data.target),
              customers: format.number(item.data.value ?? 0),
            });
          }
          return t('journeys.paths.nodeTooltip', {
            name: label(item.data.name ?? ''),
            customers: format.number(item.value ?? 0),
          });
        },
      },
      series: [
        {
          type: 'sankey',
          top: 40,
          bottom: 10,
          left: 10,
          right: 120,
          nodeAlign: direction === 'after' ? 'left' : 'right',
          emphasis: { focus: 'adjacency' },
          lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
          label: {
            formatter: (p: unknown) => {
              const name = (p as { name: string }).name;
              return nameOf(name.slice(name.indexOf(':') + 1));
            },
          },
          data: data.nodes.map((n) => ({ name: n.id })),
          links: data.links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
        },
      ],
    };
  }, [paths, direction, nameOf, touchpoint, t, format]);

  if (touchpoints.length === 0) {
    return <EmptyState title={t('journeys.catalogue.emptyTitle')} text={t('journeys.catalogue.emptyText')} />;
  }

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="paths-tab">
      <Space wrap>
        <Select
          aria-label={t('journeys.paths.touchpoint')}
          value={touchpoint}
          onChange={setTouchpoint}
          style={{ width: 220 }}
          showSearch={{ optionFilterProp: 'label' }}
          options={touchpoints.map((tp) => ({ value: tp.key, label: local(tp.name) }))}
        />
        <Segmented<'after' | 'before'>
          value={direction}
          onChange={setDirection}
          options={[
            { value: 'after', label: t('journeys.paths.after') },
            { value: 'before', label: t('journeys.paths.before') },
          ]}
        />
        <Space size={4}>
          <Typography.Text>{t('journeys.paths.depth')}</Typography.Text>
          <InputNumber
            aria-label={t('journeys.paths.depth')}
            min={1}
            max={5}
            precision={0}
            value={depth}
            onChange={(v) => setDepth(typeof v === 'number' ? v : 3)}
          />
        </Space>
        <PeriodPicker value={range} onChange={onRangeChange} />
      </Space>
      {paths.status === 'loading' ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : paths.status === 'error' ? (
        <ErrorState error={paths.error} onRetry={paths.reload} />
      ) : !paths.data || !option ? (
        <EmptyState title={t('journeys.paths.emptyTitle')} text={t('journeys.paths.emptyText')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <Card size="small">
              {paths.data.sampled && (
                <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('journeys.paths.sampled')} />
              )}
              <Typography.Text type="secondary">
                {t('journeys.paths.customers', { count: paths.data.customers })}
              </Typography.Text>
              <EChart
                option={option}
                height={420}
                ariaLabel={t('journeys.paths.aria')}
                data-testid="paths-chart"
              />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card size="small" title={t('journeys.paths.topPaths')}>
              <Table
                size="small"
                pagination={false}
                rowKey={(p) => p.path.join('>')}
                dataSource={paths.data.topPaths}
                columns={[
                  {
                    title: t('journeys.paths.path'),
                    key: 'path',
                    render: (_, p) => p.path.map(nameOf).join(' → '),
                  },
                  {
                    title: t('journeys.paths.customersColumn'),
                    dataIndex: 'customers',
                    align: 'right',
                    render: (v: number) => format.number(v),
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}

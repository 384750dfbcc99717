import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  journeysApi,
  type DayRange,
  type FunnelRequest,
  type FunnelResult,
  type FunnelStepResult,
  type Journey,
  type Touchpoint,
} from '../../api/journeys';
import { ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';
import { SegmentSelect, useSegmentNames } from '../segments/SegmentSelect';
import { EChart, type EChartOption } from './charts';
import { PeriodPicker, previousRange, useDecimal, useDuration, useLocalText, usePercent } from './shared';

interface StepRow {
  id: number;
  kind: 'touchpoint' | 'event';
  value: string;
}

type BreakdownKind = 'none' | 'channel' | 'trait' | 'segment';

const TRAIT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
let nextId = 1;

function rowsOf(journey: Journey | undefined, touchpoints: Touchpoint[]): StepRow[] {
  const keys = journey?.steps ?? touchpoints.slice(0, 3).map((tp) => tp.key);
  const rows = keys.map((key) => ({ id: nextId++, kind: 'touchpoint' as const, value: key }));
  while (rows.length < 2) rows.push({ id: nextId++, kind: 'touchpoint', value: '' });
  return rows;
}

/** Builds a funnel over ordered touchpoints or events, with a breakdown and a comparison with the previous period. */
export function FunnelTab({
  journeys,
  touchpoints,
  range,
  onRangeChange,
}: {
  journeys: Journey[];
  touchpoints: Touchpoint[];
  range: DayRange;
  onRangeChange: (range: DayRange) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const percent = usePercent();
  const decimal = useDecimal();
  const duration = useDuration();
  const format = useFormatters();
  const [rows, setRows] = useState<StepRow[]>(() => rowsOf(journeys[0], touchpoints));
  const [windowDays, setWindowDays] = useState<number>(journeys[0]?.conversionWindowDays ?? 30);
  const [breakdown, setBreakdown] = useState<BreakdownKind>('none');
  const [trait, setTrait] = useState('');
  const { can } = useSession();
  const [segmentKeys, setSegmentKeys] = useState<string[]>([]);
  const segmentNames = useSegmentNames(breakdown === 'segment');
  const groupName = (value: string | null) =>
    state.status === 'ready' && state.request.breakdown?.by === 'segment'
      ? segmentNames.nameOfKey(value)
      : (value ?? t('journeys.funnel.noValue'));
  const [compare, setCompare] = useState(true);
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'error'; error: unknown }
    | { status: 'ready'; result: FunnelResult; request: FunnelRequest }
  >({ status: 'idle' });

  const nameOfTouchpoint = useMemo(() => {
    const map = new Map(touchpoints.map((tp) => [tp.key, local(tp.name)]));
    return (key: string) => map.get(key) ?? key;
  }, [touchpoints, local]);

  const problems: string[] = [];
  if (rows.some((r) => r.value.trim() === '')) problems.push(t('journeys.funnel.stepMissing'));
  if (breakdown === 'trait' && !TRAIT_PATTERN.test(trait)) problems.push(t('journeys.funnel.traitInvalid'));

  const labelOf = (request: FunnelRequest, step: FunnelStepResult) => {
    const source = request.steps[step.step - 1];
    if (source && 'touchpoint' in source) return nameOfTouchpoint(source.touchpoint);
    return step.label;
  };

  const compute = async () => {
    if (problems.length) return;
    const request: FunnelRequest = {
      steps: rows.map((r) => (r.kind === 'touchpoint' ? { touchpoint: r.value } : { event: r.value.trim() })),
      from: range.from,
      to: range.to,
      windowDays,
      ...(breakdown === 'channel' ? { breakdown: { by: 'channel' as const } } : {}),
      ...(breakdown === 'trait' ? { breakdown: { by: 'trait' as const, trait } } : {}),
      ...(breakdown === 'segment'
        ? { breakdown: { by: 'segment' as const, ...(segmentKeys.length ? { segments: segmentKeys } : {}) } }
        : {}),
      ...(compare ? { compare: previousRange(range) } : {}),
    };
    setState({ status: 'loading' });
    try {
      setState({ status: 'ready', result: await journeysApi.funnel(request), request });
    } catch (error) {
      setState({ status: 'error', error });
    }
  };

  const move = (index: number, by: number) =>
    setRows((current) => {
      const next = [...current];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });

  const charts = useMemo(() => {
    if (state.status !== 'ready') return null;
    const { result, request } = state;
    const labels = result.current.steps.map((s) => `${s.step}. ${labelOf(request, s)}`);
    const funnel: EChartOption = {
      title: { text: t('journeys.funnel.chartTitle'), left: 0, textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const item = p as { dataIndex: number };
          const s = result.current.steps[item.dataIndex];
          if (!s) return '';
          return t('journeys.funnel.tooltip', {
            label: labels[item.dataIndex],
            customers: format.number(s.customers),
            fromStart: percent(s.conversionFromStart),
            fromPrevious: percent(s.conversionFromPrevious),
          });
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          top: 40,
          bottom: 10,
          left: '5%',
          width: '90%',
          minSize: '8%',
          label: { show: true, position: 'inside', formatter: '{b}' },
          data: result.current.steps.map((s, i) => ({ name: labels[i] ?? '', value: s.customers })),
        },
      ],
    };
    const seriesSets: Array<{ name: string; steps: FunnelStepResult[] }> = [
      { name: t('journeys.funnel.current'), steps: result.current.steps },
      ...(result.previous ? [{ name: t('journeys.funnel.previous'), steps: result.previous.steps }] : []),
      ...result.breakdown.map((b) => ({ name: groupName(b.value), steps: b.steps })),
    ];
    const bars: EChartOption | null =
      seriesSets.length > 1
        ? {
            title: { text: t('journeys.funnel.barTitle'), left: 0, textStyle: { fontSize: 14 } },
            tooltip: {
              trigger: 'axis',
              valueFormatter: (v: unknown) => (typeof v === 'number' ? percent(v / 100) : '—'),
            },
            legend: { top: 0, right: 0, type: 'scroll', width: '55%' },
            grid: { left: 56, right: 16, top: 56, bottom: 48 },
            xAxis: {
              type: 'category',
              data: labels,
              axisLabel: { interval: 0, overflow: 'truncate', width: 110 },
            },
            yAxis: { type: 'value', name: t('journeys.funnel.percentUnit'), max: 100 },
            series: seriesSets.map((set) => ({
              type: 'bar',
              name: set.name,
              data: set.steps.map((s) => Math.round(s.conversionFromStart * 1000) / 10),
            })),
          }
        : null;
    return { funnel, bars };
    // labelOf depends only on nameOfTouchpoint.
  }, [state, t, percent, format, nameOfTouchpoint]);

  const touchpointOptions = touchpoints.map((tp) => ({
    value: tp.key,
    label: `${local(tp.name)} (${tp.key})`,
  }));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="funnel-builder">
      <Card size="small" title={t('journeys.funnel.title')}>
        <Typography.Paragraph type="secondary">{t('journeys.funnel.help')}</Typography.Paragraph>
        <Space wrap style={{ marginBottom: 12 }}>
          {journeys.map((j) => (
            <Button
              key={j.key}
              size="small"
              onClick={() => {
                setRows(rowsOf(j, touchpoints));
                setWindowDays(j.conversionWindowDays);
              }}
            >
              {t('journeys.funnel.useJourney', { name: local(j.name) })}
            </Button>
          ))}
        </Space>
        <ol className="tp-funnel-steps" style={{ paddingLeft: 20, margin: 0 }}>
          {rows.map((row, index) => (
            <li key={row.id} style={{ marginBottom: 8 }} data-testid="funnel-step">
              <Space wrap>
                <Select
                  aria-label={t('journeys.funnel.stepKind', { step: index + 1 })}
                  value={row.kind}
                  style={{ width: 130 }}
                  onChange={(kind) =>
                    setRows((current) =>
                      current.map((r) => (r.id === row.id ? { ...r, kind, value: '' } : r)),
                    )
                  }
                  options={[
                    { value: 'touchpoint', label: t('journeys.funnel.kindTouchpoint') },
                    { value: 'event', label: t('journeys.funnel.kindEvent') },
                  ]}
                />
                {row.kind === 'touchpoint' ? (
                  <Select
                    aria-label={t('journeys.funnel.stepValue', { step: index + 1 })}
                    value={row.value || undefined}
                    placeholder={t('journeys.funnel.chooseTouchpoint')}
                    style={{ width: 260 }}
                    showSearch={{ optionFilterProp: 'label' }}
                    options={touchpointOptions}
                    onChange={(value: string) =>
                      setRows((current) => current.map((r) => (r.id === row.id ? { ...r, value } : r)))
                    }
                  />
                ) : (
                  <Input
                    aria-label={t('journeys.funnel.stepValue', { step: index + 1 })}
                    value={row.value}
                    maxLength={200}
                    placeholder={t('journeys.funnel.eventPlaceholder')}
                    style={{ width: 260 }}
                    onChange={(e) =>
                      setRows((current) =>
                        current.map((r) => (r.id === row.id ? { ...r, value: e.target.value } : r)),
                      )
                    }
                  />
                )}
                <Button
                  type="text"
                  icon={<ArrowUpOutlined />}
                  disabled={index === 0}
                  aria-label={t('journeys.funnel.moveUp')}
                  onClick={() => move(index, -1)}
                />
                <Button
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={index === rows.length - 1}
                  aria-label={t('journeys.funnel.moveDown')}
                  onClick={() => move(index, 1)}
                />
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  disabled={rows.length <= 2}
                  aria-label={t('journeys.funnel.removeStep')}
                  onClick={() => setRows((current) => current.filter((r) => r.id !== row.id))}
                />
              </Space>
            </li>
          ))}
        </ol>
        <Button
          icon={<PlusOutlined />}
          disabled={rows.length >= 20}
          onClick={() => setRows((current) => [...current, { id: nextId++, kind: 'touchpoint', value: '' }])}
          style={{ marginBottom: 16 }}
        >
          {t('journeys.funnel.addStep')}
        </Button>
        <Form layout="vertical">
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Form.Item label={t('journeys.period.label')}>
                <PeriodPicker value={range} onChange={onRangeChange} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={4}>
              <Form.Item label={t('journeys.funnel.window')} extra={t('journeys.funnel.windowHelp')}>
                <InputNumber
                  aria-label={t('journeys.funnel.window')}
                  min={1}
                  max={365}
                  precision={0}
                  value={windowDays}
                  onChange={(v) => setWindowDays(typeof v === 'number' ? v : 30)}
                  suffix={t('journeys.funnel.daysSuffix')}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
            <Col xs={12} lg={8}>
              <Form.Item label={t('journeys.funnel.breakdown')}>
                <Space.Compact style={{ width: '100%' }}>
                  <Select<BreakdownKind>
                    aria-label={t('journeys.funnel.breakdown')}
                    value={breakdown}
                    onChange={setBreakdown}
                    style={{ width: breakdown === 'trait' || breakdown === 'segment' ? '50%' : '100%' }}
                    options={[
                      { value: 'none', label: t('journeys.funnel.breakdownNone') },
                      { value: 'channel', label: t('journeys.funnel.breakdownChannel') },
                      { value: 'trait', label: t('journeys.funnel.breakdownTrait') },
                      ...(can('segments.read')
                        ? [{ value: 'segment' as const, label: t('segments.breakdown.bySegment') }]
                        : []),
                    ]}
                  />
                  {breakdown === 'segment' && (
                    <SegmentSelect
                      value={segmentKeys}
                      onChange={setSegmentKeys}
                      segments={segmentNames.segments}
                      style={{ width: '50%' }}
                    />
                  )}
                  {breakdown === 'trait' && (
                    <Input
                      aria-label={t('journeys.funnel.traitName')}
                      placeholder={t('journeys.funnel.traitPlaceholder')}
                      value={trait}
                      status={trait && !TRAIT_PATTERN.test(trait) ? 'error' : undefined}
                      onChange={(e) => setTrait(e.target.value)}
                      style={{ width: '50%' }}
                    />
                  )}
                </Space.Compact>
              </Form.Item>
            </Col>
          </Row>
        </Form>
        <Space wrap>
          <Checkbox checked={compare} onChange={(e) => setCompare(e.target.checked)}>
            {t('journeys.funnel.compare', {
              from: format.calendarDate(previousRange(range).from),
              to: format.calendarDate(previousRange(range).to),
            })}
          </Checkbox>
          <Button
            type="primary"
            onClick={() => void compute()}
            loading={state.status === 'loading'}
            disabled={problems.length > 0}
            data-testid="funnel-compute"
          >
            {t('journeys.funnel.compute')}
          </Button>
          {problems.map((p) => (
            <Typography.Text type="danger" key={p}>
              {p}
            </Typography.Text>
          ))}
        </Space>
      </Card>

      {state.status === 'error' && <ErrorState error={state.error} onRetry={() => void compute()} />}
      {state.status === 'idle' && <Alert type="info" showIcon title={t('journeys.funnel.idle')} />}
      {state.status === 'ready' && charts && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={charts.bars ? 12 : 24}>
              <Card size="small">
                <EChart
                  option={charts.funnel}
                  height={320}
                  ariaLabel={t('journeys.funnel.ariaChart', {
                    steps: state.result.current.steps
                      .map((s) => `${labelOf(state.request, s)} ${s.customers}`)
                      .join(', '),
                  })}
                  data-testid="funnel-chart"
                />
              </Card>
            </Col>
            {charts.bars && (
              <Col xs={24} xl={12}>
                <Card size="small">
                  <EChart option={charts.bars} height={320} ariaLabel={t('journeys.funnel.barTitle')} />
                </Card>
              </Col>
            )}
          </Row>
          <Card size="small" title={t('journeys.funnel.tableTitle')}>
            <Table<FunnelStepResult>
              rowKey="step"
              size="small"
              pagination={false}
              scroll={{ x: 960 }}
              dataSource={state.result.current.steps}
              data-testid="funnel-table"
              columns={[
                {
                  title: t('journeys.funnel.step'),
                  key: 'label',
                  render: (_, s) => `${s.step}. ${labelOf(state.request, s)}`,
                },
                {
                  title: t('journeys.funnel.customers'),
                  dataIndex: 'customers',
                  align: 'right',
                  render: (v: number) => format.number(v),
                },
                {
                  title: t('journeys.funnel.fromPrevious'),
                  dataIndex: 'conversionFromPrevious',
                  align: 'right',
                  render: (v: number) => percent(v),
                },
                {
                  title: t('journeys.funnel.fromStart'),
                  dataIndex: 'conversionFromStart',
                  align: 'right',
                  render: (v: number) => percent(v),
                },
                {
                  title: t('journeys.funnel.dropOff'),
                  dataIndex: 'dropOff',
                  align: 'right',
                  render: (v: number, s) =>
                    s.step === 1 ? (
                      '—'
                    ) : (
                      <Typography.Text type={v > 0 ? 'danger' : undefined}>
                        {format.number(v)}
                      </Typography.Text>
                    ),
                },
                {
                  title: t('journeys.funnel.median'),
                  dataIndex: 'medianMsFromPrevious',
                  align: 'right',
                  render: (v: number | null) => duration(v),
                },
                {
                  title: t('journeys.funnel.p90'),
                  dataIndex: 'p90MsFromPrevious',
                  align: 'right',
                  render: (v: number | null) => duration(v),
                },
                ...(state.result.previous
                  ? [
                      {
                        title: t('journeys.funnel.vsPrevious'),
                        key: 'change',
                        align: 'right' as const,
                        render: (_: unknown, s: FunnelStepResult) => {
                          const change = state.result.changes.find((c) => c.step === s.step);
                          if (!change) return '—';
                          const points = change.difference * 100;
                          return (
                            <Tooltip
                              title={t('journeys.funnel.changeTooltip', {
                                previous: percent(change.previous),
                                p: change.pValue === null ? '—' : decimal(change.pValue, 3),
                              })}
                            >
                              <Space size={4}>
                                <Typography.Text type={points >= 0 ? 'success' : 'danger'}>
                                  {t('journeys.funnel.points', {
                                    value: `${points >= 0 ? '+' : ''}${decimal(points)}`,
                                  })}
                                </Typography.Text>
                                {change.significant ? (
                                  <Tag color="red" data-testid="significant">
                                    {t('journeys.funnel.significant')}
                                  </Tag>
                                ) : (
                                  <Tag>{t('journeys.funnel.notSignificant')}</Tag>
                                )}
                              </Space>
                            </Tooltip>
                          );
                        },
                      },
                    ]
                  : []),
              ]}
            />
            <Typography.Paragraph type="secondary" className="tp-small" style={{ marginTop: 8 }}>
              {t('journeys.funnel.footnote', { days: state.result.windowDays })}
            </Typography.Paragraph>
          </Card>
          {state.result.breakdown.length > 0 && (
            <Card size="small" title={t('journeys.funnel.breakdownTitle')}>
              <Table
                size="small"
                pagination={false}
                scroll={{ x: 720 }}
                rowKey={(b) => b.value ?? '∅'}
                dataSource={state.result.breakdown}
                columns={[
                  {
                    title: t('journeys.funnel.segment'),
                    key: 'value',
                    render: (_, b) => groupName(b.value),
                  },
                  ...state.result.current.steps.map((s) => ({
                    title: `${s.step}. ${labelOf(state.request, s)}`,
                    key: `s${s.step}`,
                    align: 'right' as const,
                    render: (_: unknown, b: FunnelResult['breakdown'][number]) => {
                      const step = b.steps.find((x) => x.step === s.step);
                      return step ? (
                        <span>
                          {format.number(step.customers)}{' '}
                          <Typography.Text type="secondary" className="tp-small">
                            ({percent(step.conversionFromStart)})
                          </Typography.Text>
                        </span>
                      ) : (
                        '—'
                      );
                    },
                  })),
                ]}
              />
            </Card>
          )}
        </>
      )}
    </Space>
  );
}

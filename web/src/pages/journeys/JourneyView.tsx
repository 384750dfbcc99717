import {
  ArrowRightOutlined,
  CheckCircleFilled,
  DeleteOutlined,
  EditOutlined,
  PlusOutlined,
  WarningFilled,
} from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  journeysApi,
  type DayRange,
  type Journey,
  type Phase,
  type Touchpoint,
  type TouchpointHealth,
} from '../../api/journeys';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { EChart, type EChartOption } from './charts';
import { JourneyEditor } from './JourneyEditor';
import { PeriodPicker, useDecimal, useLoad, useLocalText, usePercent } from './shared';

export const PHASE_COLORS: Record<Phase, string> = {
  pre_sale: 'geekblue',
  in_sale: 'green',
  after_sale: 'orange',
};

function Metric({
  label,
  hint,
  children,
  testId,
}: {
  label: string;
  hint?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="tp-jmetric" data-testid={testId}>
      {hint ? (
        <Tooltip title={hint}>
          <span className="tp-jmetric-label">{label}</span>
        </Tooltip>
      ) : (
        <span className="tp-jmetric-label">{label}</span>
      )}
      <span className="tp-jmetric-value">{children}</span>
    </div>
  );
}

/** Actual versus target: green when the target is met, red when not, plain without a target. */
function VersusTarget({
  value,
  target,
  text,
  targetText,
}: {
  value: number | null;
  target: number | null;
  text: string;
  targetText: string;
}) {
  const { t } = useTranslation();
  if (value === null) return <Typography.Text type="secondary">{text}</Typography.Text>;
  if (target === null) return <span>{text}</span>;
  const met = value >= target;
  return (
    <Tooltip title={t('journeys.view.targetTooltip', { target: targetText })}>
      <Typography.Text type={met ? 'success' : 'danger'}>
        {met ? <CheckCircleFilled /> : <WarningFilled />} {text}
      </Typography.Text>
      <Typography.Text type="secondary"> / {targetText}</Typography.Text>
    </Tooltip>
  );
}

function StepCard({
  index,
  touchpoint,
  health,
}: {
  index: number;
  touchpoint: Touchpoint | undefined;
  health: TouchpointHealth | undefined;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const local = useLocalText();
  const percent = usePercent();
  const decimal = useDecimal();
  const name = local(health?.name ?? touchpoint?.name);
  const targetConversion = health?.targetConversion ?? touchpoint?.targetConversion ?? null;
  const targetScore = health?.targetScore ?? touchpoint?.targetScore ?? null;
  return (
    <Card
      size="small"
      title={
        <Space size={6}>
          <Tag>{index + 1}</Tag>
          <span>{name}</span>
        </Space>
      }
      data-testid={`journey-step-${touchpoint?.key ?? health?.touchpoint ?? index}`}
    >
      <Space size={4} wrap style={{ marginBottom: 6 }}>
        {touchpoint && (
          <Tag color={PHASE_COLORS[touchpoint.phase]}>{t(`journeys.phase.${touchpoint.phase}`)}</Tag>
        )}
        {touchpoint && <Tag>{touchpoint.stage}</Tag>}
      </Space>
      <div className="tp-jneed">
        {touchpoint && local(touchpoint.coreNeed) ? (
          <Tooltip title={t('journeys.view.coreNeed')}>{local(touchpoint.coreNeed)}</Tooltip>
        ) : (
          <Typography.Text type="secondary">{t('journeys.view.noCoreNeed')}</Typography.Text>
        )}
      </div>
      {health ? (
        <>
          <Metric label={t('journeys.view.events')} testId="step-events">
            {format.number(health.events)}
          </Metric>
          <Metric label={t('journeys.view.newCustomers')} testId="step-customers">
            {format.number(health.newCustomers)}
          </Metric>
          <Metric label={t('journeys.view.dailyCustomers')}>{decimal(health.averageDailyCustomers)}</Metric>
          <Metric label={t('journeys.view.conversion')} testId="step-conversion">
            {health.next === null ? (
              <Typography.Text type="secondary">{t('journeys.view.lastStep')}</Typography.Text>
            ) : (
              <VersusTarget
                value={health.conversion}
                target={targetConversion}
                text={percent(health.conversion)}
                targetText={percent(targetConversion)}
              />
            )}
          </Metric>
          <Metric
            label={t('journeys.view.perception')}
            hint={t('journeys.view.perceptionHint')}
            testId="step-perception"
          >
            <VersusTarget
              value={health.perception}
              target={targetScore}
              text={
                health.perception === null
                  ? t('journeys.view.noResponses')
                  : t('journeys.view.perceptionValue', {
                      value: decimal(health.perception),
                      count: health.responses,
                    })
              }
              targetText={decimal(targetScore, 0)}
            />
          </Metric>
          {touchpoint?.ownerTeam && <Metric label={t('journeys.view.owner')}>{touchpoint.ownerTeam}</Metric>}
        </>
      ) : (
        <Typography.Text type="secondary">{t('journeys.view.noHealth')}</Typography.Text>
      )}
    </Card>
  );
}

/** The steps of one journey as a horizontal flow, with each step's health in the period. */
export function JourneyView({
  journeys,
  touchpoints,
  range,
  onRangeChange,
  onOpenTemplates,
  onChanged,
  canManage,
}: {
  journeys: Journey[];
  touchpoints: Touchpoint[];
  range: DayRange;
  onRangeChange: (range: DayRange) => void;
  onOpenTemplates: () => void;
  /** After a journey was created, edited or deleted. */
  onChanged: () => void;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const local = useLocalText();
  const percent = usePercent();
  const format = useFormatters();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Journey | 'new' | null>(null);
  const journey = journeys.find((j) => j.key === selected) ?? journeys[0] ?? null;
  const health = useLoad(
    (signal) =>
      journey
        ? journeysApi.health({ ...range, journey: journey.key }, signal)
        : Promise.resolve({ data: [] }),
    `${journey?.key ?? ''}|${range.from}|${range.to}`,
  );
  const byKey = useMemo(() => new Map(touchpoints.map((tp) => [tp.key, tp])), [touchpoints]);
  const healthByKey = useMemo(
    () => new Map((health.status === 'ready' ? health.data.data : []).map((h) => [h.touchpoint, h])),
    [health],
  );

  const chart = useMemo<EChartOption | null>(() => {
    if (health.status !== 'ready' || !journey) return null;
    const rows = journey.steps.map((key) => healthByKey.get(key)).filter((h) => h !== undefined);
    const days = [...new Set(rows.flatMap((h) => h.days.map((d) => d.day)))].sort();
    if (days.length === 0) return null;
    return {
      title: { text: t('journeys.view.chartTitle'), left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 0, type: 'scroll', width: '60%' },
      grid: { left: 40, right: 16, top: 56, bottom: 32 },
      xAxis: { type: 'category', data: days.map((d) => format.calendarDate(d)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: rows.map((h) => {
        const perDay = new Map(h.days.map((d) => [d.day, d.newCustomers]));
        return {
          type: 'line',
          name: local(h.name),
          smooth: true,
          showSymbol: false,
          data: days.map((d) => perDay.get(d) ?? 0),
        };
      }),
    };
  }, [health.status, journey, healthByKey, t, local, format]);

  if (!journey) {
    return (
      <EmptyState
        title={t('journeys.view.emptyTitle')}
        text={t('journeys.view.emptyText')}
        action={
          canManage ? (
            <Space>
              <Button type="primary" onClick={onOpenTemplates}>
                {t('journeys.view.openTemplates')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('journeys.journeyEditor.create')}
              </Button>
              <JourneyEditor
                open={editing !== null}
                journey={null}
                touchpoints={touchpoints}
                onClose={() => setEditing(null)}
                onSaved={(saved) => {
                  setEditing(null);
                  setSelected(saved.key);
                  onChanged();
                }}
              />
            </Space>
          ) : undefined
        }
      />
    );
  }

  const remove = async (key: string) => {
    try {
      await journeysApi.deleteJourney(key);
      message.success(t('journeys.journeyEditor.deleted'));
      setSelected(null);
      onChanged();
    } catch (err) {
      message.error(messageOf(err));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="journey-view">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <Select
            aria-label={t('journeys.view.journey')}
            value={journey.key}
            style={{ minWidth: 240 }}
            onChange={setSelected}
            options={journeys.map((j) => ({ value: j.key, label: local(j.name) }))}
            data-testid="journey-select"
          />
          <Typography.Text type="secondary">
            {t('journeys.view.window', { days: journey.conversionWindowDays })}
          </Typography.Text>
          {canManage && (
            <Space size={4}>
              <Tooltip title={t('journeys.journeyEditor.edit')}>
                <Button
                  icon={<EditOutlined />}
                  aria-label={t('journeys.journeyEditor.edit')}
                  onClick={() => setEditing(journey)}
                  data-testid="journey-edit"
                />
              </Tooltip>
              <Popconfirm
                title={t('journeys.journeyEditor.deleteConfirm', { name: local(journey.name) })}
                description={t('journeys.journeyEditor.deleteHelp')}
                okText={t('journeys.catalogue.delete')}
                okButtonProps={{ danger: true }}
                cancelText={t('common.cancel')}
                onConfirm={() => void remove(journey.key)}
              >
                <Tooltip title={t('journeys.journeyEditor.delete')}>
                  <Button danger icon={<DeleteOutlined />} aria-label={t('journeys.journeyEditor.delete')} />
                </Tooltip>
              </Popconfirm>
              <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="journey-create">
                {t('journeys.journeyEditor.create')}
              </Button>
            </Space>
          )}
        </Space>
        <PeriodPicker value={range} onChange={onRangeChange} />
      </Space>
      {local(journey.description) && (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {local(journey.description)}
        </Typography.Paragraph>
      )}
      {health.status === 'error' ? (
        <ErrorState error={health.error} onRetry={health.reload} />
      ) : health.status === 'loading' ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : (
        <>
          <div
            className="tp-jflow"
            role="list"
            aria-label={t('journeys.view.flowLabel')}
            // The flow scrolls sideways on narrow screens: focusable, so the keyboard can scroll it too.
            tabIndex={0}
          >
            {journey.steps.map((key, index) => {
              const h = healthByKey.get(key);
              const rate = percent(healthByKey.get(journey.steps[index - 1] ?? '')?.conversion);
              return (
                <div key={key} style={{ display: 'contents' }}>
                  {index > 0 && (
                    <div className="tp-jarrow" title={t('journeys.view.arrow', { rate })}>
                      <span className="tp-jarrow-rate">{rate}</span>
                      <ArrowRightOutlined />
                    </div>
                  )}
                  <div className="tp-jstep" role="listitem">
                    <StepCard index={index} touchpoint={byKey.get(key)} health={h} />
                  </div>
                </div>
              );
            })}
          </div>
          {chart ? (
            <Card size="small">
              <EChart
                option={chart}
                height={280}
                ariaLabel={t('journeys.view.chartTitle')}
                data-testid="journey-daily-chart"
              />
            </Card>
          ) : (
            <EmptyState title={t('journeys.view.noEventsTitle')} text={t('journeys.view.noEventsText')} />
          )}
        </>
      )}
      <JourneyEditor
        open={editing !== null}
        journey={editing === 'new' ? null : editing}
        touchpoints={touchpoints}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          setSelected(saved.key);
          onChanged();
        }}
      />
    </Space>
  );
}

import { Alert, Col, Descriptions, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  surveysApi,
  type AnalyticsDrivers,
  type AnalyticsRange,
  type ServqualItem,
  type SurveyDetail,
} from '../../../api/surveys';
import { ErrorState } from '../../../components/states';
import { EChart, type EChartOption } from '../surveyCharts';
import { isScoreQuestion, pickText, surveyLanguageOf } from '../surveyText';
import { ThinTag } from './ScoreCards';
import { useNumberFormat } from './numbers';
import { useLoad } from './useLoad';

/** SERVQUAL: expectation, perception and gap (P − E) per dimension (chart) and per item (table). */
export function ServqualPanel({ survey, range }: { survey: SurveyDetail; range: AnalyticsRange }) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const load = useLoad((s) => surveysApi.servqual(survey.id, range, s), JSON.stringify([survey.id, range]));
  const byTouchpoint = useLoad(
    (s) => surveysApi.expectationByTouchpoint(survey.id, range, s),
    JSON.stringify([survey.id, range]),
  );
  const data = load.data;
  const dimLabel = (d: string) =>
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'].includes(d)
      ? t(`surveys.dimensions.${d as 'tangibles'}`)
      : d;
  const option = useMemo<EChartOption>(() => {
    const dims = data?.dimensions ?? [];
    return {
      title: { text: t('surveys.results.servqualChart'), textStyle: { fontSize: 14 } },
      legend: { top: 0, right: 0 },
      grid: { left: 48, right: 16, top: 48, bottom: 32 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.n(v as number, 2) },
      xAxis: { type: 'category', data: dims.map((d) => dimLabel(d.dimension)) },
      yAxis: { type: 'value', name: t('surveys.results.unitScale7') },
      series: [
        {
          name: t('surveys.results.expectation'),
          type: 'bar',
          data: dims.map((d) => d.expectation),
          itemStyle: { color: '#94a3b8' },
        },
        {
          name: t('surveys.results.perception'),
          type: 'bar',
          data: dims.map((d) => d.perception),
          itemStyle: { color: '#4f46e5' },
        },
        {
          name: t('surveys.results.gap'),
          type: 'bar',
          itemStyle: { color: '#ef4444' },
          data: dims.map((d) => ({
            value: d.gap,
            itemStyle: { color: (d.gap ?? 0) < 0 ? '#ef4444' : '#10b981' },
          })),
        },
      ],
    } as EChartOption;
  }, [data, t, f]);
  if (load.error) return <ErrorState error={load.error} onRetry={load.reload} />;
  return (
    <div data-testid="servqual">
      {data && (
        <Space size={32} wrap style={{ marginBottom: 12 }}>
          <Statistic title={t('surveys.results.servqualUnweighted')} value={f.n(data.unweightedScore, 2)} />
          <Statistic title={t('surveys.results.servqualWeighted')} value={f.n(data.weightedScore, 2)} />
          <Statistic title={t('surveys.results.completed')} value={data.responses} />
        </Space>
      )}
      {data && <EChart option={option} height={280} ariaLabel={t('surveys.results.servqualChart')} />}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('surveys.results.byTouchpointGap')}
      </Typography.Title>
      {byTouchpoint.error ? (
        <ErrorState error={byTouchpoint.error} onRetry={byTouchpoint.reload} />
      ) : (
        <Table
          size="small"
          loading={byTouchpoint.loading}
          rowKey={(r) => r.touchpointKey ?? '_none'}
          dataSource={byTouchpoint.data?.touchpoints ?? []}
          pagination={false}
          data-testid="servqual-touchpoints"
          columns={[
            {
              title: t('surveys.results.byTouchpoint'),
              dataIndex: 'touchpointKey',
              render: (k: string | null) =>
                k ?? <span className="tp-muted">{t('surveys.results.noValue')}</span>,
            },
            {
              title: t('surveys.results.expectation'),
              dataIndex: 'expectation',
              align: 'right',
              render: (v: number | null) => f.n(v, 2),
            },
            {
              title: t('surveys.results.perception'),
              dataIndex: 'perception',
              align: 'right',
              render: (v: number | null) => f.n(v, 2),
            },
            {
              title: t('surveys.results.gap'),
              dataIndex: 'gap',
              align: 'right',
              render: (v: number | null) => (
                <span className="tp-num" style={{ color: (v ?? 0) < 0 ? '#cf1322' : undefined }}>
                  {f.n(v, 2)}
                </span>
              ),
            },
            {
              title: t('surveys.results.itemAnswers'),
              dataIndex: 'answers',
              align: 'right',
              render: (n: number) => <span className="tp-num">{n}</span>,
            },
          ]}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('surveys.results.items')}
      </Typography.Title>
      <Table<ServqualItem>
        size="small"
        loading={load.loading}
        rowKey={(i) => i.questionId ?? String(i.item)}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 700 }}
        columns={[
          {
            title: t('surveys.results.item'),
            dataIndex: 'text',
            render: (x: string | null, i) => x ?? i.questionId,
          },
          { title: t('surveys.results.dimension'), dataIndex: 'dimension', render: dimLabel },
          {
            title: t('surveys.results.expectation'),
            dataIndex: 'expectation',
            align: 'right',
            render: (v: number | null) => f.n(v, 2),
          },
          {
            title: t('surveys.results.perception'),
            dataIndex: 'perception',
            align: 'right',
            render: (v: number | null) => f.n(v, 2),
          },
          {
            title: t('surveys.results.gap'),
            dataIndex: 'gap',
            align: 'right',
            render: (v: number | null, i) => (
              <Space size={4}>
                <span className="tp-num" style={{ color: (v ?? 0) < 0 ? '#cf1322' : undefined }}>
                  {f.n(v, 2)}
                </span>
                <span className="tp-stat-ci">{f.ci(i.ci, 2)}</span>
              </Space>
            ),
          },
          {
            title: 'n',
            dataIndex: 'n',
            align: 'right',
            render: (n: number, i) => (
              <Space size={4}>
                {n}
                <ThinTag thin={i.thin ?? n < 30} />
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}

/** The satisfaction index (0–100) and its weighted components. */
export function IndexPanel({ survey, range }: { survey: SurveyDetail; range: AnalyticsRange }) {
  const { t, i18n } = useTranslation();
  const f = useNumberFormat();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const load = useLoad((s) => surveysApi.index(survey.id, range, s), JSON.stringify([survey.id, range]));
  if (load.error) return <ErrorState error={load.error} onRetry={load.reload} />;
  const data = load.data;
  const result = data?.result;
  const nameOf = (key: string) =>
    pickText(data?.components.find((c) => c.key === key)?.name, language) || key;
  return (
    <div data-testid="index-panel">
      <Row gutter={16} align="middle">
        <Col xs={24} md={6}>
          <Statistic
            title={t('surveys.results.indexValue')}
            value={f.n(result?.index ?? null, 1)}
            suffix="/ 100"
            loading={load.loading}
          />
          {result && !result.complete && <Tag color="orange">{t('surveys.results.indexIncomplete')}</Tag>}
        </Col>
        <Col xs={24} md={18}>
          <Table
            size="small"
            loading={load.loading}
            rowKey="key"
            pagination={false}
            dataSource={result?.components ?? []}
            columns={[
              { title: t('surveys.results.component'), dataIndex: 'key', render: nameOf },
              {
                title: t('surveys.results.componentScore'),
                dataIndex: 'score',
                align: 'right',
                render: (v: number | null) => f.n(v, 1),
              },
              {
                title: t('surveys.builder.weight'),
                dataIndex: 'weight',
                align: 'right',
                render: (v: number | null) => f.pct(v, 0),
              },
              {
                title: t('surveys.results.contribution'),
                dataIndex: 'contribution',
                align: 'right',
                render: (v: number | null) => f.n(v, 1),
              },
              {
                title: 'n',
                key: 'n',
                align: 'right',
                render: (_: unknown, c: { items: { n: number | null }[] }) =>
                  Math.max(0, ...c.items.map((i) => i.n ?? 0)),
              },
            ]}
          />
        </Col>
      </Row>
    </div>
  );
}

const QUADRANT_COLORS: Record<string, string> = {
  'improve-first': '#ef4444',
  keep: '#10b981',
  maintain: '#0ea5e9',
  'low-priority': '#94a3b8',
};

/** Drivers: relative weights on the outcome, R² with its F-test, and the importance × performance matrix. */
export function DriversPanel({ survey, range }: { survey: SurveyDetail; range: AnalyticsRange }) {
  const { t, i18n } = useTranslation();
  const f = useNumberFormat();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const candidates = survey.definition.questions.filter(
    (q) => isScoreQuestion(q) || q.type === 'expectation_perception',
  );
  const primary = survey.definition.primaryQuestionId;
  const initial =
    survey.definition.drivers?.outcome ??
    (primary && candidates.some((q) => q.id === primary)
      ? primary
      : (candidates.find((q) => q.id === 'overall') ?? candidates[candidates.length - 1])?.id);
  const [outcome, setOutcome] = useState<string | undefined>(initial);
  const load = useLoad(
    (s) => surveysApi.drivers(survey.id, { ...range, ...(outcome ? { outcome } : {}) }, s),
    JSON.stringify([survey.id, range, outcome]),
  );
  const data: AnalyticsDrivers | null = load.data;
  const textOf = (id: string) =>
    pickText(survey.definition.questions.find((q) => q.id === id)?.text, language) || id;
  const option = useMemo<EChartOption>(() => {
    const items = data?.priority.items ?? [];
    const cutI = data?.priority.importanceCut;
    const cutP = data?.priority.performanceCut;
    return {
      title: { text: t('surveys.results.priorityMatrix'), top: 0, textStyle: { fontSize: 14 } },
      grid: { left: 56, right: 120, top: 64, bottom: 48 },
      tooltip: {
        formatter: (p: unknown) => {
          const d = (p as { data: { name: string; value: [number, number]; quadrant: string } }).data;
          return `<b>${d.name}</b><br/>${t('surveys.results.importance')}: ${f.n(d.value[0], 1)}%<br/>${t('surveys.results.performance')}: ${f.n(d.value[1], 1)}<br/>${t(`surveys.results.quadrants.${d.quadrant as 'keep'}`)}`;
        },
      },
      xAxis: {
        type: 'value',
        name: t('surveys.results.importanceAxis'),
        nameLocation: 'middle',
        nameGap: 28,
        scale: true,
      },
      yAxis: { type: 'value', name: t('surveys.results.performanceAxis'), scale: true },
      series: [
        {
          type: 'scatter',
          symbolSize: 14,
          data: items.map((i) => ({
            name: textOf(i.key),
            value: [i.importance, i.performance],
            quadrant: i.quadrant,
            itemStyle: { color: QUADRANT_COLORS[i.quadrant] ?? '#4f46e5' },
          })),
          label: {
            show: true,
            position: 'right',
            formatter: (p: { name: string }) => p.name.slice(0, 14),
            fontSize: 11,
          },
          markLine: {
            silent: true,
            symbol: 'none',
            label: { show: false },
            lineStyle: { type: 'dashed', color: '#94a3b8' },
            data: [
              ...(cutI !== null && cutI !== undefined ? [{ xAxis: cutI }] : []),
              ...(cutP !== null && cutP !== undefined ? [{ yAxis: cutP }] : []),
            ],
          },
        },
      ],
    } as EChartOption;
  }, [data, t, f]);
  return (
    <div data-testid="drivers-panel">
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>{t('surveys.results.outcome')}</Typography.Text>
        <Select
          style={{ minWidth: 260 }}
          value={outcome}
          onChange={setOutcome}
          aria-label={t('surveys.results.outcome')}
          options={candidates.map((q) => ({ value: q.id, label: `${q.id} · ${pickText(q.text, language)}` }))}
        />
      </Space>
      {load.error ? (
        <ErrorState error={load.error} onRetry={load.reload} title={t('surveys.results.driversFailed')} />
      ) : data ? (
        <Row gutter={16}>
          <Col xs={24} xl={14}>
            <EChart
              option={option}
              height={340}
              ariaLabel={t('surveys.results.priorityMatrix')}
              data-testid="priority-matrix"
            />
          </Col>
          <Col xs={24} xl={10}>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label="R²">{f.n(data.rSquared, 3)}</Descriptions.Item>
              <Descriptions.Item label={t('surveys.results.adjR2')}>
                {f.n(data.adjustedRSquared, 3)}
              </Descriptions.Item>
              <Descriptions.Item label="F / p">
                {f.n(data.fStatistic, 2)} / {f.n(data.pValue, 4)}{' '}
                {data.significant !== null && (
                  <Tag color={data.significant ? 'green' : 'default'}>
                    {t(data.significant ? 'surveys.results.significant' : 'surveys.results.notSignificant')}
                  </Tag>
                )}
              </Descriptions.Item>
              <Descriptions.Item label="n">
                {data.n ?? 0} {data.dropped ? t('surveys.results.dropped', { count: data.dropped }) : ''}
              </Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              style={{ marginTop: 12 }}
              rowKey="name"
              pagination={false}
              dataSource={[...data.weights].sort((a, b) => a.rank - b.rank)}
              columns={[
                { title: '#', dataIndex: 'rank', width: 40 },
                { title: t('surveys.results.attribute'), dataIndex: 'name', render: textOf },
                {
                  title: t('surveys.results.relativeWeight'),
                  dataIndex: 'rescaledWeight',
                  align: 'right',
                  render: (v: number | null) => (v === null ? f.n(v) : `${f.n(v, 1)}%`),
                },
              ]}
            />
          </Col>
        </Row>
      ) : (
        load.loading && <Alert type="info" title={t('common.loading')} />
      )}
    </div>
  );
}

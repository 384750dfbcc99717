import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Segmented, Select, Skeleton, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { surveysApi, type AnalyticsRange, type Granularity, type SurveyDetail } from '../../../api/surveys';
import { EmptyState, ErrorState } from '../../../components/states';
import { useSession } from '../../../session/SessionContext';
import { isScoreQuestion, pickText, surveyLanguageOf } from '../surveyText';
import { BreakdownPanel } from './BreakdownPanel';
import { DriversPanel, IndexPanel, ServqualPanel } from './ModelPanels';
import { ClosedLoopPanel, FunnelPanel, TextPanel } from './ResponsePanels';
import { ScoreCards } from './ScoreCards';
import { TrendChart } from './TrendChart';
import { useLoad } from './useLoad';
import { usePickers } from '../usePickers';

type Preset = '7d' | '30d' | '90d' | '365d' | 'custom';
const DAYS: Record<Exclude<Preset, 'custom'>, number> = { '7d': 7, '30d': 30, '90d': 90, '365d': 365 };

/**
 * Results: headline scores with 95% intervals, trends with bands and significance markers, breakdowns with counts,
 * SERVQUAL gaps, the satisfaction index, driver priorities, response rate and drop-off, open answers with
 * negative topics, closed-loop flags, and CSV/XLSX export.
 */
export function ResultsTab({ survey }: { survey: SurveyDetail }) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const [preset, setPreset] = useState<Preset>('90d');
  const [custom, setCustom] = useState<[Dayjs, Dayjs] | null>(null);
  const [granularity, setGranularity] = useState<Granularity>('week');
  const [generation, setGeneration] = useState(0);
  const [channel, setChannel] = useState<string | undefined>();
  const [touchpointKey, setTouchpointKey] = useState<string | undefined>();
  const pickers = usePickers();
  const def = survey.definition;
  const scoreQs = def.questions.filter(isScoreQuestion);
  const [trendQ, setTrendQ] = useState<string | undefined>(
    def.primaryQuestionId && def.primaryQuestionId !== '_index' ? def.primaryQuestionId : scoreQs[0]?.id,
  );

  // The range is fixed when chosen (not "now" on every render), so panels load once per choice.
  const range = useMemo<AnalyticsRange>(() => {
    const filters = { ...(channel ? { channel } : {}), ...(touchpointKey ? { touchpointKey } : {}) };
    if (preset === 'custom' && custom)
      return {
        from: custom[0].startOf('day').toISOString(),
        to: custom[1].endOf('day').toISOString(),
        ...filters,
      };
    const days = preset === 'custom' ? 90 : DAYS[preset];
    const to = dayjs().add(1, 'minute');
    return { from: to.subtract(days, 'day').toISOString(), to: to.toISOString(), ...filters };
  }, [preset, custom, generation, channel, touchpointKey]);

  const summary = useLoad((s) => surveysApi.summary(survey.id, range, s), JSON.stringify([survey.id, range]));
  const trendQuestion = trendQ ?? (def.primaryQuestionId ? '_primary' : undefined);
  const trend = useLoad(
    (s) =>
      surveysApi.trend(
        survey.id,
        { ...range, granularity, ...(trendQuestion ? { questionId: trendQuestion } : {}) },
        s,
      ),
    JSON.stringify([survey.id, range, granularity, trendQuestion]),
  );
  const hasEp = def.questions.some((q) => q.type === 'expectation_perception');
  const hasScores = scoreQs.length > 0 || hasEp;
  const trendTitle =
    trendQuestion === '_primary' || !trendQuestion
      ? t('surveys.results.trendPrimary')
      : t('surveys.results.trendOf', {
          question: pickText(def.questions.find((q) => q.id === trendQuestion)?.text, language),
        });

  const toolbar = (
    <Space wrap style={{ marginBottom: 16 }}>
      <Segmented<Preset>
        value={preset}
        onChange={setPreset}
        options={[
          { value: '7d', label: t('surveys.results.last7') },
          { value: '30d', label: t('surveys.results.last30') },
          { value: '90d', label: t('surveys.results.last90') },
          { value: '365d', label: t('surveys.results.last365') },
          { value: 'custom', label: t('surveys.results.custom') },
        ]}
      />
      {preset === 'custom' && (
        <DatePicker.RangePicker
          value={custom}
          onChange={(v) => setCustom(v && v[0] && v[1] ? [v[0], v[1]] : null)}
          disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')}
        />
      )}
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        style={{ minWidth: 150 }}
        placeholder={t('surveys.results.allChannels')}
        aria-label={t('surveys.results.byChannel')}
        value={channel}
        onChange={setChannel}
        options={pickers.channels}
      />
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        style={{ minWidth: 170 }}
        placeholder={t('surveys.results.allTouchpoints')}
        aria-label={t('surveys.results.byTouchpoint')}
        value={touchpointKey}
        onChange={setTouchpointKey}
        options={pickers.touchpoints}
      />
      <Button
        icon={<ReloadOutlined />}
        onClick={() => setGeneration((g) => g + 1)}
        aria-label={t('common.refresh')}
      >
        {t('common.refresh')}
      </Button>
      {can('surveys.export') && (
        <>
          <Button
            icon={<DownloadOutlined />}
            href={surveysApi.exportUrl(survey.id, 'csv')}
            data-testid="export-csv"
          >
            CSV
          </Button>
          <Button
            icon={<DownloadOutlined />}
            href={surveysApi.exportUrl(survey.id, 'xlsx')}
            data-testid="export-xlsx"
          >
            XLSX
          </Button>
        </>
      )}
    </Space>
  );

  if (summary.error)
    return (
      <>
        {toolbar}
        <ErrorState error={summary.error} onRetry={summary.reload} />
      </>
    );
  if (!summary.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  const s = summary.data;
  const empty = s.responses.completed === 0 && s.responses.partial === 0;

  return (
    <div data-testid="survey-results">
      {toolbar}
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('surveys.results.timeZone', { zone: s.timeZone })}
      </Typography.Paragraph>
      {empty ? (
        <Card>
          <EmptyState
            title={t('surveys.results.emptyTitle')}
            text={t(survey.status === 'live' ? 'surveys.results.emptyLive' : 'surveys.results.emptyDraft')}
          />
        </Card>
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <ScoreCards summary={s} definition={def} />
          {hasScores && scoreQs.length + (def.primaryQuestionId ? 1 : 0) > 0 && (
            <Card
              title={t('surveys.results.trend')}
              extra={
                <Space wrap>
                  <Select
                    style={{ minWidth: 220 }}
                    value={trendQuestion}
                    onChange={setTrendQ}
                    aria-label={t('surveys.results.question')}
                    options={[
                      ...(def.primaryQuestionId
                        ? [{ value: '_primary', label: t('surveys.results.trendPrimary') }]
                        : []),
                      ...scoreQs.map((q) => ({
                        value: q.id,
                        label: `${q.id} · ${pickText(q.text, language)}`,
                      })),
                    ]}
                  />
                  <Segmented<Granularity>
                    value={granularity}
                    onChange={setGranularity}
                    options={[
                      { value: 'day', label: t('surveys.results.day') },
                      { value: 'week', label: t('surveys.results.week') },
                      { value: 'month', label: t('surveys.results.month') },
                    ]}
                  />
                </Space>
              }
            >
              {trend.error ? (
                <ErrorState error={trend.error} onRetry={trend.reload} />
              ) : trend.data ? (
                <>
                  <TrendChart trend={trend.data} title={trendTitle} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('surveys.results.trendLegend')}
                  </Typography.Text>
                </>
              ) : (
                <Skeleton active />
              )}
            </Card>
          )}
          {(scoreQs.length > 0 || def.primaryQuestionId) && (
            <Card title={t('surveys.results.breakdown')}>
              <BreakdownPanel survey={survey} range={range} questionId={trendQuestion} />
            </Card>
          )}
          {def.index && (
            <Card title={t('surveys.results.index')}>
              <IndexPanel survey={survey} range={range} />
            </Card>
          )}
          {hasEp && (
            <Card title={t('surveys.results.servqual')}>
              <ServqualPanel survey={survey} range={range} />
            </Card>
          )}
          {scoreQs.length + def.questions.filter((q) => q.type === 'expectation_perception').length >= 2 && (
            <Card title={t('surveys.results.drivers')}>
              <DriversPanel survey={survey} range={range} />
            </Card>
          )}
          <Card title={t('surveys.results.funnel')}>
            <FunnelPanel survey={survey} range={range} />
          </Card>
          <Card title={t('surveys.results.texts')}>
            <TextPanel survey={survey} range={range} />
          </Card>
          <Card title={t('surveys.results.closedLoop')}>
            <ClosedLoopPanel survey={survey} />
          </Card>
        </Space>
      )}
      {!hasScores && !empty && <Alert type="info" showIcon title={t('surveys.results.noScores')} />}
    </div>
  );
}

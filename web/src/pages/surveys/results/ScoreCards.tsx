import { Card, Col, Row, Space, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AnalyticsSummary, MetricSummary, NpsResult, SurveyDefinition } from '../../../api/surveys';
import { pickText, surveyLanguageOf } from '../surveyText';
import { useNumberFormat } from './numbers';

/** Promoters / passives / detractors as one stacked bar, with shares and counts. */
export function NpsBar({ nps }: { nps: NpsResult }) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const parts = [
    { key: 'detractors', share: nps.detractorShare ?? 0, count: nps.detractors, color: '#ef4444' },
    { key: 'passives', share: nps.passiveShare ?? 0, count: nps.passives, color: '#a3a3a3' },
    { key: 'promoters', share: nps.promoterShare ?? 0, count: nps.promoters, color: '#10b981' },
  ] as const;
  return (
    <div>
      <div
        className="tp-nps-bar"
        role="img"
        aria-label={parts.map((p) => `${t(`surveys.results.${p.key}`)} ${f.pct(p.share)}`).join(', ')}
      >
        {parts.map((p) =>
          p.share > 0 ? (
            <Tooltip
              key={p.key}
              title={`${t(`surveys.results.${p.key}`)}: ${f.pct(p.share, 1)} (${p.count})`}
            >
              <div style={{ width: `${p.share * 100}%`, background: p.color }}>
                {p.share >= 0.12 ? f.pct(p.share) : ''}
              </div>
            </Tooltip>
          ) : null,
        )}
      </div>
      <Space size={12} wrap style={{ marginTop: 6, fontSize: 12 }}>
        {parts.map((p) => (
          <span key={p.key}>
            <span
              style={{
                display: 'inline-block',
                width: 8,
                height: 8,
                borderRadius: 4,
                background: p.color,
                marginRight: 4,
              }}
            />
            {t(`surveys.results.${p.key}`)} {f.pct(p.share)} ({p.count})
          </span>
        ))}
      </Space>
    </div>
  );
}

/** "thin" marks estimates on fewer than 30 answers: wide intervals, read with care. */
export function ThinTag({ thin }: { thin: boolean | undefined }) {
  const { t } = useTranslation();
  if (!thin) return null;
  return (
    <Tooltip title={t('surveys.results.thinHelp')}>
      <Tag color="orange" data-testid="thin-cell">
        {t('surveys.results.thin')}
      </Tag>
    </Tooltip>
  );
}

/** The headline of one score: NPS points, top-2-box % (CSAT/CES) or mean (ratings), with its 95% interval. */
export function headlineOf(m: MetricSummary): {
  value: number | null;
  unit: string;
  ci: { lower: number; upper: number } | null;
  thin: boolean;
} {
  if (m.nps) return { value: m.nps.score, unit: '', ci: m.nps.ci, thin: m.nps.thin };
  if (m.rating && (m.metric === 'csat' || m.metric === 'ces'))
    return {
      value: m.rating.topBox?.percent ?? null,
      unit: '%',
      ci: m.rating.topBox?.percentCi ?? null,
      thin: m.rating.thin,
    };
  if (m.rating) return { value: m.rating.mean, unit: '', ci: m.rating.ci, thin: m.rating.thin };
  return { value: m.mean?.mean ?? null, unit: '', ci: m.mean?.ci ?? null, thin: (m.mean?.n ?? 0) < 30 };
}

function ScoreCard({
  q,
  definition,
}: {
  q: AnalyticsSummary['questions'][number];
  definition: SurveyDefinition;
}) {
  const { t, i18n } = useTranslation();
  // The API names questions in the survey's default language; the console shows the reader's.
  const text =
    pickText(
      definition.questions.find((x) => x.id === q.questionId)?.text,
      surveyLanguageOf(i18n.resolvedLanguage),
    ) || q.text;
  const f = useNumberFormat();
  const h = headlineOf(q);
  const title =
    q.type === 'nps'
      ? 'NPS'
      : q.type === 'csat'
        ? 'CSAT'
        : q.type === 'ces'
          ? 'CES'
          : t('surveys.types.rating');
  return (
    <Card size="small" className="tp-score-card" data-testid={`score-${q.questionId}`}>
      <Space direction="vertical" style={{ width: '100%' }} size={4}>
        <Space>
          <Typography.Text strong>{title}</Typography.Text>
          <ThinTag thin={h.thin} />
        </Space>
        <Typography.Text type="secondary" ellipsis={{ tooltip: text }}>
          {text}
        </Typography.Text>
        <Statistic
          value={h.value === null ? t('common.none') : f.n(h.value, 1)}
          suffix={h.value === null ? undefined : h.unit}
        />
        <span className="tp-stat-ci">
          {t('surveys.results.ci95', { ci: f.ci(h.ci) })} · {t('surveys.results.nAnswers', { count: q.n })}
        </span>
        {q.nps && <NpsBar nps={q.nps} />}
        {q.rating && (q.metric === 'csat' || q.metric === 'ces') && (
          <span className="tp-stat-ci">
            {t(q.metric === 'csat' ? 'surveys.results.csatTopBox' : 'surveys.results.cesTopBox')} ·{' '}
            {t('surveys.results.mean', { mean: f.n(q.rating.mean, 2), ci: f.ci(q.rating.ci, 2) })}
          </span>
        )}
        {q.rating && q.metric === 'rating' && (
          <span className="tp-stat-ci">
            {t('surveys.results.topBox', { pct: f.n(q.rating.topBox?.percent ?? null, 0) })}
          </span>
        )}
      </Space>
    </Card>
  );
}

/** Responses and one card per score question. */
export function ScoreCards({
  summary,
  definition,
}: {
  summary: AnalyticsSummary;
  definition: SurveyDefinition;
}) {
  const { t } = useTranslation();
  const f = useNumberFormat();
  const score100 = summary.primary.score100.mean;
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} sm={12} xl={6}>
        <Card size="small" className="tp-score-card" data-testid="responses-card">
          <Statistic title={t('surveys.results.completed')} value={summary.responses.completed} />
          <span className="tp-stat-ci">
            {t('surveys.results.partial', { count: summary.responses.partial })}
          </span>
          {score100 && score100.mean !== null && (
            <div className="tp-stat-ci" style={{ marginTop: 8 }}>
              {t('surveys.results.score100Line', { score: f.n(score100.mean, 1), ci: f.ci(score100.ci) })}
            </div>
          )}
        </Card>
      </Col>
      {summary.questions.map((q) => (
        <Col xs={24} sm={12} xl={6} key={q.questionId}>
          <ScoreCard q={q} definition={definition} />
        </Col>
      ))}
    </Row>
  );
}

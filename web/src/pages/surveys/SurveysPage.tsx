import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import {
  surveysApi,
  type AnalyticsSummary,
  type Survey,
  type SurveyStatus,
  type SurveyTemplate,
} from '../../api/surveys';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { CreateSurveyModal } from './CreateSurveyModal';
import { StatusTag } from './StatusTag';
import { pickText, surveyLanguageOf } from './surveyText';
import './surveys.css';

type StatusFilter = 'all' | SurveyStatus;

/** NPS / CSAT / CES at a glance for one survey row, from the summary endpoint (last 90 days). */
function Glance({ survey }: { survey: Survey }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [summary, setSummary] = useState<AnalyticsSummary | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (survey.status === 'draft') return;
    const controller = new AbortController();
    surveysApi
      .summary(survey.id, {}, controller.signal)
      .then(setSummary)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setFailed(true);
      });
    return () => controller.abort();
  }, [survey.id, survey.status]);
  if (survey.status === 'draft') return <span className="tp-muted">{t('surveys.list.notLive')}</span>;
  if (failed) return <span className="tp-muted">{t('common.none')}</span>;
  if (!summary) return <span className="tp-muted">…</span>;
  const metric = summary.primary.metric;
  const responses = summary.responses.completed;
  let headline = t('common.none');
  let label = '';
  if (metric?.nps && metric.nps.score !== null) {
    label = 'NPS';
    headline = format.number(Math.round(metric.nps.score));
  } else if (
    (metric?.metric === 'csat' || metric?.metric === 'ces') &&
    metric.rating?.topBox?.percent != null
  ) {
    label = metric.metric.toUpperCase();
    headline = `${format.number(Math.round(metric.rating.topBox.percent))}%`;
  } else if (metric?.rating?.mean != null) {
    label = t('surveys.types.rating');
    headline = format.number(Math.round(metric.rating.mean * 10) / 10);
  } else if (summary.primary.score100.mean?.mean != null) {
    label = t('surveys.results.score100');
    headline = format.number(Math.round(summary.primary.score100.mean.mean));
  }
  return (
    <Space size={12} data-testid="survey-glance">
      <Tooltip title={t('surveys.list.responsesHint')}>
        <span className="tp-num">{t('surveys.list.responsesCount', { count: responses })}</span>
      </Tooltip>
      {label && (
        <Tag color="blue" className="tp-num">
          {label} {headline}
        </Tag>
      )}
    </Space>
  );
}

function SurveyList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as StatusFilter | null) ?? 'all';
  const [creating, setCreating] = useState<{ template: string | null } | null>(
    params.get('new') !== null ? { template: params.get('new') || null } : null,
  );
  const [templates, setTemplates] = useState<SurveyTemplate[]>([]);
  const language = surveyLanguageOf(i18n.resolvedLanguage);

  useEffect(() => {
    const controller = new AbortController();
    surveysApi
      .templates(controller.signal)
      .then((r) => setTemplates(r.data))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);

  const list = useCursorList<Survey>(
    ({ cursor, signal }) =>
      surveysApi.list({ status: status === 'all' ? undefined : status }, { cursor, signal, limit: 50 }),
    status,
  );

  const templateName = (key: string | null) => {
    if (!key) return t('surveys.list.custom');
    const tpl = templates.find((x) => x.key === key);
    return tpl ? pickText(tpl.name, language) : key;
  };

  const columns: ColumnsType<Survey> = [
    {
      title: t('surveys.list.columns.name'),
      dataIndex: 'name',
      render: (_: unknown, s) => (
        <span className="tp-survey-cell">
          <Link to={`/surveys/${encodeURIComponent(s.id)}`} className="tp-survey-name">
            {pickText(s.name, language, s.defaultLanguage) || s.key}
          </Link>
          <Typography.Text type="secondary" className="tp-mono">
            {s.key} · v{s.currentVersion}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: t('surveys.list.columns.status'),
      dataIndex: 'status',
      render: (value: SurveyStatus) => <StatusTag status={value} />,
    },
    {
      title: t('surveys.list.columns.type'),
      dataIndex: 'template',
      responsive: ['lg'],
      render: (key: string | null) => templateName(key),
    },
    {
      title: t('surveys.list.columns.touchpoint'),
      dataIndex: 'touchpointKey',
      render: (key: string | null) =>
        key ? <Tag>{key}</Tag> : <span className="tp-muted">{t('common.none')}</span>,
    },
    {
      title: t('surveys.list.columns.results'),
      key: 'glance',
      render: (_: unknown, s) => <Glance survey={s} />,
    },
    {
      title: t('surveys.list.columns.updated'),
      dataIndex: 'updatedAt',
      responsive: ['xl'],
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
  ];

  const npsTemplate = templates.find((x) => x.key === 'nps-relationship');
  const empty =
    status === 'all' ? (
      <EmptyState
        title={t('surveys.list.emptyTitle')}
        text={t('surveys.list.emptyText')}
        action={
          can('surveys.manage') && (
            <Space wrap>
              <Button
                type="primary"
                onClick={() => setCreating({ template: npsTemplate?.key ?? 'nps-relationship' })}
                data-testid="empty-create-nps"
              >
                {t('surveys.list.emptyNps')}
              </Button>
              <Button onClick={() => setCreating({ template: null })}>{t('surveys.list.create')}</Button>
            </Space>
          )
        }
      />
    ) : (
      <EmptyState title={t('surveys.list.emptyFiltered')} />
    );

  return (
    <div className="tp-page">
      <PageHeader
        title={t('surveys.list.title')}
        description={t('surveys.list.description')}
        extra={
          can('surveys.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating({ template: null })}
              data-testid="create-survey"
            >
              {t('surveys.list.create')}
            </Button>
          )
        }
      />
      <Card>
        <Segmented<StatusFilter>
          value={status}
          onChange={(value) => setParams(value === 'all' ? {} : { status: value })}
          options={[
            { value: 'all', label: t('surveys.list.all') },
            { value: 'live', label: t('surveys.status.live') },
            { value: 'draft', label: t('surveys.status.draft') },
            { value: 'closed', label: t('surveys.status.closed') },
          ]}
          style={{ marginBottom: 16 }}
        />
        <ListTable<Survey>
          list={list}
          rowKey="id"
          columns={columns}
          empty={empty}
          scroll={{ x: 900 }}
          data-testid="surveys-table"
        />
      </Card>
      {creating && (
        <CreateSurveyModal
          templates={templates}
          initialTemplate={creating.template}
          onClose={() => setCreating(null)}
          onCreated={(survey) => navigate(`/surveys/${encodeURIComponent(survey.id)}`)}
        />
      )}
    </div>
  );
}

export function SurveysPage() {
  return (
    <RequirePermission permission="surveys.read">
      <SurveyList />
    </RequirePermission>
  );
}

import { ArrowLeftOutlined, DeleteOutlined, PauseCircleOutlined, SendOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Skeleton, Space, Tabs, Tag, Tooltip } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { surveysApi, type SurveyDetail } from '../../api/surveys';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useErrorMessage } from '../../lib/errors';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { StatusTag } from './StatusTag';
import { pickText, surveyLanguageOf } from './surveyText';
import './surveys.css';

// Each tab is its own chunk: results carry the charts, the builder carries the editors.
const BuilderTab = lazy(() => import('./builder/BuilderTab').then((m) => ({ default: m.BuilderTab })));
const PreviewTab = lazy(() => import('./PreviewTab').then((m) => ({ default: m.PreviewTab })));
const DistributionTab = lazy(() => import('./DistributionTab').then((m) => ({ default: m.DistributionTab })));
const ResultsTab = lazy(() => import('./results/ResultsTab').then((m) => ({ default: m.ResultsTab })));

const TABS = ['builder', 'preview', 'distribution', 'results'] as const;
type Tab = (typeof TABS)[number];

function SurveyView() {
  const { id = '', tab } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { can } = useSession();
  const { message, modal } = App.useApp();
  const dirty = useRef(false);
  const setDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);
  const messageOf = useErrorMessage();
  const [survey, setSurvey] = useState<SurveyDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const active: Tab = (TABS as readonly string[]).includes(tab ?? '')
    ? (tab as Tab)
    : survey && survey.status !== 'draft'
      ? 'results'
      : 'builder';

  const load = useCallback(
    (signal?: AbortSignal) => {
      setError(null);
      surveysApi
        .get(id, signal)
        .then(setSurvey)
        .catch((e: unknown) => {
          if (!(e instanceof DOMException)) setError(e);
        });
    },
    [id],
  );
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  if (error)
    return <ErrorState error={error} onRetry={() => load()} title={t('surveys.detail.loadFailed')} />;
  if (!survey) return <Skeleton active paragraph={{ rows: 8 }} />;

  const remove = async () => {
    setBusy(true);
    try {
      await surveysApi.remove(survey.id);
      void message.success(t('surveys.detail.deleted'));
      navigate('/surveys');
    } catch (e) {
      void message.error(messageOf(e));
      setBusy(false);
    }
  };

  const openTab = (key: string) => {
    const go = () => {
      dirty.current = false;
      navigate(`/surveys/${encodeURIComponent(survey.id)}/${key}`);
    };
    if (!dirty.current) return go();
    modal.confirm({
      title: t('surveys.detail.leaveTitle'),
      content: t('surveys.detail.leaveText'),
      okText: t('surveys.detail.leave'),
      cancelText: t('common.cancel'),
      onOk: go,
    });
  };

  const changeStatus = async (action: 'publish' | 'close') => {
    setBusy(true);
    try {
      const next =
        action === 'publish' ? await surveysApi.publish(survey.id) : await surveysApi.close(survey.id);
      setSurvey({ ...survey, ...next });
      void message.success(t(action === 'publish' ? 'surveys.detail.published' : 'surveys.detail.closed'));
    } catch (e) {
      void message.error(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const manage = can('surveys.manage');
  const actions = (
    <Space wrap>
      <Tooltip title={t('surveys.detail.versionHelp')}>
        <Tag data-testid="survey-version">
          {t('surveys.detail.version', { version: survey.currentVersion })}
        </Tag>
      </Tooltip>
      <StatusTag status={survey.status} />
      {manage && survey.status !== 'live' && (
        <Popconfirm
          title={t(
            survey.status === 'draft' ? 'surveys.detail.publishConfirm' : 'surveys.detail.reopenConfirm',
          )}
          onConfirm={() => void changeStatus('publish')}
          okText={t('surveys.detail.publish')}
          cancelText={t('common.cancel')}
        >
          <Button type="primary" icon={<SendOutlined />} loading={busy} data-testid="publish-survey">
            {t(survey.status === 'draft' ? 'surveys.detail.publish' : 'surveys.detail.reopen')}
          </Button>
        </Popconfirm>
      )}
      {manage && survey.status === 'draft' && !survey.publishedAt && (
        <Popconfirm
          title={t('surveys.detail.deleteConfirm')}
          onConfirm={() => void remove()}
          okText={t('surveys.detail.delete')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
        >
          <Button danger icon={<DeleteOutlined />} loading={busy} aria-label={t('surveys.detail.delete')} />
        </Popconfirm>
      )}
      {manage && survey.status === 'live' && (
        <Popconfirm
          title={t('surveys.detail.closeConfirm')}
          onConfirm={() => void changeStatus('close')}
          okText={t('surveys.detail.close')}
          cancelText={t('common.cancel')}
        >
          <Button icon={<PauseCircleOutlined />} loading={busy} data-testid="close-survey">
            {t('surveys.detail.close')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );

  const content = (which: Tab) => {
    switch (which) {
      case 'builder':
        return <BuilderTab survey={survey} onSaved={setSurvey} onDirtyChange={setDirty} />;
      case 'preview':
        return <PreviewTab survey={survey} />;
      case 'distribution':
        return <DistributionTab survey={survey} onSaved={setSurvey} />;
      case 'results':
        return <ResultsTab survey={survey} />;
    }
  };

  return (
    <div className="tp-page">
      <Link to="/surveys" className="tp-muted">
        <ArrowLeftOutlined /> {t('surveys.detail.back')}
      </Link>
      <PageHeader
        title={pickText(survey.name, language, survey.defaultLanguage) || survey.key}
        description={
          <span className="tp-mono">
            {survey.key}
            {survey.touchpointKey
              ? ` · ${t('surveys.detail.touchpoint', { key: survey.touchpointKey })}`
              : ''}
          </span>
        }
        extra={actions}
      />
      <Tabs
        activeKey={active}
        onChange={openTab}
        destroyOnHidden
        items={TABS.filter((k) => k !== 'distribution' || can('surveys.distribute')).map((key) => ({
          key,
          label: <span data-testid={`tab-${key}`}>{t(`surveys.tabs.${key}`)}</span>,
          children: (
            <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>{content(key)}</Suspense>
          ),
        }))}
      />
    </div>
  );
}

export function SurveyPage() {
  return (
    <RequirePermission permission="surveys.read">
      <SurveyView />
    </RequirePermission>
  );
}

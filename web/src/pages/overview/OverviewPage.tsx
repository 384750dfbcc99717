import { ReloadOutlined, RocketOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Col, Row, Skeleton, Space, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router-dom';
import { journeysApi, type DayRange, type Journey, type Touchpoint } from '../../api/journeys';
import { overviewApi, type SurveyListItem } from '../../api/overview';
import { surveysApi } from '../../api/surveys';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';
import '../journeys/journeys.css';
import { lastDays, PeriodPicker, previousRange, useLoad, useWorkspaceTimeZone } from '../journeys/shared';
import {
  CasesCard,
  JourneyFunnelCard,
  NegativeTopicsCard,
  overviewJourney,
  PerceptionHeatmapCard,
} from './OverviewCards';
import { DEFAULT_TARGETS, targetsOf, withTargets, type Targets } from './overviewData';
import { ScoreCards, useScoreSources } from './ScoreCards';

interface Basics {
  journeys: Journey[];
  touchpoints: Touchpoint[];
  surveys: SurveyListItem[];
  hasCases: boolean;
  /** Parts the role may not read, or whose API did not answer: their cards say so. */
  unavailable: string[];
}

interface DashboardProps {
  basics: Basics;
  reload: () => void;
  range: DayRange;
  setRange: (range: DayRange) => void;
  compare: boolean;
  setCompare: (compare: boolean) => void;
}

function Dashboard({ basics, reload, range, setRange, compare, setCompare }: DashboardProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { can, current } = useSession();
  const timeZone = useWorkspaceTimeZone();
  const workspaceId = current?.workspace.id ?? '';
  // Targets live in the workspace survey settings, so everyone sees the same gap to target.
  const settings = useLoad((signal) => surveysApi.settings(signal), workspaceId);
  const [edited, setEdited] = useState<Targets | null>(null);
  const [targetsError, setTargetsError] = useState<unknown>(null);
  const targets = edited ?? (settings.status === 'ready' ? targetsOf(settings.data) : DEFAULT_TARGETS);
  const sources = useScoreSources(basics.surveys, range);
  const journey = overviewJourney(basics.journeys);
  const previous = previousRange(range);

  const changeTargets =
    can('surveys.manage') && settings.status === 'ready'
      ? (next: Targets) => {
          setEdited(next);
          setTargetsError(null);
          surveysApi.updateSettings(withTargets(settings.data, next)).catch((err: unknown) => {
            setEdited(null);
            setTargetsError(err);
          });
        }
      : undefined;

  const surveysWithAnswers = sources.status === 'ready' ? sources.data.withResponses : [];

  return (
    <>
      <PageHeader
        title={t('overview.title')}
        description={t('overview.description', { workspace: current?.workspace.name ?? '' })}
        extra={
          <Space wrap>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        }
      />
      <Space orientation="vertical" size={20} style={{ width: '100%' }} data-testid="cx-overview">
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <PeriodPicker value={range} onChange={setRange} testId="overview-period" />
          <Checkbox
            checked={compare}
            onChange={(e) => setCompare(e.target.checked)}
            data-testid="overview-compare"
          >
            {t('overview.compare', {
              from: format.calendarDate(previous.from),
              to: format.calendarDate(previous.to),
            })}
          </Checkbox>
        </Space>
        {basics.unavailable.length > 0 && (
          <Alert
            type="info"
            showIcon
            title={t('overview.unavailable', {
              parts: basics.unavailable
                .map((p) => t(`overview.parts.${p as 'journeys'}`))
                .join(t('overview.listSeparator')),
            })}
          />
        )}
        <ScoreCards
          sources={sources}
          range={range}
          compare={compare}
          targets={targets}
          onTargetsChange={changeTargets}
        />
        {targetsError !== null && (
          <Alert
            type="error"
            showIcon
            message={t('overview.targets.saveFailed')}
            closable
            onClose={() => setTargetsError(null)}
          />
        )}
        <Row gutter={[16, 16]}>
          {can('touchpoints.read') && (
            <Col xs={24} xl={12}>
              <JourneyFunnelCard
                journey={journey}
                touchpoints={basics.touchpoints}
                range={range}
                compare={compare}
              />
            </Col>
          )}
          {can('cases.read') && (
            <Col xs={24} xl={12}>
              <CasesCard range={range} compare={compare} />
            </Col>
          )}
          {can('touchpoints.read') && (
            <Col xs={24} xl={14}>
              <PerceptionHeatmapCard range={range} journey={journey} />
            </Col>
          )}
          {can('surveys.read') && (
            <Col xs={24} xl={10}>
              <NegativeTopicsCard
                surveys={surveysWithAnswers}
                range={range}
                touchpoints={basics.touchpoints}
              />
            </Col>
          )}
        </Row>
        <Typography.Paragraph type="secondary" className="tp-small">
          {t('overview.footnote', { timeZone })}{' '}
          <Link to="/getting-started">{t('overview.gettingStarted')}</Link>
        </Typography.Paragraph>
      </Space>
    </>
  );
}

/**
 * The home page of a workspace with customer-experience data: headline scores, the journey funnel, perception by
 * touchpoint and week, cases and SLA, and what detractors complain about. A workspace without any journey,
 * survey or case yet goes to the getting-started page instead.
 */
export function OverviewPage() {
  const { t } = useTranslation();
  const { can, current } = useSession();
  const timeZone = useWorkspaceTimeZone();
  const [range, setRange] = useState<DayRange>(() => lastDays(timeZone, 30));
  const [compare, setCompare] = useState(true);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const basics = useLoad<Basics | null>(
    async (signal) => {
      if (!current) return null;
      const unavailable: string[] = [];
      const guard = async <T,>(
        part: string,
        allowed: boolean,
        load: () => Promise<T>,
        none: T,
      ): Promise<T> => {
        if (!allowed) return none;
        try {
          return await load();
        } catch (error) {
          if (signal.aborted) throw error;
          unavailable.push(part);
          return none;
        }
      };
      const [journeys, touchpoints, surveys, cases] = await Promise.all([
        guard(
          'journeys',
          can('touchpoints.read'),
          () => journeysApi.journeys(signal).then((r) => r.data),
          [],
        ),
        guard(
          'journeys',
          can('touchpoints.read'),
          () => journeysApi.touchpoints(signal).then((r) => r.data),
          [],
        ),
        guard('surveys', can('surveys.read'), () => overviewApi.surveys(signal).then((r) => r.data), []),
        guard(
          'cases',
          can('cases.read'),
          () => overviewApi.activeCases(null, signal).then((r) => r.data),
          [],
        ),
      ]);
      return {
        journeys,
        touchpoints,
        surveys,
        hasCases: cases.length > 0,
        unavailable: [...new Set(unavailable)],
      };
    },
    `${current?.workspace.id ?? ''}|${generation}`,
  );

  if (!current) return <Navigate to="/getting-started" replace />;
  if (basics.status === 'loading') {
    return (
      <>
        <PageHeader title={t('overview.title')} />
        <Skeleton active paragraph={{ rows: 12 }} />
      </>
    );
  }
  if (basics.status === 'error') {
    return (
      <>
        <PageHeader title={t('overview.title')} />
        <ErrorState error={basics.error} onRetry={reload} />
      </>
    );
  }
  const data = basics.data;
  if (!data) return <Navigate to="/getting-started" replace />;
  const empty =
    data.journeys.length === 0 &&
    data.surveys.length === 0 &&
    !data.hasCases &&
    data.unavailable.length === 0;
  // No customer-experience data yet: the getting-started page is the useful home.
  if (empty) return <Navigate to="/getting-started" replace />;
  return (
    <>
      {data.journeys.length === 0 && data.surveys.length === 0 && (
        <Alert
          type="info"
          showIcon
          icon={<RocketOutlined />}
          style={{ marginBottom: 16 }}
          title={t('overview.setupTitle')}
          description={t('overview.setupText')}
          action={
            <Link to="/getting-started">
              <Button size="small">{t('overview.gettingStarted')}</Button>
            </Link>
          }
          data-testid="overview-setup"
        />
      )}
      {/* A refresh remounts the cards, so each reads its data again. */}
      <Dashboard
        key={generation}
        basics={data}
        reload={reload}
        range={range}
        setRange={setRange}
        compare={compare}
        setCompare={setCompare}
      />
    </>
  );
}

import { ReloadOutlined } from '@ant-design/icons';
import { Button, Skeleton, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { journeysApi, type DayRange, type Journey, type Touchpoint } from '../../api/journeys';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { CatalogueTab } from './CatalogueTab';
import { FunnelTab } from './FunnelTab';
import { HeatmapTab } from './HeatmapTab';
import { JourneyView } from './JourneyView';
import './journeys.css';
import { PathsTab } from './PathsTab';
import { lastDays, useLoad, useWorkspaceTimeZone } from './shared';
import { TemplatesTab } from './TemplatesTab';
import { forgetTouchpoints } from './TouchpointSelect';

const TABS = ['journey', 'catalogue', 'templates', 'funnel', 'paths', 'heatmap'] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return value !== null && (TABS as readonly string[]).includes(value);
}

function Journeys() {
  const { t } = useTranslation();
  const { can } = useSession();
  const canManage = can('touchpoints.manage');
  const timeZone = useWorkspaceTimeZone();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'journey';
  const [range, setRange] = useState<DayRange>(() => lastDays(timeZone, 30));
  const [generation, setGeneration] = useState(0);
  const catalogue = useLoad(async (signal) => {
    const [journeys, touchpoints] = await Promise.all([
      journeysApi.journeys(signal),
      journeysApi.touchpoints(signal),
    ]);
    return { journeys: journeys.data, touchpoints: touchpoints.data };
  }, String(generation));
  const reload = useCallback(() => {
    forgetTouchpoints();
    setGeneration((g) => g + 1);
  }, []);
  const openTab = (next: Tab) =>
    setParams(
      (current) => {
        const copy = new URLSearchParams(current);
        copy.set('tab', next);
        return copy;
      },
      { replace: true },
    );

  // A reload (after an edit or a re-mapping) keeps the tabs on screen with the previous data until the new arrives.
  const [last, setLast] = useState<{ journeys: Journey[]; touchpoints: Touchpoint[] } | null>(null);
  useEffect(() => {
    if (catalogue.status === 'ready') setLast(catalogue.data);
  }, [catalogue]);
  const current = catalogue.status === 'ready' ? catalogue.data : last;
  const journeys: Journey[] = current?.journeys ?? [];
  const touchpoints: Touchpoint[] = current?.touchpoints ?? [];

  const content = (key: Tab) => {
    switch (key) {
      case 'journey':
        return (
          <JourneyView
            journeys={journeys}
            touchpoints={touchpoints}
            range={range}
            onRangeChange={setRange}
            onOpenTemplates={() => openTab('templates')}
            onChanged={reload}
            canManage={canManage}
          />
        );
      case 'catalogue':
        return <CatalogueTab touchpoints={touchpoints} canManage={canManage} onChanged={reload} />;
      case 'templates':
        return (
          <TemplatesTab
            journeys={journeys}
            canManage={canManage}
            onApplied={() => {
              reload();
              openTab('journey');
            }}
          />
        );
      case 'funnel':
        return (
          <FunnelTab journeys={journeys} touchpoints={touchpoints} range={range} onRangeChange={setRange} />
        );
      case 'paths':
        return <PathsTab touchpoints={touchpoints} range={range} onRangeChange={setRange} />;
      case 'heatmap':
        return <HeatmapTab range={range} onRangeChange={setRange} />;
    }
  };

  return (
    <>
      <PageHeader
        title={t('journeys.title')}
        description={t('journeys.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      {catalogue.status === 'error' ? (
        <ErrorState error={catalogue.error} onRetry={reload} />
      ) : !current ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(key) => openTab(key as Tab)}
          destroyOnHidden
          items={TABS.map((key) => ({
            key,
            label: t(`journeys.tabs.${key}`),
            children: content(key),
          }))}
        />
      )}
    </>
  );
}

/** Touchpoints and journeys: the journey flow with health, the catalogue, templates, funnels, paths and heat map. */
export function JourneysPage() {
  return (
    <RequirePermission permission="touchpoints.read">
      <Journeys />
    </RequirePermission>
  );
}

import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../../components/PageHeader';
import { useSession } from '../../../session/SessionContext';
import { RequirePermission } from '../../settings/RequirePermission';
import { useCaseLookups } from '../caseDisplay';
import { CalendarTab } from './CalendarTab';
import { GeneralTab } from './GeneralTab';
import { RulesTab } from './RulesTab';
import { TaxonomyTab } from './TaxonomyTab';
import { TeamsTab } from './TeamsTab';
import { WebhooksTab } from './WebhooksTab';
import '../cases.css';

const TABS = [
  'taxonomy',
  'teams',
  'routing',
  'sla',
  'calendar',
  'escalation',
  'general',
  'webhooks',
] as const;
type TabKey = (typeof TABS)[number];

function Settings() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  // Teams, taxonomy and members name things in the rule editors; a change on one tab is seen on the others.
  const lookups = useCaseLookups();
  const webhooks = can('notifications.manage');
  const requested = params.get('tab');
  const active: TabKey =
    TABS.includes(requested as TabKey) && (requested !== 'webhooks' || webhooks)
      ? (requested as TabKey)
      : 'taxonomy';

  const items = [
    {
      key: 'taxonomy',
      label: t('cases.settings.tabs.taxonomy'),
      children: <TaxonomyTab onSaved={lookups.reload} />,
    },
    { key: 'teams', label: t('cases.settings.tabs.teams'), children: <TeamsTab lookups={lookups} /> },
    {
      key: 'routing',
      label: t('cases.settings.tabs.routing'),
      children: <RulesTab kind="routing" lookups={lookups} />,
    },
    { key: 'sla', label: t('cases.settings.tabs.sla'), children: <RulesTab kind="sla" lookups={lookups} /> },
    { key: 'calendar', label: t('cases.settings.tabs.calendar'), children: <CalendarTab /> },
    {
      key: 'escalation',
      label: t('cases.settings.tabs.escalation'),
      children: <RulesTab kind="escalation" lookups={lookups} />,
    },
    { key: 'general', label: t('cases.settings.tabs.general'), children: <GeneralTab /> },
    ...(webhooks
      ? [{ key: 'webhooks', label: t('cases.settings.tabs.webhooks'), children: <WebhooksTab /> }]
      : []),
  ];

  return (
    <>
      <PageHeader title={t('cases.settings.title')} description={t('cases.settings.description')} />
      <Tabs
        activeKey={active}
        onChange={(key) => setParams(new URLSearchParams({ tab: key }), { replace: true })}
        items={items}
        destroyOnHidden
        data-testid="case-settings-tabs"
      />
    </>
  );
}

/** Service settings (cases.manage): taxonomy, teams, routing, SLA, calendar, escalation, general, webhooks. */
export function CaseSettingsPage() {
  return (
    <RequirePermission permission="cases.manage">
      <Settings />
    </RequirePermission>
  );
}

import {
  BarChartOutlined,
  PlusOutlined,
  ReloadOutlined,
  SearchOutlined,
  SettingOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Input, Segmented, Select, Space, Tooltip, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import {
  CASE_PRIORITIES,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  CASE_VIEWS,
  SLA_STATES,
  casesApi,
  type CaseFilter,
  type CaseStatus,
  type CaseSummary,
  type CaseView,
  type SlaState,
} from '../../api/cases';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useChannels } from '../../lib/useChannels';
import { useCursorList } from '../../lib/useCursorList';
import { useErrorMessage } from '../../lib/errors';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { NewCaseModal } from './NewCaseModal';
import {
  PriorityTag,
  SentimentBadge,
  SlaCountdown,
  StatusTag,
  UrgentBadge,
  useBilingual,
  useCaseLookups,
  useNow,
} from './caseDisplay';
import './cases.css';

const isView = (v: string | null): v is CaseView => (CASE_VIEWS as readonly string[]).includes(v ?? '');
const isSla = (v: string | null): v is SlaState => (SLA_STATES as readonly string[]).includes(v ?? '');

/** The inbox state lives in the URL: it survives opening a case and coming back, and can be shared. */
function filterFromParams(params: URLSearchParams): CaseFilter {
  const view = params.get('view');
  const sla = params.get('sla');
  const sort = params.get('sort');
  return {
    view: isView(view) ? view : 'mine',
    status: params.get('status') || undefined,
    priority: params.get('priority') || undefined,
    category: params.get('category') || undefined,
    slaState: isSla(sla) ? sla : undefined,
    q: params.get('q')?.trim() || undefined,
    sort: sort === 'created' ? 'created' : 'due',
  };
}

const isDone = (c: CaseSummary) => c.status === 'resolved' || c.status === 'closed';

/** An active case past its SLA due time (breached, or due and not yet marked by the SLA check). */
const isLate = (c: CaseSummary, now: number) =>
  !isDone(c) &&
  (c.sla.state === 'breached' ||
    (c.sla.state === 'active' && c.sla.dueAt !== null && Date.parse(c.sla.dueAt) <= now));

const onControl = (event: MouseEvent) =>
  (event.target as HTMLElement).closest('a, button, input, label, .ant-checkbox-wrapper') !== null;

function Inbox() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const messageOf = useErrorMessage();
  const { can, info } = useSession();
  const lookups = useCaseLookups();
  const bilingual = useBilingual();
  const { nameOf: channelName } = useChannels();
  const now = useNow(30_000);
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const filterKey = JSON.stringify(filter);
  const [search, setSearch] = useState(filter.q ?? '');
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [creating, setCreating] = useState(false);
  const canWrite = can('cases.write');

  useEffect(() => setSearch(params.get('q') ?? ''), [params]);
  useEffect(() => setSelected([]), [filterKey]);

  const list = useCursorList<CaseSummary>(
    ({ cursor, signal }) => casesApi.list(filter, { cursor, signal, limit: 50 }),
    filterKey,
  );

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };

  const categoryTree = useMemo(
    () =>
      lookups.taxonomy.map((c) => ({
        value: c.key,
        title: bilingual(c.name),
        children: c.subcategories.map((s) => ({ value: `${c.key}/${s.key}`, title: bilingual(s.name) })),
      })),
    [lookups.taxonomy, bilingual],
  );

  const filtered =
    filter.status !== undefined ||
    filter.priority !== undefined ||
    filter.category !== undefined ||
    filter.slaState !== undefined ||
    filter.q !== undefined;

  const selectedCases = list.items.filter((c) => selected.includes(c.id));

  /** Runs one change per selected case (each with its own version) and reports what did not go through. */
  const bulk = async (
    change: (c: CaseSummary) => Promise<unknown> | null,
    done: (count: number) => string,
  ) => {
    setBulkBusy(true);
    const failures: string[] = [];
    let count = 0;
    for (const c of selectedCases) {
      const pending = change(c);
      if (pending === null) continue;
      try {
        await pending;
        count++;
      } catch (e) {
        failures.push(`${c.number}: ${messageOf(e)}`);
      }
    }
    setBulkBusy(false);
    if (count > 0) message.success(done(count));
    if (failures.length > 0)
      modal.warning({
        title: t('cases.bulk.failedTitle', { count: failures.length }),
        content: (
          <ul className="tp-case-bulk-failures">
            {failures.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        ),
      });
    setSelected([]);
    list.reload();
  };

  const assignToMe = () =>
    bulk(
      (c) =>
        c.assigneeId === info.user.id ? null : casesApi.assign(c.id, c.version, { assigneeId: info.user.id }),
      (count) => t('cases.bulk.assigned', { count }),
    );
  const assignTeam = (teamId: string) =>
    bulk(
      (c) => casesApi.assign(c.id, c.version, { teamId, assigneeId: null }),
      (count) => t('cases.bulk.queued', { count }),
    );
  const moveTo = (status: CaseStatus) =>
    bulk(
      (c) =>
        CASE_TRANSITIONS[c.status]?.includes(status) ? casesApi.transition(c.id, c.version, status) : null,
      (count) => t('cases.bulk.moved', { count }),
    );

  const columns: ColumnsType<CaseSummary> = [
    {
      title: t('cases.columns.case'),
      key: 'case',
      width: 340,
      render: (_, c) => (
        <div className="tp-case-cell">
          <Space size={6} wrap>
            <Link to={`/cases/${encodeURIComponent(c.id)}`} className="tp-mono" data-testid="case-link">
              {c.number}
            </Link>
            {c.urgent && <UrgentBadge />}
          </Space>
          <Typography.Text className="tp-case-subject" ellipsis={{ tooltip: c.subject }}>
            {c.subject}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('cases.columns.category'),
      key: 'category',
      width: 190,
      ellipsis: true,
      responsive: ['lg'],
      render: (_, c) => (
        <span className="tp-ellipsis">{lookups.categoryName(c.category, c.subcategory)}</span>
      ),
    },
    {
      title: t('cases.columns.priority'),
      dataIndex: 'priority',
      width: 90,
      render: (_, c) => <PriorityTag priority={c.priority} />,
    },
    {
      title: t('cases.columns.status'),
      dataIndex: 'status',
      width: 130,
      render: (_, c) => <StatusTag status={c.status} />,
    },
    {
      title: t('cases.columns.sla'),
      key: 'sla',
      width: 150,
      // A finished case shows the outcome (met or breached), not a clock that keeps running.
      render: (_, c) => (
        <SlaCountdown state={c.sla.state} dueAt={isDone(c) ? null : c.sla.dueAt} now={now} compact />
      ),
    },
    {
      title: t('cases.columns.assignee'),
      key: 'assignee',
      width: 170,
      ellipsis: true,
      render: (_, c) => (
        <div className="tp-case-cell">
          <span className={c.assigneeId ? undefined : 'tp-muted'}>{lookups.memberName(c.assigneeId)}</span>
          {c.teamId && (
            <Typography.Text type="secondary" className="tp-case-team">
              {lookups.teamName(c.teamId)}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('cases.columns.channel'),
      dataIndex: 'channel',
      width: 110,
      responsive: ['xxl'],
      render: (channel: string) => channelName(channel),
    },
    {
      title: t('cases.columns.sentiment'),
      dataIndex: 'sentiment',
      width: 110,
      responsive: ['xxl'],
      render: (s: string | null) => <SentimentBadge sentiment={s} />,
    },
    {
      title: t('cases.columns.created'),
      dataIndex: 'createdAt',
      width: 130,
      responsive: ['xl'],
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
  ];

  const emptyByView: Record<CaseView, { title: string; text: string }> = {
    mine: { title: t('cases.inbox.emptyMine'), text: t('cases.inbox.emptyMineText') },
    team: { title: t('cases.inbox.emptyTeam'), text: t('cases.inbox.emptyTeamText') },
    unassigned: { title: t('cases.inbox.emptyUnassigned'), text: t('cases.inbox.emptyUnassignedText') },
    all: { title: t('cases.inbox.emptyAll'), text: t('cases.inbox.emptyAllText') },
  };
  const view = filter.view ?? 'mine';
  const empty = filtered ? (
    <EmptyState
      title={t('cases.inbox.emptyFiltered')}
      text={t('cases.inbox.emptyFilteredText')}
      action={
        <Button onClick={() => setParams(new URLSearchParams({ view }))}>{t('cases.inbox.clear')}</Button>
      }
    />
  ) : (
    <EmptyState
      title={emptyByView[view].title}
      text={emptyByView[view].text}
      action={
        view !== 'all' ? (
          <Button onClick={() => setParam('view', 'all')}>{t('cases.inbox.showAll')}</Button>
        ) : can('cases.manage') ? (
          <Link to="/settings/cases">
            <Button type="primary" icon={<SettingOutlined />}>
              {t('cases.inbox.setUp')}
            </Button>
          </Link>
        ) : undefined
      }
    />
  );

  const statusValue = filter.status ? filter.status.split(',') : [];

  return (
    <>
      <PageHeader
        title={t('cases.inbox.title')}
        description={t('cases.inbox.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t('common.refresh')} />
            <Link to="/cases/analytics">
              <Button icon={<BarChartOutlined />} data-testid="case-analytics-link">
                {t('cases.analytics.open')}
              </Button>
            </Link>
            {can('cases.manage') && (
              <Link to="/settings/cases">
                <Button icon={<SettingOutlined />}>{t('cases.settings.open')}</Button>
              </Link>
            )}
            {canWrite && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="new-case"
              >
                {t('cases.create.open')}
              </Button>
            )}
          </>
        }
      />
      <Card className="tp-filter-card">
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Segmented<CaseView>
            value={view}
            onChange={(v) => setParam('view', v)}
            options={CASE_VIEWS.map((v) => ({ value: v, label: t(`cases.views.${v}`) }))}
            data-testid="case-views"
          />
          <Space wrap size={[12, 8]}>
            <Input.Search
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onSearch={(v) => setParam('q', v.trim() || undefined)}
              placeholder={t('cases.inbox.searchPlaceholder')}
              aria-label={t('cases.inbox.search')}
              allowClear
              enterButton={<SearchOutlined />}
              maxLength={200}
              style={{ width: 280 }}
              data-testid="case-search"
            />
            <Select<string[]>
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              value={statusValue}
              onChange={(v) => setParam('status', v.join(',') || undefined)}
              placeholder={t('cases.filters.statusActive')}
              aria-label={t('cases.filters.status')}
              style={{ minWidth: 200 }}
              options={[
                { value: 'all', label: t('cases.filters.statusAll') },
                ...CASE_STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) })),
              ]}
              data-testid="filter-status"
            />
            <Select<string[]>
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              value={filter.priority ? filter.priority.split(',') : []}
              onChange={(v) => setParam('priority', v.join(',') || undefined)}
              placeholder={t('cases.filters.priority')}
              aria-label={t('cases.filters.priority')}
              style={{ minWidth: 160 }}
              options={CASE_PRIORITIES.map((p) => ({ value: p, label: t(`cases.priority.${p}`) }))}
            />
            <TreeSelect
              allowClear
              value={filter.category}
              onChange={(v: string | undefined) => setParam('category', v)}
              treeData={categoryTree}
              placeholder={t('cases.filters.category')}
              aria-label={t('cases.filters.category')}
              style={{ minWidth: 200 }}
              popupMatchSelectWidth={false}
              showSearch
              treeNodeFilterProp="title"
            />
            <Select<SlaState>
              allowClear
              value={filter.slaState}
              onChange={(v) => setParam('sla', v)}
              placeholder={t('cases.filters.sla')}
              aria-label={t('cases.filters.sla')}
              style={{ minWidth: 150 }}
              options={SLA_STATES.map((s) => ({ value: s, label: t(`cases.slaState.${s}`) }))}
            />
            <Select<'due' | 'created'>
              value={filter.sort}
              onChange={(v) => setParam('sort', v === 'due' ? undefined : v)}
              aria-label={t('cases.filters.sort')}
              style={{ minWidth: 170 }}
              options={[
                { value: 'due', label: t('cases.filters.sortDue') },
                { value: 'created', label: t('cases.filters.sortCreated') },
              ]}
            />
            {filtered && (
              <Button type="link" onClick={() => setParams(new URLSearchParams({ view }))}>
                {t('cases.inbox.clear')}
              </Button>
            )}
          </Space>
        </Space>
      </Card>
      <Card styles={{ body: { padding: 0 } }} style={{ marginTop: 16 }}>
        {canWrite && selected.length > 0 && (
          <div className="tp-case-bulkbar" data-testid="bulk-bar">
            <span>{t('cases.bulk.selected', { count: selected.length })}</span>
            <Button
              size="small"
              icon={<UserAddOutlined />}
              onClick={() => void assignToMe()}
              loading={bulkBusy}
            >
              {t('cases.bulk.assignToMe')}
            </Button>
            <Select<string>
              size="small"
              placeholder={t('cases.bulk.toTeam')}
              aria-label={t('cases.bulk.toTeam')}
              style={{ minWidth: 180 }}
              disabled={bulkBusy}
              value={null as unknown as string}
              onChange={(teamId) => void assignTeam(teamId)}
              options={lookups.teams.map((team) => ({ value: team.id, label: bilingual(team.name) }))}
            />
            <Select<CaseStatus>
              size="small"
              placeholder={t('cases.bulk.moveTo')}
              aria-label={t('cases.bulk.moveTo')}
              style={{ minWidth: 160 }}
              disabled={bulkBusy}
              value={null as unknown as CaseStatus}
              onChange={(s) => void moveTo(s)}
              options={(['open', 'pending_customer', 'closed'] as const).map((s) => ({
                value: s,
                label: t(`cases.status.${s}`),
              }))}
            />
            <Tooltip title={t('cases.bulk.resolveHint')}>
              <Typography.Text type="secondary">{t('cases.bulk.resolveNote')}</Typography.Text>
            </Tooltip>
            <Button size="small" type="link" onClick={() => setSelected([])}>
              {t('cases.bulk.clear')}
            </Button>
          </div>
        )}
        <ListTable<CaseSummary>
          list={list}
          rowKey="id"
          columns={columns}
          size="middle"
          scroll={{ x: 1000 }}
          tableLayout="fixed"
          rowClassName={(c) => `tp-row-link${isLate(c, now) ? ' tp-case-row-breached' : ''}`}
          rowSelection={
            canWrite
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(String)),
                  columnWidth: 40,
                }
              : undefined
          }
          onRow={(c) => ({
            onClick: (event) => {
              if (!onControl(event)) navigate(`/cases/${encodeURIComponent(c.id)}`);
            },
          })}
          data-testid="cases-table"
          empty={empty}
        />
        {!list.loading && !list.hasMore && list.items.length > 0 && (
          <div className="tp-list-end">{t('common.endOfList')}</div>
        )}
      </Card>
      {canWrite && <NewCaseModal open={creating} onClose={() => setCreating(false)} lookups={lookups} />}
    </>
  );
}

/** The agent inbox: my cases, the team queue, unassigned and all cases, with filters and SLA countdowns. */
export function CasesInboxPage() {
  return (
    <RequirePermission permission="cases.read">
      <Inbox />
    </RequirePermission>
  );
}

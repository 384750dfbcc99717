import { ReloadOutlined, SendOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Input,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError, customersApi } from '../../api';
import {
  CASE_PRIORITIES,
  CASE_TRANSITIONS,
  casesApi,
  type CaseDetail,
  type CaseEntry,
  type CasePriority,
  type CaseStatus,
  type Resolution,
} from '../../api/cases';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useChannels } from '../../lib/useChannels';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import {
  PriorityTag,
  SentimentBadge,
  SlaCountdown,
  StatusTag,
  UrgentBadge,
  isVersionConflict,
  useBilingual,
  useCaseLookups,
  useNow,
} from './caseDisplay';
import { CaseTimeline } from './CaseTimeline';
import { ResolveCaseModal } from './ResolveCaseModal';
import './cases.css';

type Load = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready' };
type ComposerMode = 'reply' | 'note' | 'inbound';

/** Every page of the timeline (cases rarely have more than a few hundred entries). */
async function loadTimeline(id: string, signal?: AbortSignal): Promise<CaseEntry[]> {
  const all: CaseEntry[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page = await casesApi.timeline(id, { cursor, signal, limit: 200 });
    all.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return all;
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="tp-case-fact" data-testid={testId}>
      <div className="tp-case-fact-label">{label}</div>
      <div className="tp-case-fact-value">{children}</div>
    </div>
  );
}

function CaseViewContent() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const messageOf = useErrorMessage();
  const format = useFormatters();
  const { can, info } = useSession();
  const lookups = useCaseLookups();
  const bilingual = useBilingual();
  const { nameOf: channelName } = useChannels();
  const now = useNow(15_000);
  const canWrite = can('cases.write');

  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [entries, setEntries] = useState<CaseEntry[]>([]);
  const [customerName, setCustomerName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [draft, setDraft] = useState('');
  const [resolving, setResolving] = useState(false);
  // The latest case, so that actions started from a stale render still send the current version.
  const current = useRef<CaseDetail | null>(null);
  current.current = detail;

  const reload = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const [c, timeline] = await Promise.all([casesApi.get(id, signal), loadTimeline(id, signal)]);
        if (signal?.aborted) return;
        setDetail(c);
        setEntries(timeline);
        setLoad({ status: 'ready' });
      } catch (error) {
        if (signal?.aborted) return;
        setLoad({ status: 'error', error });
      }
    },
    [id],
  );

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  const profileId = detail?.profileId ?? null;
  useEffect(() => {
    setCustomerName(null);
    if (!profileId || !can('customers.read')) return;
    const controller = new AbortController();
    customersApi
      .get(profileId, controller.signal)
      .then((customer) => setCustomerName(customer.basic.name))
      // Without the name, the link shows the customer id: still usable.
      .catch(() => undefined);
    return () => controller.abort();
  }, [profileId, can]);

  /**
   * Runs one change with the case's current version. On a version conflict the case is reloaded and the user
   * told; the caller keeps its input (a draft, the resolution form) so nothing typed is lost.
   */
  const run = async (
    change: (c: CaseDetail) => Promise<CaseDetail>,
    done?: string,
    /** Rethrow other errors (a form shows them beside its fields) instead of a toast. */
    rethrow = false,
  ): Promise<boolean> => {
    const c = current.current;
    if (!c) return false;
    setBusy(true);
    try {
      const next = await change(c);
      setDetail(next);
      setEntries(await loadTimeline(id).catch(() => entries));
      if (done) message.success(done);
      return true;
    } catch (e) {
      if (isVersionConflict(e)) {
        await reload();
        modal.warning({
          title: t('cases.view.conflictTitle'),
          content: t('cases.view.conflict'),
          okButtonProps: { 'data-testid': 'conflict-ok' } as Record<string, string>,
        });
      } else if (rethrow) {
        throw e;
      } else {
        message.error(messageOf(e));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const categoryTree = useMemo(
    () =>
      lookups.taxonomy.map((c) => ({
        value: c.key,
        title: bilingual(c.name),
        label: bilingual(c.name),
        children: c.subcategories.map((s) => ({
          value: `${c.key}/${s.key}`,
          title: bilingual(s.name),
          label: `${bilingual(c.name)} / ${bilingual(s.name)}`,
        })),
      })),
    [lookups.taxonomy, bilingual],
  );

  if (load.status === 'loading' || (load.status === 'ready' && !detail))
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  if (load.status === 'error') {
    if (load.error instanceof ApiError && load.error.status === 404)
      return (
        <Result
          status="404"
          title={t('cases.view.notFound')}
          subTitle={t('cases.view.notFoundText')}
          extra={
            <Link to="/cases">
              <Button type="primary">{t('cases.view.backToInbox')}</Button>
            </Link>
          }
        />
      );
    return <ErrorState error={load.error} onRetry={() => void reload()} title={t('cases.view.loadFailed')} />;
  }
  const c = detail as CaseDetail;
  const allowed = CASE_TRANSITIONS[c.status] ?? [];
  const closed = c.status === 'closed';

  const changeStatus = (to: CaseStatus) => {
    if (to === c.status) return;
    if (to === 'resolved') {
      setResolving(true);
      return;
    }
    const label = t('cases.view.statusChanged', { status: t(`cases.status.${to}`) });
    if (to === 'open' && (c.status === 'resolved' || c.status === 'closed'))
      void run((x) => casesApi.reopen(x.id, x.version), label);
    else void run((x) => casesApi.transition(x.id, x.version, to), label);
  };

  const resolve = async (resolution: Resolution, comment: string | undefined) => {
    const ok = await run(
      (x) => casesApi.resolve(x.id, x.version, resolution, comment),
      t('cases.view.resolved'),
      true,
    );
    if (ok) setResolving(false);
  };

  const send = async () => {
    const body = draft.trim();
    if (!body) return;
    const ok = await run(
      (x) =>
        mode === 'note'
          ? casesApi.note(x.id, x.version, body).then((r) => r.case)
          : casesApi
              .reply(x.id, x.version, body, mode === 'inbound' ? 'inbound' : 'outbound')
              .then((r) => r.case),
      mode === 'note' ? t('cases.composer.noteAdded') : t('cases.composer.sent'),
    );
    if (ok) setDraft('');
  };

  const categoryValue = c.subcategory ? `${c.category}/${c.subcategory}` : c.category;
  const setCategory = (value: string) => {
    const [category, subcategory] = value.split('/');
    if (!category || value === categoryValue) return;
    void run(
      (x) => casesApi.update(x.id, x.version, { category, subcategory: subcategory ?? null }),
      t('cases.view.saved'),
    );
  };

  const memberOptions = [
    { value: '', label: t('cases.unassigned') },
    ...lookups.members.map((m) => ({ value: m.userId, label: m.name?.trim() || m.email })),
  ];
  const teamOptions = [
    { value: '', label: t('cases.view.noTeam') },
    ...lookups.teams.map((team) => ({ value: team.id, label: bilingual(team.name) })),
  ];

  const statusSelect = (
    <Select<CaseStatus>
      value={c.status}
      onChange={changeStatus}
      disabled={!canWrite || busy}
      style={{ minWidth: 170 }}
      aria-label={t('cases.view.status')}
      data-testid="case-status-select"
      options={[c.status, ...allowed].map((s) => ({
        value: s,
        label:
          s === c.status ? (
            <StatusTag status={s} />
          ) : (
            t('cases.view.moveTo', { status: t(`cases.status.${s}`) })
          ),
      }))}
    />
  );

  const composer = canWrite && (
    <Card title={t('cases.composer.title')} className="tp-case-composer">
      <Space orientation="vertical" size={10} style={{ width: '100%' }}>
        <Segmented<ComposerMode>
          value={mode}
          onChange={setMode}
          options={[
            { value: 'reply', label: t('cases.composer.reply'), disabled: closed },
            { value: 'note', label: t('cases.composer.note') },
            { value: 'inbound', label: t('cases.composer.inbound'), disabled: closed },
          ]}
          data-testid="composer-mode"
        />
        {closed && mode !== 'note' && <Alert type="info" showIcon title={t('cases.composer.closed')} />}
        <Input.TextArea
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send();
            }
          }}
          placeholder={t(`cases.composer.placeholder.${mode}`)}
          aria-label={t(`cases.composer.${mode}`)}
          autoSize={{ minRows: 3, maxRows: 12 }}
          maxLength={20_000}
          className={mode === 'note' ? 'tp-case-note-input' : undefined}
          data-testid="composer-text"
        />
        <div className="tp-case-composer-foot">
          <Typography.Text type="secondary">
            {mode === 'note' ? t('cases.composer.noteHelp') : t('cases.composer.shortcut')}
          </Typography.Text>
          <Button
            type="primary"
            icon={<SendOutlined />}
            onClick={() => void send()}
            disabled={!draft.trim() || (closed && mode !== 'note')}
            loading={busy}
            data-testid="composer-send"
          >
            {mode === 'note'
              ? t('cases.composer.addNote')
              : mode === 'inbound'
                ? t('cases.composer.record')
                : t('cases.composer.send')}
          </Button>
        </div>
      </Space>
    </Card>
  );

  const sla = c.sla;
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/cases">{t('cases.inbox.title')}</Link> }, { title: c.number }]}
      />
      <PageHeader
        title={`${c.number} · ${c.subject}`}
        documentTitle={c.number}
        description={
          <Space wrap size={[6, 6]}>
            <StatusTag status={c.status} />
            <PriorityTag priority={c.priority} />
            {c.analysis.urgent && <UrgentBadge reasons={c.analysis.urgencyReasons} />}
            <SentimentBadge sentiment={c.analysis.sentiment} score={c.analysis.sentimentScore} />
            {c.analysis.topics.map((topic) => (
              <Tag key={topic}>
                {t(`cases.topics.${topic}` as 'cases.topics.network', { defaultValue: topic })}
              </Tag>
            ))}
            {c.tags.map((tag) => (
              <Tag key={tag} color="geekblue">
                #{tag}
              </Tag>
            ))}
          </Space>
        }
        extra={
          <>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => void reload()}
              aria-label={t('common.refresh')}
            />
            {canWrite && c.assigneeId !== info.user.id && (
              <Button
                icon={<UserAddOutlined />}
                onClick={() =>
                  void run(
                    (x) => casesApi.assign(x.id, x.version, { assigneeId: info.user.id }),
                    t('cases.view.assignedToMe'),
                  )
                }
                disabled={busy}
                data-testid="assign-to-me"
              >
                {t('cases.view.assignToMe')}
              </Button>
            )}
            {canWrite && allowed.includes('resolved') && (
              <Button
                type="primary"
                onClick={() => setResolving(true)}
                disabled={busy}
                data-testid="resolve-case"
              >
                {t('cases.view.resolve')}
              </Button>
            )}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={{ span: 24, order: 2 }} xl={{ span: 16, order: 1 }}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('cases.view.description')} size="small">
              <Typography.Paragraph className="tp-case-description" style={{ marginBottom: 0 }}>
                {c.description}
              </Typography.Paragraph>
              {(c.duplicateCount > 0 || c.reopenCount > 0 || c.parentCaseId) && (
                <Space wrap style={{ marginTop: 8 }}>
                  {c.duplicateCount > 0 && (
                    <Tag>{t('cases.view.duplicates', { count: c.duplicateCount })}</Tag>
                  )}
                  {c.reopenCount > 0 && (
                    <Tag color="orange">{t('cases.view.reopened', { count: c.reopenCount })}</Tag>
                  )}
                  {c.parentCaseId && (
                    <Link to={`/cases/${encodeURIComponent(c.parentCaseId)}`}>
                      {t('cases.view.parentCase')}
                    </Link>
                  )}
                </Space>
              )}
            </Card>
            {c.resolution && (c.status === 'resolved' || c.status === 'closed') && (
              <Card title={t('cases.view.resolution')} size="small" data-testid="case-resolution">
                <Space orientation="vertical" size={4}>
                  {c.resolution.code && (
                    <span>
                      <Typography.Text type="secondary">{t('cases.resolution.code')}: </Typography.Text>
                      {t(`cases.resolutionCode.${c.resolution.code}`)}
                    </span>
                  )}
                  {c.resolution.rootCause && (
                    <span>
                      <Typography.Text type="secondary">{t('cases.resolution.rootCause')}: </Typography.Text>
                      {c.resolution.rootCause}
                    </span>
                  )}
                  <span>
                    {(c.resolution.steps ?? []).map((s) => (
                      <Tag key={s} color="green">
                        {t(`cases.steps.${s}`)}
                      </Tag>
                    ))}
                  </span>
                  {c.followUp.score !== null && (
                    <span>
                      <Typography.Text type="secondary">{t('cases.view.followUp')}: </Typography.Text>
                      {format.number(c.followUp.score)} {c.followUp.metric?.toUpperCase()}
                    </span>
                  )}
                </Space>
              </Card>
            )}
            <Card title={t('cases.view.timeline')} size="small">
              {entries.length === 0 ? (
                <Typography.Text type="secondary">{t('cases.view.noEntries')}</Typography.Text>
              ) : (
                <CaseTimeline entries={entries} lookups={lookups} channelName={channelName} />
              )}
            </Card>
            {composer}
          </Space>
        </Col>
        {/* On a tablet the facts, controls and SLA come first, above the timeline. */}
        <Col xs={{ span: 24, order: 1 }} xl={{ span: 8, order: 2 }}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('cases.view.details')} size="small" data-testid="case-details">
              <div className="tp-case-facts">
                <Fact label={t('cases.view.status')}>
                  {canWrite ? statusSelect : <StatusTag status={c.status} />}
                </Fact>
                <Fact label={t('cases.view.priority')}>
                  {canWrite ? (
                    <Select<CasePriority>
                      value={c.priority}
                      disabled={busy}
                      style={{ minWidth: 140 }}
                      aria-label={t('cases.view.priority')}
                      onChange={(priority) =>
                        void run((x) => casesApi.update(x.id, x.version, { priority }), t('cases.view.saved'))
                      }
                      options={CASE_PRIORITIES.map((p) => ({ value: p, label: t(`cases.priority.${p}`) }))}
                    />
                  ) : (
                    <PriorityTag priority={c.priority} />
                  )}
                </Fact>
                <Fact label={t('cases.view.category')}>
                  {canWrite ? (
                    <TreeSelect
                      value={categoryValue}
                      treeData={
                        categoryTree.length
                          ? categoryTree
                          : [
                              {
                                value: categoryValue,
                                title: categoryValue,
                                label: categoryValue,
                                children: [],
                              },
                            ]
                      }
                      treeNodeLabelProp="label"
                      onChange={setCategory}
                      disabled={busy}
                      style={{ width: '100%' }}
                      aria-label={t('cases.view.category')}
                      treeDefaultExpandedKeys={[c.category]}
                      showSearch
                      treeNodeFilterProp="title"
                    />
                  ) : (
                    lookups.categoryName(c.category, c.subcategory)
                  )}
                </Fact>
                <Fact label={t('cases.view.assignee')}>
                  {canWrite ? (
                    <Select<string>
                      value={c.assigneeId ?? ''}
                      disabled={busy}
                      showSearch
                      optionFilterProp="label"
                      style={{ width: '100%' }}
                      aria-label={t('cases.view.assignee')}
                      onChange={(userId) =>
                        void run(
                          (x) => casesApi.assign(x.id, x.version, { assigneeId: userId || null }),
                          t('cases.view.saved'),
                        )
                      }
                      options={memberOptions}
                      data-testid="assignee-select"
                    />
                  ) : (
                    lookups.memberName(c.assigneeId)
                  )}
                </Fact>
                <Fact label={t('cases.view.team')}>
                  {canWrite ? (
                    <Select<string>
                      value={c.teamId ?? ''}
                      disabled={busy}
                      style={{ width: '100%' }}
                      aria-label={t('cases.view.team')}
                      onChange={(teamId) =>
                        void run(
                          (x) => casesApi.assign(x.id, x.version, teamId ? { teamId } : { teamId: null }),
                          t('cases.view.saved'),
                        )
                      }
                      options={teamOptions}
                    />
                  ) : (
                    lookups.teamName(c.teamId)
                  )}
                </Fact>
                {canWrite && (
                  <Typography.Text type="secondary" className="tp-case-hint">
                    {t('cases.view.teamHint')}
                  </Typography.Text>
                )}
                <Fact label={t('cases.view.customer')} testId="case-customer">
                  {c.profileId ? (
                    <Link to={`/customers/${encodeURIComponent(c.profileId)}`}>
                      {customerName ?? <span className="tp-mono">{c.profileId}</span>}
                    </Link>
                  ) : (
                    <span className="tp-muted">{t('cases.view.noCustomer')}</span>
                  )}
                </Fact>
                <Fact label={t('cases.view.channel')}>{channelName(c.channel)}</Fact>
                <Fact label={t('cases.view.touchpoint')}>
                  {c.touchpointKey ? <span className="tp-mono">{c.touchpointKey}</span> : t('common.none')}
                </Fact>
                <Fact label={t('cases.view.source')}>
                  {t(`cases.source.${c.source}` as 'cases.source.api', { defaultValue: c.source })}
                </Fact>
                <Fact label={t('cases.view.created')}>
                  <TimeText iso={c.createdAt} />
                </Fact>
                {c.resolvedAt && (
                  <Fact label={t('cases.view.resolvedAt')}>
                    <TimeText iso={c.resolvedAt} />
                  </Fact>
                )}
              </div>
            </Card>
            <Card title={t('cases.view.sla')} size="small" data-testid="case-sla">
              <div className="tp-case-facts">
                <Fact label={t('cases.sla.firstResponse')}>
                  {sla.firstResponse.at ? (
                    <Space size={4} wrap>
                      <SlaCountdown
                        state={sla.firstResponse.status}
                        dueAt={sla.firstResponse.dueAt}
                        doneAt={sla.firstResponse.at}
                        now={now}
                      />
                      <Typography.Text type="secondary">
                        {t('cases.sla.respondedAt', { time: format.dateTime(sla.firstResponse.at) })}
                      </Typography.Text>
                    </Space>
                  ) : (
                    <SlaCountdown
                      state={sla.firstResponse.status}
                      dueAt={sla.firstResponse.dueAt}
                      remainingMs={sla.firstResponse.remainingBusinessMs}
                      now={now}
                    />
                  )}
                </Fact>
                <Fact label={t('cases.sla.resolution')}>
                  <SlaCountdown
                    state={sla.resolution.status}
                    dueAt={sla.resolution.dueAt}
                    remainingMs={sla.resolution.remainingBusinessMs}
                    doneAt={c.status === 'resolved' || c.status === 'closed' ? c.resolvedAt : null}
                    now={now}
                  />
                </Fact>
                {sla.resolution.dueAt && sla.resolution.status !== 'met' && (
                  <Fact label={t('cases.sla.resolutionDue')}>
                    <TimeText iso={sla.resolution.dueAt} />
                  </Fact>
                )}
              </div>
              {c.status === 'pending_customer' && (
                <Alert type="info" showIcon title={t('cases.sla.pausedHelp')} style={{ marginTop: 8 }} />
              )}
              {sla.policyId === null && (
                <Typography.Text type="secondary">{t('cases.sla.noPolicy')}</Typography.Text>
              )}
            </Card>
          </Space>
        </Col>
      </Row>
      <ResolveCaseModal
        open={resolving}
        initial={c.resolution}
        onCancel={() => setResolving(false)}
        onSubmit={resolve}
      />
    </>
  );
}

/** One case: header, facts and controls, SLA, the timeline, the composer and the resolution form. */
export function CaseViewPage() {
  return (
    <RequirePermission permission="cases.read">
      <CaseViewContent />
    </RequirePermission>
  );
}

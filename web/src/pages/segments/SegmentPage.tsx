import {
  ClusterOutlined,
  DeleteOutlined,
  EditOutlined,
  InboxOutlined,
  ReloadOutlined,
  SyncOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Result,
  Segmented,
  Skeleton,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { segmentsApi, type Segment, type SegmentMember } from '../../api/segments';
import { CodeBlock } from '../../components/CodeBlock';
import { ListTable } from '../../components/ListTable';
import { EmptyState, ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useCursorList } from '../../lib/useCursorList';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useSession } from '../../session/SessionContext';
import { CustomerAvatar, displayPhone } from '../customers/customerDisplay';
import { RequirePermission } from '../settings/RequirePermission';
import { SegmentDrawer } from './SegmentDrawer';
import {
  ConditionSummary,
  RefreshState,
  SegmentStatusTag,
  TimeDependentBadge,
  usePolling,
  useSegmentText,
} from './segmentDisplay';
import './segments.css';
import { useSegmentActions } from './useSegmentActions';

type Load =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; segment: Segment };

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="tp-fact" data-testid={testId}>
      <div className="tp-fact-label">{label}</div>
      <div className="tp-fact-value">{children}</div>
    </div>
  );
}

/** The customers in the segment, in pages, each linking to their 360° profile. */
function MembersCard({ segment, generation }: { segment: Segment; generation: number }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const list = useCursorList<SegmentMember>(
    ({ cursor, signal }) => segmentsApi.members(segment.key, { cursor, signal, limit: 50 }),
    `${segment.key}:${generation}`,
  );
  const columns: ColumnsType<SegmentMember> = [
    {
      title: t('segments.members.customer'),
      dataIndex: 'name',
      render: (name: string | null, m) => (
        <Space size={10}>
          <CustomerAvatar id={m.id} name={name} />
          <span className="tp-customer-cell">
            <Link
              to={`/customers/${encodeURIComponent(m.id)}`}
              className="tp-customer-name"
              data-testid="member-link"
            >
              {name ?? t('customer.unnamed')}
            </Link>
            <Typography.Text type="secondary" className="tp-mono tp-customer-id">
              {m.id}
            </Typography.Text>
          </span>
        </Space>
      ),
    },
    {
      title: t('customers.columns.phone'),
      dataIndex: 'phone',
      render: (phone: string | null) =>
        phone ? <span className="tp-mono tp-nowrap">{displayPhone(phone)}</span> : t('common.none'),
    },
    {
      title: t('customers.columns.city'),
      dataIndex: 'city',
      responsive: ['md'],
      render: (city: string | null) => city ?? t('common.none'),
    },
    {
      title: t('customers.columns.lastSeen'),
      dataIndex: 'lastSeenAt',
      responsive: ['lg'],
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
    {
      title: t('customers.columns.totalSpend'),
      dataIndex: 'totalSpendMinor',
      align: 'right',
      render: (minor: number) => (
        <span className={minor > 0 ? 'tp-num tp-money' : 'tp-num tp-muted'}>{format.money(minor)}</span>
      ),
    },
    {
      title: t('segments.members.addedAt'),
      dataIndex: 'addedAt',
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
  ];
  const running = segment.refresh.status === 'running';
  return (
    <Card
      title={t('segments.members.title', {
        count: segment.memberCount,
        members: format.number(segment.memberCount),
      })}
      styles={{ body: { padding: 0 } }}
      data-testid="segment-members"
    >
      {segment.status === 'archived' && (
        <Alert type="info" showIcon banner title={t('segments.members.frozen')} />
      )}
      {running && list.items.length > 0 && (
        <Alert type="info" showIcon banner title={t('segments.members.updating')} />
      )}
      <ListTable<SegmentMember>
        list={list}
        rowKey="id"
        columns={columns}
        size="middle"
        scroll={{ x: 760 }}
        data-testid="members-table"
        empty={
          running ? (
            <EmptyState title={t('segments.members.computing')} text={t('segments.members.computingText')} />
          ) : (
            <EmptyState title={t('segments.members.empty')} text={t('segments.members.emptyText')} />
          )
        }
      />
      {!list.loading && !list.hasMore && list.items.length > 0 && (
        <div className="tp-list-end">{t('common.endOfList')}</div>
      )}
    </Card>
  );
}

function SegmentDetail({ segmentKey }: { segmentKey: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const navigate = useNavigate();
  const { can } = useSession();
  const canManage = can('segments.manage');
  const nameOf = useSegmentText();
  const actions = useSegmentActions();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [editing, setEditing] = useState(false);
  const [ruleView, setRuleView] = useState<'summary' | 'json'>('summary');
  const [membersGeneration, setMembersGeneration] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const segment = load.status === 'ready' ? load.segment : null;
  useDocumentTitle(segment ? nameOf(segment.name) : t('segments.title'));

  const fetchSegment = useCallback(
    (silent: boolean) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      if (!silent) setLoad({ status: 'loading' });
      segmentsApi
        .get(segmentKey, c.signal)
        .then((answer) => {
          if (!c.signal.aborted) setLoad({ status: 'ready', segment: answer });
        })
        .catch((error: unknown) => {
          if (!c.signal.aborted && !silent) setLoad({ status: 'error', error });
        });
    },
    [segmentKey],
  );

  useEffect(() => {
    fetchSegment(false);
    return () => controller.current?.abort();
  }, [fetchSegment]);

  const running = segment?.refresh.status === 'running';
  usePolling(running, () => fetchSegment(true));
  // When a computation ends, the member list shows its result.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running) setMembersGeneration((g) => g + 1);
    wasRunning.current = running;
  }, [running]);

  const show = (next: Segment) => setLoad({ status: 'ready', segment: next });

  const breadcrumb = (
    <Breadcrumb
      className="tp-breadcrumb"
      items={[
        {
          title: (
            <Link to="/segments">
              <ClusterOutlined /> {t('segments.title')}
            </Link>
          ),
        },
        { title: segment ? nameOf(segment.name) : segmentKey },
      ]}
    />
  );

  if (load.status === 'error') {
    const notFound = load.error instanceof ApiError && load.error.status === 404;
    return (
      <>
        {breadcrumb}
        {notFound ? (
          <Result
            status="404"
            title={t('segments.detail.notFoundTitle')}
            subTitle={t('segments.detail.notFound', { key: segmentKey })}
            extra={
              <Link to="/segments">
                <Button type="primary">{t('segments.detail.back')}</Button>
              </Link>
            }
            data-testid="segment-not-found"
          />
        ) : (
          <ErrorState
            error={load.error}
            onRetry={() => fetchSegment(false)}
            title={t('segments.detail.loadFailed')}
          />
        )}
      </>
    );
  }

  if (!segment) {
    return (
      <>
        {breadcrumb}
        <Card>
          <Skeleton active paragraph={{ rows: 3 }} />
        </Card>
        <Card style={{ marginTop: 16 }}>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </>
    );
  }

  const archived = segment.status === 'archived';
  const headerActions = (
    <Space wrap>
      <Tooltip title={t('common.refresh')}>
        <Button
          icon={<ReloadOutlined />}
          aria-label={t('common.refresh')}
          onClick={() => {
            fetchSegment(true);
            setMembersGeneration((g) => g + 1);
          }}
        />
      </Tooltip>
      {canManage && (
        <>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-segment">
            {t('common.edit')}
          </Button>
          <Tooltip
            title={archived ? t('segments.actions.refreshArchived') : t('segments.actions.refreshHelp')}
          >
            <Button
              icon={<SyncOutlined spin={running} />}
              disabled={archived || running}
              onClick={() => void actions.refresh(segment).then((next) => next && show(next))}
              data-testid="refresh-segment"
            >
              {t('segments.actions.refresh')}
            </Button>
          </Tooltip>
          {archived ? (
            <Button
              icon={<UndoOutlined />}
              onClick={() => void actions.setStatus(segment, 'active').then((next) => next && show(next))}
              data-testid="reactivate-segment"
            >
              {t('segments.actions.reactivate')}
            </Button>
          ) : (
            <Button
              icon={<InboxOutlined />}
              onClick={() => void actions.setStatus(segment, 'archived').then((next) => next && show(next))}
              data-testid="archive-segment"
            >
              {t('segments.actions.archive')}
            </Button>
          )}
          <Button
            danger
            icon={<DeleteOutlined />}
            onClick={() =>
              void actions.remove(segment).then((deleted) => {
                if (deleted) navigate('/segments', { replace: true });
              })
            }
            data-testid="delete-segment"
          >
            {t('segments.actions.delete')}
          </Button>
        </>
      )}
    </Space>
  );

  return (
    <div data-testid="segment-detail">
      {breadcrumb}
      <Card className="tp-seg-header">
        <div className="tp-seg-header-top">
          <div className="tp-seg-header-title">
            <Space size={10} align="center" wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="segment-name">
                {nameOf(segment.name)}
              </Typography.Title>
              <SegmentStatusTag status={segment.status} />
              {segment.timeDependent && <TimeDependentBadge />}
            </Space>
            <Typography.Text type="secondary" className="tp-mono" copyable={{ text: segment.key }}>
              {segment.key}
            </Typography.Text>
            {nameOf(segment.description) && (
              <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0', maxWidth: 760 }}>
                {nameOf(segment.description)}
              </Typography.Paragraph>
            )}
          </div>
          <div className="tp-profile-actions">{headerActions}</div>
        </div>
        <div className="tp-facts">
          <Fact label={t('segments.detail.members')} testId="fact-members">
            {format.number(segment.memberCount)}
          </Fact>
          <Fact label={t('segments.detail.computation')}>
            <RefreshState segment={segment} />
          </Fact>
          <Fact label={t('segments.detail.created')}>
            <span className="tp-fact-small">{format.date(segment.createdAt)}</span>
          </Fact>
          <Fact label={t('segments.detail.updated')}>
            <span className="tp-fact-small">
              <TimeText iso={segment.updatedAt} relative />
            </span>
          </Fact>
        </div>
      </Card>
      {segment.refresh.status === 'failed' && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={t('segments.detail.failed')}
          description={segment.refresh.error ?? undefined}
          action={
            canManage && !archived ? (
              <Button
                size="small"
                onClick={() => void actions.refresh(segment).then((next) => next && show(next))}
              >
                {t('common.retry')}
              </Button>
            ) : undefined
          }
        />
      )}
      <div className="tp-stack" style={{ marginTop: 16 }}>
        <Card
          title={t('segments.detail.rule')}
          extra={
            <Segmented<'summary' | 'json'>
              size="small"
              value={ruleView}
              onChange={setRuleView}
              aria-label={t('segments.drawer.view')}
              options={[
                { value: 'summary', label: t('segments.detail.summary') },
                { value: 'json', label: t('segments.drawer.json') },
              ]}
            />
          }
          data-testid="segment-rule"
        >
          {ruleView === 'summary' ? (
            <ConditionSummary condition={segment.condition} />
          ) : (
            <CodeBlock code={JSON.stringify(segment.condition, null, 2)} />
          )}
          {segment.timeDependent && (
            <Typography.Paragraph
              type="secondary"
              className="tp-small"
              style={{ marginTop: 12, marginBottom: 0 }}
            >
              {t('segments.timeDependentHelp')}
            </Typography.Paragraph>
          )}
        </Card>
        {can('customers.read') ? (
          <MembersCard segment={segment} generation={membersGeneration} />
        ) : (
          <Card title={t('segments.members.titlePlain')}>
            <Alert type="info" showIcon title={t('segments.members.noAccess')} />
          </Card>
        )}
      </div>
      {canManage && (
        <SegmentDrawer
          open={editing}
          segment={segment}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            show(saved);
          }}
        />
      )}
    </div>
  );
}

export function SegmentPage() {
  const { key = '' } = useParams();
  return (
    <RequirePermission permission="segments.read">
      <SegmentDetail key={key} segmentKey={key} />
    </RequirePermission>
  );
}

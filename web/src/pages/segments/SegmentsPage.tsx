import {
  DeleteOutlined,
  EditOutlined,
  InboxOutlined,
  MoreOutlined,
  PlusOutlined,
  ReloadOutlined,
  SyncOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { Button, Card, Dropdown, Segmented, Space, Table, Tooltip, Typography, type MenuProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { segmentsApi, type Segment, type SegmentStatus } from '../../api/segments';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { SegmentDrawer } from './SegmentDrawer';
import {
  RefreshState,
  SegmentStatusTag,
  TimeDependentBadge,
  useConditionText,
  usePolling,
  useSegmentText,
} from './segmentDisplay';
import './segments.css';
import { useSegmentActions } from './useSegmentActions';

type Filter = SegmentStatus | 'all';
const FILTERS: Filter[] = ['active', 'archived', 'all'];
const isFilter = (v: string | null): v is Filter => v !== null && (FILTERS as string[]).includes(v);

type Load =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; segments: Segment[] };

/** True when the click was on a link or button inside the row, which do their own thing. */
const onControl = (target: EventTarget) =>
  (target as HTMLElement).closest('a, button, [role="menuitem"], .ant-dropdown') !== null;

function SegmentList() {
  const { t } = useTranslation();
  const format = useFormatters();
  const navigate = useNavigate();
  const { can } = useSession();
  const canManage = can('segments.manage');
  const nameOf = useSegmentText();
  const describe = useConditionText();
  const actions = useSegmentActions();
  const [params, setParams] = useSearchParams();
  const filterParam = params.get('status');
  const filter: Filter = isFilter(filterParam) ? filterParam : 'active';
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [editing, setEditing] = useState<{ segment: Segment | null } | null>(null);
  const controller = useRef<AbortController | null>(null);

  const fetchList = useCallback(
    (silent: boolean) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      if (!silent) setLoad({ status: 'loading' });
      segmentsApi
        .list(filter === 'all' ? undefined : filter, c.signal)
        .then((answer) => {
          if (!c.signal.aborted) setLoad({ status: 'ready', segments: answer.data });
        })
        .catch((error: unknown) => {
          // A failed poll keeps the list on screen; the next poll tries again.
          if (!c.signal.aborted && !silent) setLoad({ status: 'error', error });
        });
    },
    [filter],
  );

  useEffect(() => {
    fetchList(false);
    return () => controller.current?.abort();
  }, [fetchList]);

  const segments = load.status === 'ready' ? load.segments : [];
  const running = segments.some((s) => s.refresh.status === 'running');
  usePolling(running, () => fetchList(true));

  const replace = (next: Segment) =>
    setLoad((current) =>
      current.status === 'ready'
        ? {
            status: 'ready',
            segments: current.segments
              .map((s) => (s.key === next.key ? next : s))
              .filter((s) => filter === 'all' || s.status === filter),
          }
        : current,
    );

  const menuFor = (segment: Segment): MenuProps['items'] => [
    {
      key: 'refresh',
      icon: <SyncOutlined />,
      label: t('segments.actions.refresh'),
      disabled: segment.status === 'archived' || segment.refresh.status === 'running',
    },
    segment.status === 'active'
      ? { key: 'archive', icon: <InboxOutlined />, label: t('segments.actions.archive') }
      : { key: 'reactivate', icon: <UndoOutlined />, label: t('segments.actions.reactivate') },
    { type: 'divider' },
    { key: 'delete', icon: <DeleteOutlined />, label: t('segments.actions.delete'), danger: true },
  ];

  const onMenu = async (segment: Segment, key: string) => {
    if (key === 'refresh') {
      const next = await actions.refresh(segment);
      if (next) replace(next);
    } else if (key === 'archive' || key === 'reactivate') {
      const next = await actions.setStatus(segment, key === 'archive' ? 'archived' : 'active');
      if (next) replace(next);
    } else if (key === 'delete') {
      if (await actions.remove(segment))
        setLoad((current) =>
          current.status === 'ready'
            ? { status: 'ready', segments: current.segments.filter((s) => s.key !== segment.key) }
            : current,
        );
    }
  };

  const columns: ColumnsType<Segment> = [
    {
      title: t('segments.columns.name'),
      key: 'name',
      render: (_: unknown, s) => (
        <div className="tp-seg-name-cell">
          <Link
            to={`/segments/${encodeURIComponent(s.key)}`}
            className="tp-seg-name"
            data-testid="segment-link"
          >
            {nameOf(s.name)}
          </Link>
          <Typography.Text type="secondary" className="tp-mono tp-small">
            {s.key}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('segments.columns.rule'),
      key: 'rule',
      responsive: ['lg'],
      render: (_: unknown, s) => {
        const text =
          s.condition.type === 'all' || s.condition.type === 'any'
            ? s.condition.conditions.map(describe).join(t(`segments.summary.join.${s.condition.type}`))
            : s.condition.type === 'not'
              ? `${t('segments.builder.not')} ${describe(s.condition.condition)}`
              : describe(s.condition);
        return (
          <Typography.Paragraph
            type="secondary"
            className="tp-small"
            ellipsis={{ rows: 2, tooltip: text }}
            style={{ margin: 0, maxWidth: 360 }}
          >
            {nameOf(s.description) || text}
          </Typography.Paragraph>
        );
      },
    },
    {
      title: t('segments.columns.members'),
      dataIndex: 'memberCount',
      align: 'right',
      width: 120,
      render: (count: number, s) => (
        <span className="tp-num tp-seg-count" data-testid={`members-${s.key}`}>
          {format.number(count)}
        </span>
      ),
    },
    {
      title: t('segments.columns.refresh'),
      key: 'refresh',
      width: 240,
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={4}>
          <RefreshState segment={s} compact />
          {s.timeDependent && <TimeDependentBadge />}
        </Space>
      ),
    },
    {
      title: t('segments.columns.status'),
      dataIndex: 'status',
      width: 110,
      render: (status: Segment['status']) => <SegmentStatusTag status={status} />,
    },
    ...(canManage
      ? [
          {
            title: <span className="tp-visually-hidden">{t('common.actions')}</span>,
            key: 'actions',
            width: 100,
            align: 'right' as const,
            render: (_: unknown, s: Segment) => (
              <Space size={0}>
                <Tooltip title={t('common.edit')}>
                  <Button
                    type="text"
                    icon={<EditOutlined />}
                    aria-label={t('segments.actions.editNamed', { name: nameOf(s.name) })}
                    onClick={() => setEditing({ segment: s })}
                  />
                </Tooltip>
                <Dropdown
                  trigger={['click']}
                  menu={{ items: menuFor(s), onClick: ({ key }) => void onMenu(s, key) }}
                >
                  <Button
                    type="text"
                    icon={<MoreOutlined />}
                    aria-label={t('segments.actions.moreNamed', { name: nameOf(s.name) })}
                    data-testid={`segment-more-${s.key}`}
                  />
                </Dropdown>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const empty =
    filter === 'archived' ? (
      <EmptyState title={t('segments.list.emptyArchived')} text={t('segments.list.emptyArchivedText')} />
    ) : (
      <EmptyState
        title={t('segments.list.empty')}
        text={t('segments.list.emptyText')}
        action={
          canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ segment: null })}>
              {t('segments.list.create')}
            </Button>
          )
        }
      />
    );

  return (
    <>
      <PageHeader
        title={t('segments.title')}
        description={t('segments.description')}
        extra={
          <>
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => fetchList(false)}
                aria-label={t('common.refresh')}
              />
            </Tooltip>
            {canManage && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setEditing({ segment: null })}
                data-testid="new-segment"
              >
                {t('segments.list.create')}
              </Button>
            )}
          </>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <div className="tp-seg-toolbar">
          <Segmented<Filter>
            value={filter}
            aria-label={t('segments.list.filter')}
            onChange={(next) => setParams(next === 'active' ? {} : { status: next }, { replace: true })}
            options={FILTERS.map((f) => ({ value: f, label: t(`segments.list.filters.${f}`) }))}
            data-testid="segment-filter"
          />
          {load.status === 'ready' && (
            <Typography.Text type="secondary" className="tp-small" data-testid="segment-summary">
              {running
                ? t('segments.list.summaryRunning', { count: segments.length })
                : t('segments.list.summary', { count: segments.length })}
            </Typography.Text>
          )}
        </div>
        {load.status === 'error' ? (
          <div style={{ padding: 16 }}>
            <ErrorState error={load.error} onRetry={() => fetchList(false)} />
          </div>
        ) : (
          <Table<Segment>
            rowKey="key"
            columns={columns}
            dataSource={segments}
            loading={load.status === 'loading'}
            pagination={false}
            size="middle"
            scroll={{ x: 900 }}
            rowClassName="tp-row-link"
            onRow={(s) => ({
              onClick: (event) => {
                if (!onControl(event.target)) navigate(`/segments/${encodeURIComponent(s.key)}`);
              },
            })}
            locale={{
              emptyText: load.status === 'loading' ? <div className="tp-table-placeholder" /> : empty,
            }}
            data-testid="segments-table"
          />
        )}
      </Card>
      {canManage && (
        <SegmentDrawer
          open={editing !== null}
          segment={editing?.segment ?? null}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            if (created) navigate(`/segments/${encodeURIComponent(saved.key)}`);
            else replace(saved);
          }}
        />
      )}
    </>
  );
}

export function SegmentsPage() {
  return (
    <RequirePermission permission="segments.read">
      <SegmentList />
    </RequirePermission>
  );
}

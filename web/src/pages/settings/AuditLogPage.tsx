import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ACTOR_TYPES,
  auditApi,
  membersApi,
  type ActorType,
  type AuditEntry,
  type AuditFilter,
  type Member,
  type Page,
} from '../../api';
import { CodeBlock } from '../../components/CodeBlock';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from './RequirePermission';

interface FilterValues {
  action?: string;
  actorType?: ActorType;
  targetId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const ACTOR_COLORS: Record<ActorType, string> = {
  user: 'blue',
  api_key: 'gold',
  cli: 'purple',
  system: 'default',
};

/** Form values → API query; blank fields are left out. */
function toFilter(values: FilterValues): AuditFilter {
  const [from, to] = values.range ?? [null, null];
  const filter: AuditFilter = {};
  if (values.action?.trim()) filter.action = values.action.trim();
  if (values.actorType) filter.actorType = values.actorType;
  if (values.targetId?.trim()) filter.targetId = values.targetId.trim();
  if (from) filter.from = from.toDate().toISOString();
  if (to) filter.to = to.toDate().toISOString();
  return filter;
}

function hasDetails(details: unknown): boolean {
  if (details === null || details === undefined) return false;
  if (typeof details === 'object') return Object.keys(details).length > 0;
  return true;
}

const noMembers = (): Promise<Page<Member>> => Promise.resolve({ data: [], nextCursor: null });

function AuditLog() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [form] = Form.useForm<FilterValues>();
  const [filter, setFilter] = useState<AuditFilter>({});
  const filterKey = JSON.stringify(filter);
  const list = useCursorList<AuditEntry>(
    ({ cursor, signal }) => auditApi.list(filter, { cursor, signal, limit: 50 }),
    filterKey,
  );
  // Names for user ids; the log reads fine without them.
  const members = useCursorList<Member>(({ signal }) =>
    can('members.read') ? membersApi.list({ signal, limit: 200 }) : noMembers(),
  );
  const memberNames = useMemo(() => new Map(members.items.map((m) => [m.userId, m])), [members.items]);
  const filtered = filterKey !== '{}';

  const memberOf = (entry: AuditEntry) =>
    entry.actor.type === 'user' && entry.actor.id ? memberNames.get(entry.actor.id) : undefined;
  const actorLabel = (entry: AuditEntry) => {
    const member = memberOf(entry);
    return member ? member.name || member.email : (entry.actor.id ?? t('common.none'));
  };

  const columns: ColumnsType<AuditEntry> = [
    {
      title: t('audit.seq'),
      dataIndex: 'seq',
      width: 80,
      render: (seq: number) => <Typography.Text type="secondary">#{seq}</Typography.Text>,
    },
    {
      title: t('audit.time'),
      dataIndex: 'createdAt',
      width: 190,
      render: (iso: string) => <TimeText iso={iso} />,
    },
    {
      title: t('audit.actorType'),
      key: 'actor',
      render: (_, entry) => (
        <Space size={6}>
          <Tag color={ACTOR_COLORS[entry.actor.type] ?? 'default'}>
            {t(`audit.actorTypes.${entry.actor.type}`)}
          </Tag>
          <Tooltip title={[memberOf(entry)?.email, entry.actor.id].filter(Boolean).join(' · ')}>
            <span className="tp-ellipsis">{actorLabel(entry)}</span>
          </Tooltip>
        </Space>
      ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (action: string) => (
        <Typography.Text code className="tp-nowrap">
          {action}
        </Typography.Text>
      ),
    },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_, entry) => (
        <span className="tp-nowrap">
          <Typography.Text type="secondary">{entry.target.type}</Typography.Text>{' '}
          {entry.target.id && <Typography.Text className="tp-mono">{entry.target.id}</Typography.Text>}
        </span>
      ),
    },
    {
      title: t('audit.ip'),
      dataIndex: 'ip',
      responsive: ['xl'],
      render: (ip: string | null) => ip ?? t('common.none'),
    },
  ];

  const apply = (values: FilterValues) => setFilter(toFilter(values));
  const reset = () => {
    form.resetFields();
    setFilter({});
  };

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card className="tp-filter-card">
        <Form<FilterValues> form={form} layout="inline" onFinish={apply} className="tp-filter-form">
          <Form.Item name="action" label={t('audit.action')}>
            <Input placeholder={t('audit.actionPlaceholder')} allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="actorType" label={t('audit.actorType')}>
            <Select
              allowClear
              placeholder={t('audit.actorTypeAny')}
              style={{ width: 150 }}
              options={ACTOR_TYPES.map((type) => ({ value: type, label: t(`audit.actorTypes.${type}`) }))}
            />
          </Form.Item>
          <Form.Item name="targetId" label={t('audit.targetId')}>
            <Input placeholder={t('audit.targetIdPlaceholder')} allowClear style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="range" label={t('audit.dateRange')}>
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
              placeholder={[t('audit.from'), t('audit.to')]}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('common.apply')}
              </Button>
              <Button onClick={reset}>{t('common.reset')}</Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card styles={{ body: { padding: 0 } }} style={{ marginTop: 16 }}>
        <ListTable<AuditEntry>
          list={list}
          rowKey="id"
          columns={columns}
          size="middle"
          scroll={{ x: 900 }}
          data-testid="audit-table"
          expandable={{
            expandedRowRender: (entry) => (
              <div className="tp-audit-detail">
                <Descriptions
                  size="small"
                  column={{ xs: 1, md: 2 }}
                  items={[
                    { key: 'actor', label: t('audit.actorId'), children: entry.actor.id ?? t('common.none') },
                    {
                      key: 'target',
                      label: t('audit.target'),
                      children: `${entry.target.type}${entry.target.id ? ` ${entry.target.id}` : ''}`,
                    },
                    {
                      key: 'request',
                      label: t('audit.requestId'),
                      children: entry.requestId ?? t('common.none'),
                    },
                    { key: 'ip', label: t('audit.ip'), children: entry.ip ?? t('common.none') },
                  ]}
                />
                {hasDetails(entry.details) ? (
                  <CodeBlock code={JSON.stringify(entry.details, null, 2)} />
                ) : (
                  <Typography.Text type="secondary">{t('audit.noDetails')}</Typography.Text>
                )}
              </div>
            ),
          }}
          empty={<EmptyState title={filtered ? t('audit.emptyFiltered') : t('audit.empty')} />}
        />
        {!list.loading && !list.hasMore && list.items.length > 0 && (
          <div className="tp-list-end">{t('common.endOfList')}</div>
        )}
      </Card>
    </>
  );
}

export function AuditLogPage() {
  return (
    <RequirePermission permission="audit.read">
      <AuditLog />
    </RequirePermission>
  );
}

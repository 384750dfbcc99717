import {
  ApiOutlined,
  DownloadOutlined,
  ReloadOutlined,
  SearchOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { AutoComplete, Button, Card, Form, Input, Space, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { customersApi, type CustomerFilter, type CustomerSummary } from '../../api';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from '../settings/RequirePermission';
import { CustomerAvatar, displayPhone } from './customerDisplay';
import { ImportCustomersModal } from './ImportCustomersModal';

/** Traits people filter by most; any other trait key can be typed. */
const COMMON_TRAITS = ['city', 'region', 'gender', 'language'] as const;

interface SearchValues {
  q?: string;
  traitKey?: string;
  traitValue?: string;
}

/** The search lives in the URL, so it survives opening a profile and coming back, and can be shared. */
function filterFromParams(params: URLSearchParams): CustomerFilter {
  const q = params.get('q')?.trim();
  const key = params.get('trait')?.trim();
  const value = params.get('value')?.trim();
  return {
    q: q || undefined,
    traits: key && value ? { [key]: value } : undefined,
  };
}

/** True when the click was on a link or button inside the row, which do their own thing. */
const onControl = (event: MouseEvent) =>
  (event.target as HTMLElement).closest('a, button, input, .ant-typography-copy') !== null;

function CustomerList() {
  const { t } = useTranslation();
  const format = useFormatters();
  const navigate = useNavigate();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<SearchValues>();
  const [importing, setImporting] = useState(false);
  const filter = filterFromParams(params);
  const filterKey = JSON.stringify(filter);
  const filtered = filter.q !== undefined || filter.traits !== undefined;
  const typedQuery = Form.useWatch('q', form);

  const list = useCursorList<CustomerSummary>(
    ({ cursor, signal }) => customersApi.list(filter, { cursor, signal, limit: 50 }),
    filterKey,
  );

  // Back/forward through searches: the form shows what the list shows.
  useEffect(() => {
    form.setFieldsValue({
      q: params.get('q') ?? '',
      traitKey: params.get('trait') ?? '',
      traitValue: params.get('value') ?? '',
    });
  }, [params, form]);

  const apply = (values: SearchValues) => {
    const next = new URLSearchParams();
    const q = values.q?.trim();
    const key = values.traitKey?.trim();
    const value = values.traitValue?.trim();
    if (q) next.set('q', q);
    if (key && value) {
      next.set('trait', key);
      next.set('value', value);
    }
    setParams(next);
  };
  const reset = () => {
    form.resetFields();
    setParams(new URLSearchParams());
  };

  const open = (customer: CustomerSummary) => navigate(`/customers/${encodeURIComponent(customer.id)}`);

  const columns: ColumnsType<CustomerSummary> = [
    {
      title: t('customers.columns.name'),
      dataIndex: 'name',
      render: (name: string | null, customer) => (
        <Space size={10}>
          <CustomerAvatar id={customer.id} name={name} />
          <span className="tp-customer-cell">
            <Link to={`/customers/${encodeURIComponent(customer.id)}`} className="tp-customer-name">
              {name ?? t('customer.unnamed')}
            </Link>
            <Typography.Text type="secondary" className="tp-mono tp-customer-id">
              {customer.id}
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
      title: t('customers.columns.email'),
      dataIndex: 'email',
      responsive: ['lg'],
      render: (email: string | null) =>
        email ? <span className="tp-ellipsis">{email}</span> : t('common.none'),
    },
    {
      title: t('customers.columns.city'),
      dataIndex: 'city',
      render: (city: string | null) => city ?? t('common.none'),
    },
    {
      title: t('customers.columns.lastSeen'),
      dataIndex: 'lastSeenAt',
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
    {
      title: t('customers.columns.events'),
      dataIndex: 'eventCount',
      align: 'right',
      render: (count: number) => <span className="tp-num">{format.number(count)}</span>,
    },
    {
      title: t('customers.columns.totalSpend'),
      dataIndex: 'totalSpendMinor',
      align: 'right',
      render: (minor: number) => (
        <span className={minor > 0 ? 'tp-num tp-money' : 'tp-num tp-muted'}>{format.money(minor)}</span>
      ),
    },
  ];

  const importButton = can('customers.import') && (
    <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="import-customers">
      {t('customers.import')}
    </Button>
  );

  const empty = filtered ? (
    <EmptyState title={t('customers.emptyFiltered')} text={t('customers.emptyFilteredText')} />
  ) : (
    <EmptyState
      title={t('customers.empty')}
      text={t('customers.emptyText')}
      action={
        <Space>
          {can('write_keys.read') && (
            <Link to="/settings/write-keys">
              <Button type="primary" icon={<ApiOutlined />}>
                {t('customers.emptySources')}
              </Button>
            </Link>
          )}
          {importButton}
        </Space>
      }
    />
  );

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        description={t('customers.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t('common.refresh')} />
            <Tooltip title={t('customers.exportHelp')}>
              <Button
                icon={<DownloadOutlined />}
                href={customersApi.exportUrl}
                download="customers.csv"
                data-testid="export-customers"
              >
                {t('customers.export')}
              </Button>
            </Tooltip>
            {importButton}
          </>
        }
      />
      <Card className="tp-filter-card">
        <Form<SearchValues> form={form} layout="inline" onFinish={apply} className="tp-filter-form">
          <Form.Item name="q" label={t('customers.search')}>
            <Input
              prefix={<SearchOutlined className="tp-muted" />}
              placeholder={t('customers.searchPlaceholder')}
              allowClear
              style={{ width: 320 }}
              maxLength={200}
              data-testid="customer-search"
            />
          </Form.Item>
          <Form.Item label={t('customers.traitFilter')} style={{ marginInlineEnd: 16 }}>
            <Space.Compact>
              <Form.Item name="traitKey" noStyle>
                <AutoComplete
                  style={{ width: 130 }}
                  placeholder={t('customers.traitKeyPlaceholder')}
                  disabled={Boolean(typedQuery?.trim())}
                  aria-label={t('customers.traitKey')}
                  options={COMMON_TRAITS.map((key) => ({
                    value: key,
                    label: (
                      <span>
                        {t(`customers.traitKeys.${key}`)}{' '}
                        <Typography.Text type="secondary" className="tp-mono">
                          {key}
                        </Typography.Text>
                      </span>
                    ),
                  }))}
                />
              </Form.Item>
              <Form.Item name="traitValue" noStyle>
                <Input
                  style={{ width: 160 }}
                  placeholder={t('customers.traitValuePlaceholder')}
                  disabled={Boolean(typedQuery?.trim())}
                  aria-label={t('customers.traitValue')}
                  maxLength={200}
                />
              </Form.Item>
            </Space.Compact>
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
        {typedQuery?.trim() ? (
          <Typography.Paragraph type="secondary" className="tp-filter-hint">
            {t('customers.traitFilterIgnored')}
          </Typography.Paragraph>
        ) : null}
      </Card>
      <Card styles={{ body: { padding: 0 } }} style={{ marginTop: 16 }}>
        {filter.q && !list.loading && !list.error && (
          <div className="tp-result-bar" data-testid="search-summary">
            {t('customers.resultsFor', { q: filter.q, count: list.items.length })}
          </div>
        )}
        <ListTable<CustomerSummary>
          list={list}
          rowKey="id"
          columns={columns}
          size="middle"
          scroll={{ x: 900 }}
          rowClassName="tp-row-link"
          onRow={(customer) => ({
            onClick: (event) => {
              if (!onControl(event)) open(customer);
            },
          })}
          data-testid="customers-table"
          empty={empty}
        />
        {!list.loading && !list.hasMore && list.items.length > 0 && !filter.q && (
          <div className="tp-list-end">{t('common.endOfList')}</div>
        )}
      </Card>
      <ImportCustomersModal
        open={importing}
        onClose={() => setImporting(false)}
        onImported={() => list.reload()}
      />
    </>
  );
}

export function CustomersPage() {
  return (
    <RequirePermission permission="customers.read">
      <CustomerList />
    </RequirePermission>
  );
}

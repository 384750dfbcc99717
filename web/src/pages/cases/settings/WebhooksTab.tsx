import { DeleteOutlined, EditOutlined, HistoryOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  webhooksApi,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookInput,
} from '../../../api/cases';
import { SecretBox } from '../../../components/CodeBlock';
import { ListTable } from '../../../components/ListTable';
import { EmptyState, ErrorState } from '../../../components/states';
import { TimeText } from '../../../components/TimeText';
import { useErrorMessage } from '../../../lib/errors';
import { useCursorList } from '../../../lib/useCursorList';

/** Events the server sends to webhooks (a trailing * matches a family, * alone matches everything). */
const EVENT_SUGGESTIONS = [
  'case.*',
  'case.created',
  'case.resolved',
  'case.reopened',
  'case.escalated',
  'case.sla.breached',
  '*',
];

interface Values {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
}

function Deliveries({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t } = useTranslation();
  const list = useCursorList<WebhookDelivery>(
    ({ cursor, signal }) => webhooksApi.deliveries(endpoint.id, { cursor, signal, limit: 50 }),
    endpoint.id,
  );
  const color = (status: string) =>
    status === 'delivered' ? 'success' : status === 'failed' || status === 'dead' ? 'error' : 'processing';
  return (
    <>
      <div className="tp-tab-toolbar">
        <Typography.Text type="secondary">{endpoint.url}</Typography.Text>
        <Button onClick={list.reload}>{t('common.refresh')}</Button>
      </div>
      <ListTable<WebhookDelivery>
        list={list}
        rowKey="id"
        size="small"
        data-testid="webhook-deliveries"
        empty={
          <EmptyState title={t('cases.webhooks.noDeliveries')} text={t('cases.webhooks.noDeliveriesText')} />
        }
        columns={[
          {
            title: t('cases.webhooks.event'),
            dataIndex: 'eventType',
            render: (v: string) => <span className="tp-mono">{v}</span>,
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (v: string) => (
              <Tag color={color(v)}>
                {t(`cases.webhooks.status.${v}` as 'cases.webhooks.status.pending', { defaultValue: v })}
              </Tag>
            ),
          },
          { title: t('cases.webhooks.attempts'), dataIndex: 'attempts', align: 'right' },
          {
            title: t('cases.webhooks.response'),
            key: 'response',
            render: (_, d) =>
              d.responseStatus ??
              (d.lastError ? (
                <Typography.Text type="danger" ellipsis={{ tooltip: d.lastError }} style={{ maxWidth: 220 }}>
                  {d.lastError}
                </Typography.Text>
              ) : (
                t('common.none')
              )),
          },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => <TimeText iso={v} relative />,
          },
        ]}
      />
    </>
  );
}

/** The workspace's webhook endpoints (signed with a secret shown once), a test send and each one's delivery log. */
export function WebhooksTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<WebhookEndpoint | null>(null);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    webhooksApi
      .list(controller.signal)
      .then((answer) => setEndpoints(answer.data))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [generation]);

  const open = (endpoint: WebhookEndpoint | 'new') => {
    setSaveError(null);
    setEditing(endpoint);
    form.resetFields();
    form.setFieldsValue(
      endpoint === 'new'
        ? { name: '', url: 'https://', events: ['case.*'], enabled: true }
        : { name: endpoint.name, url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    const input: WebhookInput = {
      name: v.name.trim(),
      url: v.url.trim(),
      events: v.events,
      enabled: v.enabled,
      ...(v.secret?.trim() && { secret: v.secret.trim() }),
    };
    setSaving(true);
    setSaveError(null);
    try {
      if (editing === 'new') {
        const answer = await webhooksApi.create(input);
        setSecret(answer.secret);
      } else if (editing) {
        await webhooksApi.update(editing.id, input);
        message.success(t('cases.settings.saved'));
      }
      setEditing(null);
      setGeneration((g) => g + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      message.success(done);
      setGeneration((g) => g + 1);
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  if (error !== null) return <ErrorState error={error} onRetry={() => setGeneration((g) => g + 1)} />;

  return (
    <>
      <div className="tp-tab-toolbar">
        <Typography.Text type="secondary">{t('cases.webhooks.help')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="add-webhook">
          {t('cases.webhooks.add')}
        </Button>
      </div>
      <Table<WebhookEndpoint>
        rowKey="id"
        loading={endpoints === null}
        dataSource={endpoints ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{
          emptyText:
            endpoints === null ? (
              <div className="tp-table-placeholder" />
            ) : (
              <EmptyState
                title={t('cases.webhooks.empty')}
                text={t('cases.webhooks.emptyText')}
                action={
                  <Button type="primary" onClick={() => open('new')}>
                    {t('cases.webhooks.add')}
                  </Button>
                }
              />
            ),
        }}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          {
            title: t('cases.webhooks.url'),
            dataIndex: 'url',
            render: (v: string) => (
              <Typography.Text className="tp-mono" ellipsis={{ tooltip: v }} style={{ maxWidth: 280 }}>
                {v}
              </Typography.Text>
            ),
          },
          {
            title: t('cases.webhooks.events'),
            dataIndex: 'events',
            render: (v: string[]) => (
              <Space wrap size={[4, 4]}>
                {v.map((e) => (
                  <Tag key={e} className="tp-mono">
                    {e}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('cases.settings.enabled'),
            key: 'enabled',
            width: 90,
            render: (_, e) => (
              <Switch
                checked={e.enabled}
                aria-label={t('cases.settings.enabled')}
                onChange={(enabled) =>
                  void act(() => webhooksApi.update(e.id, { enabled }), t('cases.settings.saved'))
                }
              />
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_, e) => (
              <Space>
                <Button
                  icon={<SendOutlined />}
                  aria-label={t('cases.webhooks.test')}
                  title={t('cases.webhooks.test')}
                  onClick={() => void act(() => webhooksApi.test(e.id), t('cases.webhooks.testSent'))}
                />
                <Button
                  icon={<HistoryOutlined />}
                  aria-label={t('cases.webhooks.log')}
                  title={t('cases.webhooks.log')}
                  onClick={() => setLog(e)}
                />
                <Button icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => open(e)} />
                <Popconfirm
                  title={t('cases.webhooks.remove')}
                  onConfirm={() => void act(() => webhooksApi.remove(e.id), t('cases.webhooks.removed'))}
                  okButtonProps={{ danger: true }}
                >
                  <Button danger icon={<DeleteOutlined />} aria-label={t('cases.webhooks.remove')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('cases.webhooks.add') : t('cases.webhooks.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.save')}
        confirmLoading={saving}
        forceRender
        width={640}
      >
        <Form<Values> form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('common.name')}
            rules={[
              { required: true, whitespace: true, max: 100, message: t('cases.settings.nameRequired') },
            ]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="url"
            label={t('cases.webhooks.url')}
            rules={[
              { required: true, type: 'url', message: t('cases.webhooks.urlInvalid') },
              { pattern: /^https?:\/\//, message: t('cases.webhooks.urlInvalid') },
            ]}
          >
            <Input maxLength={2000} className="tp-mono" />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('cases.webhooks.events')}
            extra={t('cases.webhooks.eventsHelp')}
            rules={[{ required: true, type: 'array', min: 1, message: t('cases.webhooks.eventsRequired') }]}
          >
            <Select mode="tags" options={EVENT_SUGGESTIONS.map((e) => ({ value: e, label: e }))} />
          </Form.Item>
          <Form.Item
            name="secret"
            label={t('cases.webhooks.secret')}
            extra={editing === 'new' ? t('cases.webhooks.secretNewHelp') : t('cases.webhooks.secretEditHelp')}
            rules={[{ min: 16, max: 200, message: t('cases.webhooks.secretLength') }]}
          >
            <Input.Password maxLength={200} autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="enabled" label={t('cases.settings.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
        {saveError !== null && <Alert type="error" showIcon title={messageOf(saveError)} />}
      </Modal>
      <Modal
        open={secret !== null}
        title={t('cases.webhooks.secretTitle')}
        onCancel={() => setSecret(null)}
        onOk={() => setSecret(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Typography.Paragraph>{t('cases.webhooks.secretOnce')}</Typography.Paragraph>
        {secret && <SecretBox value={secret} testId="webhook-secret" />}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('cases.webhooks.signatureHelp')}
        </Typography.Paragraph>
      </Modal>
      <Drawer
        open={log !== null}
        onClose={() => setLog(null)}
        title={log ? t('cases.webhooks.logTitle', { name: log.name }) : ''}
        size="large"
      >
        {log && <Deliveries endpoint={log} />}
      </Drawer>
    </>
  );
}

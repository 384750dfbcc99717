import { ExclamationCircleFilled, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiKeysApi, membersApi, type ApiKey, type Member, type Page, type Role } from '../../api';
import { CodeBlock, SecretBox } from '../../components/CodeBlock';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { RoleSelect } from '../../components/RoleSelect';
import { RoleTag } from '../../components/RoleTag';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useErrorMessage } from '../../lib/errors';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from './RequirePermission';
import { SubmitOnEnter } from '../../components/SubmitOnEnter';

interface CreateValues {
  name: string;
  role: Role;
}

function CreateApiKeyModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (apiKey: ApiKey, key: string) => void;
}) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<CreateValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: CreateValues) => {
    setSaving(true);
    setError(null);
    try {
      const result = await apiKeysApi.create({ name: values.name.trim(), role: values.role });
      form.resetFields();
      onCreated(result.apiKey, result.key);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('apiKeys.createTitle')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Form<CreateValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ role: 'analyst' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="name"
          label={t('apiKeys.nameLabel')}
          rules={[{ required: true, whitespace: true, message: t('apiKeys.nameRequired') }]}
        >
          <Input placeholder={t('apiKeys.namePlaceholder')} maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="role" label={t('apiKeys.roleLabel')}>
          <RoleSelect />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
        <SubmitOnEnter />
      </Form>
    </Modal>
  );
}

/**
 * Shows a newly created secret exactly once. The modal is unmounted on close (not just hidden, which Ant Design
 * would do), so the secret leaves the page for good.
 */
function RevealKeyModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  if (secret === null) return null;
  return (
    <Modal
      open
      title={t('apiKeys.revealTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      keyboard={false}
      width={620}
      footer={
        <Button type="primary" onClick={onClose} data-testid="api-key-done">
          {t('apiKeys.revealDone')}
        </Button>
      }
    >
      <div data-testid="api-key-reveal">
        <Alert
          type="warning"
          showIcon
          icon={<ExclamationCircleFilled />}
          title={t('apiKeys.revealWarning')}
        />
        <div style={{ margin: '16px 0' }}>
          <SecretBox value={secret} testId="api-key-secret" />
        </div>
        <Typography.Text type="secondary">{t('apiKeys.usage')}</Typography.Text>
        <CodeBlock
          code={`curl ${window.location.origin}/api/v1/workspace \\\n  -H 'Authorization: Bearer ${secret}'`}
        />
      </div>
    </Modal>
  );
}

const noMembers = (): Promise<Page<Member>> => Promise.resolve({ data: [], nextCursor: null });

function ApiKeysList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const manage = can('api_keys.manage');
  const list = useCursorList<ApiKey>(({ cursor, signal }) => apiKeysApi.list({ cursor, signal }));
  // Only to show who created a key by name; the page works without it.
  const members = useCursorList<Member>(({ signal }) =>
    can('members.read') ? membersApi.list({ signal, limit: 200 }) : noMembers(),
  );
  const memberNames = useMemo(
    () => new Map(members.items.map((m) => [m.userId, m.name || m.email])),
    [members.items],
  );
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const revoke = async (key: ApiKey) => {
    try {
      await apiKeysApi.revoke(key.id);
      const revokedAt = new Date().toISOString();
      list.update((items) =>
        items.map((k) => (k.id === key.id ? { ...k, revokedAt: k.revokedAt ?? revokedAt } : k)),
      );
      void message.success(t('apiKeys.revoked', { name: key.name }));
    } catch (e) {
      void message.error(messageOf(e));
    }
  };

  const columns: ColumnsType<ApiKey> = [
    {
      title: t('common.name'),
      dataIndex: 'name',
      render: (name: string, key) => (
        <Typography.Text strong={!key.revokedAt} delete={key.revokedAt !== null}>
          {name}
        </Typography.Text>
      ),
    },
    {
      title: t('apiKeys.hint'),
      dataIndex: 'hint',
      render: (hint: string) => <Typography.Text code>{hint}</Typography.Text>,
    },
    { title: t('common.role'), dataIndex: 'role', render: (role: Role) => <RoleTag role={role} /> },
    {
      title: t('apiKeys.createdBy'),
      dataIndex: 'createdBy',
      responsive: ['lg'],
      render: (id: string | null) =>
        id ? (memberNames.get(id) ?? <Typography.Text code>{id}</Typography.Text>) : t('common.none'),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (iso: string) => <TimeText iso={iso} /> },
    {
      title: t('common.lastUsed'),
      dataIndex: 'lastUsedAt',
      render: (iso: string | null) =>
        iso ? (
          <TimeText iso={iso} relative />
        ) : (
          <Typography.Text type="secondary">{t('common.never')}</Typography.Text>
        ),
    },
    {
      title: t('common.status'),
      dataIndex: 'revokedAt',
      render: (revokedAt: string | null) =>
        revokedAt ? (
          <Tag>{t('common.statusRevoked')}</Tag>
        ) : (
          <Tag color="success">{t('common.statusActive')}</Tag>
        ),
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, key: ApiKey) =>
              key.revokedAt ? null : (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm', { name: key.name })}
                  description={t('apiKeys.revokeConfirmText')}
                  okText={t('apiKeys.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => revoke(key)}
                >
                  <Button type="link" danger size="small">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];

  const createButton = manage && (
    <Button
      type="primary"
      icon={<PlusOutlined />}
      onClick={() => setCreating(true)}
      data-testid="create-api-key"
    >
      {t('apiKeys.create')}
    </Button>
  );

  return (
    <>
      <PageHeader title={t('apiKeys.title')} description={t('apiKeys.description')} extra={createButton} />
      <Card styles={{ body: { padding: 0 } }}>
        <ListTable<ApiKey>
          list={list}
          rowKey="id"
          columns={columns}
          rowClassName={(key) => (key.revokedAt ? 'tp-row-revoked' : '')}
          empty={
            <EmptyState title={t('apiKeys.empty')} text={t('apiKeys.emptyText')} action={createButton} />
          }
          scroll={{ x: 900 }}
        />
      </Card>
      <CreateApiKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(apiKey, key) => {
          setCreating(false);
          list.update((items) => [apiKey, ...items.filter((k) => k.id !== apiKey.id)]);
          setSecret(key);
        }}
      />
      <RevealKeyModal secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

export function ApiKeysPage() {
  return (
    <RequirePermission permission="api_keys.read">
      <ApiKeysList />
    </RequirePermission>
  );
}

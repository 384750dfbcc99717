import { CodeOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { writeKeysApi, type WriteKey } from '../../api';
import { InstallSnippets } from '../../components/InstallSnippets';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useErrorMessage } from '../../lib/errors';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { IngestStatusCard } from './IngestStatusCard';
import { RequirePermission } from './RequirePermission';
import { SubmitOnEnter } from '../../components/SubmitOnEnter';

function CreateWriteKeyModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (key: WriteKey) => void;
}) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<{ name: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ name }: { name: string }) => {
    setSaving(true);
    setError(null);
    try {
      const key = await writeKeysApi.create({ name: name.trim() });
      form.resetFields();
      onCreated(key);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('writeKeys.createTitle')}
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
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)}>
        <Form.Item
          name="name"
          label={t('writeKeys.nameLabel')}
          rules={[{ required: true, whitespace: true, message: t('writeKeys.nameRequired') }]}
        >
          <Input placeholder={t('writeKeys.namePlaceholder')} maxLength={100} autoComplete="off" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
        <SubmitOnEnter />
      </Form>
    </Modal>
  );
}

function WriteKeysList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const manage = can('write_keys.manage');
  const [params, setParams] = useSearchParams();
  const list = useCursorList<WriteKey>(({ cursor, signal }) => writeKeysApi.list({ cursor, signal }));
  const [creating, setCreating] = useState(false);
  const [installing, setInstalling] = useState<WriteKey | null>(null);

  // The start page links here with ?create=1 to open the form directly.
  useEffect(() => {
    if (params.get('create') === '1') {
      if (manage) setCreating(true);
      setParams({}, { replace: true });
    }
  }, [params, setParams, manage]);

  const revoke = async (key: WriteKey) => {
    try {
      await writeKeysApi.revoke(key.id);
      const revokedAt = new Date().toISOString();
      list.update((items) =>
        items.map((k) => (k.id === key.id ? { ...k, revokedAt: k.revokedAt ?? revokedAt } : k)),
      );
      void message.success(t('writeKeys.revoked', { name: key.name }));
    } catch (e) {
      void message.error(messageOf(e));
    }
  };

  const columns: ColumnsType<WriteKey> = [
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
      title: t('writeKeys.key'),
      dataIndex: 'key',
      render: (value: string, key) => (
        <Typography.Text code copyable={key.revokedAt ? false : { text: value }} className="tp-mono">
          {value}
        </Typography.Text>
      ),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (iso: string) => <TimeText iso={iso} /> },
    {
      title: t('common.lastUsed'),
      dataIndex: 'lastUsedAt',
      render: (iso: string | null) =>
        iso ? (
          <TimeText iso={iso} relative />
        ) : (
          <Typography.Text type="secondary">{t('writeKeys.noEvents')}</Typography.Text>
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
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, key) =>
        key.revokedAt ? null : (
          <Space size={0}>
            <Button type="link" size="small" icon={<CodeOutlined />} onClick={() => setInstalling(key)}>
              {t('writeKeys.install')}
            </Button>
            {manage && (
              <Popconfirm
                title={t('writeKeys.revokeConfirm', { name: key.name })}
                description={t('writeKeys.revokeConfirmText')}
                okText={t('writeKeys.revoke')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => revoke(key)}
              >
                <Button type="link" danger size="small">
                  {t('writeKeys.revoke')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        ),
    },
  ];

  const createButton = manage && (
    <Button
      type="primary"
      icon={<PlusOutlined />}
      onClick={() => setCreating(true)}
      data-testid="create-write-key"
    >
      {t('writeKeys.create')}
    </Button>
  );

  return (
    <>
      <PageHeader
        title={t('writeKeys.title')}
        description={t('writeKeys.description')}
        extra={createButton}
      />
      <IngestStatusCard />
      <Card styles={{ body: { padding: 0 } }}>
        <ListTable<WriteKey>
          list={list}
          rowKey="id"
          columns={columns}
          rowClassName={(key) => (key.revokedAt ? 'tp-row-revoked' : '')}
          empty={
            <EmptyState title={t('writeKeys.empty')} text={t('writeKeys.emptyText')} action={createButton} />
          }
          scroll={{ x: 900 }}
        />
      </Card>
      <CreateWriteKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          list.update((items) => [key, ...items.filter((k) => k.id !== key.id)]);
          void message.success(t('writeKeys.created', { name: key.name }));
          setInstalling(key);
        }}
      />
      <Drawer
        open={installing !== null}
        title={installing ? t('writeKeys.installTitle', { name: installing.name }) : ''}
        size={720}
        onClose={() => setInstalling(null)}
        destroyOnHidden
      >
        {installing && (
          <div data-testid="install-drawer">
            <Typography.Paragraph type="secondary">{t('writeKeys.installIntro')}</Typography.Paragraph>
            <InstallSnippets writeKey={installing.key} />
          </div>
        )}
      </Drawer>
    </>
  );
}

export function WriteKeysPage() {
  return (
    <RequirePermission permission="write_keys.read">
      <WriteKeysList />
    </RequirePermission>
  );
}

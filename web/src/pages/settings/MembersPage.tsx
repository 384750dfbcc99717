import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Avatar,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { membersApi, type Member, type Role } from '../../api';
import { SecretBox } from '../../components/CodeBlock';
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

interface AddValues {
  email: string;
  name?: string;
  role: Role;
}

function AddMemberModal({
  open,
  onClose,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (member: Member, temporaryPassword: string | null) => void;
}) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<AddValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: AddValues) => {
    setSaving(true);
    setError(null);
    try {
      const name = values.name?.trim();
      const result = await membersApi.add({
        email: values.email.trim(),
        role: values.role,
        ...(name ? { name } : {}),
      });
      form.resetFields();
      onAdded(result.member, result.temporaryPassword);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('members.addTitle')}
      okText={t('members.add')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('members.addIntro')}</Typography.Paragraph>
      <Form<AddValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ role: 'viewer' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="email"
          label={t('common.email')}
          rules={[
            { required: true, message: t('members.emailRequired') },
            { type: 'email', message: t('members.emailInvalid') },
          ]}
        >
          <Input placeholder="name@company.com" autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={`${t('common.name')} (${t('common.optional')})`}>
          <Input placeholder={t('members.namePlaceholder')} maxLength={100} />
        </Form.Item>
        <Form.Item name="role" label={t('common.role')}>
          <RoleSelect />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
        <SubmitOnEnter />
      </Form>
    </Modal>
  );
}

function MembersList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { info, can } = useSession();
  const manage = can('members.manage');
  const list = useCursorList<Member>(({ cursor, signal }) => membersApi.list({ cursor, signal }));
  const [adding, setAdding] = useState(false);
  const [temporary, setTemporary] = useState<{ email: string; password: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const changeRole = async (member: Member, role: Role) => {
    setBusy(member.userId);
    try {
      const updated = await membersApi.changeRole(member.userId, role);
      list.update((items) => items.map((m) => (m.userId === updated.userId ? updated : m)));
      void message.success(
        t('members.roleChanged', { email: member.email, role: t(`roles.${updated.role}`) }),
      );
    } catch (e) {
      void message.error(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (member: Member) => {
    try {
      await membersApi.remove(member.userId);
      list.update((items) => items.filter((m) => m.userId !== member.userId));
      void message.success(t('members.removed', { email: member.email }));
    } catch (e) {
      void message.error(messageOf(e));
    }
  };

  const columns: ColumnsType<Member> = [
    {
      title: t('members.member'),
      key: 'member',
      render: (_, member) => (
        <Space>
          <Avatar className="tp-member-avatar">
            {(member.name || member.email).slice(0, 1).toUpperCase()}
          </Avatar>
          <div>
            <div>
              {member.name || member.email.split('@')[0]}
              {member.userId === info.user.id && (
                <Tag style={{ marginLeft: 8 }} variant="outlined">
                  {t('common.you')}
                </Tag>
              )}
            </div>
            <Typography.Text type="secondary">{member.email}</Typography.Text>
          </div>
        </Space>
      ),
    },
    {
      title: t('common.role'),
      key: 'role',
      width: 220,
      render: (_, member) =>
        manage && member.userId !== info.user.id ? (
          <RoleSelect
            value={member.role}
            style={{ width: 180 }}
            loading={busy === member.userId}
            onChange={(role) => void changeRole(member, role)}
            aria-label={t('common.role')}
          />
        ) : (
          <RoleTag role={member.role} />
        ),
    },
    {
      title: t('members.joined'),
      dataIndex: 'createdAt',
      width: 200,
      render: (iso: string) => <TimeText iso={iso} />,
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            render: (_: unknown, member: Member) =>
              member.userId === info.user.id ? null : (
                <Popconfirm
                  title={t('members.removeConfirm', { email: member.email })}
                  description={t('members.removeConfirmText')}
                  okText={t('members.remove')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove(member)}
                >
                  <Button type="link" danger size="small">
                    {t('members.remove')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('members.title')}
        description={t('members.description')}
        extra={
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
              {t('members.add')}
            </Button>
          )
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <ListTable<Member>
          list={list}
          rowKey="userId"
          columns={columns}
          empty={<EmptyState title={t('members.empty')} />}
          scroll={{ x: 720 }}
        />
      </Card>
      <AddMemberModal
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(member, password) => {
          setAdding(false);
          list.update((items) => [...items.filter((m) => m.userId !== member.userId), member]);
          void message.success(t('members.added', { email: member.email, role: t(`roles.${member.role}`) }));
          if (password) setTemporary({ email: member.email, password });
        }}
      />
      {/* Rendered only while open: Ant Design keeps hidden modals in the page, and the password must not stay. */}
      {temporary && (
        <Modal
          open
          title={t('members.tempPasswordTitle')}
          onCancel={() => setTemporary(null)}
          mask={{ closable: false }}
          footer={
            <Button type="primary" onClick={() => setTemporary(null)}>
              {t('common.close')}
            </Button>
          }
        >
          <Typography.Paragraph>
            {t('members.tempPasswordText', { email: temporary.email })}
          </Typography.Paragraph>
          <SecretBox value={temporary.password} testId="temporary-password" />
        </Modal>
      )}
    </>
  );
}

export function MembersPage() {
  return (
    <RequirePermission permission="members.read">
      <MembersList />
    </RequirePermission>
  );
}

import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Form,
  Input,
  InputNumber,
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
import { caseSettingsApi, type Team, type TeamInput, type TeamMember } from '../../../api/cases';
import { EmptyState, ErrorState } from '../../../components/states';
import { useErrorMessage } from '../../../lib/errors';
import { useBilingual, type CaseLookups } from '../caseDisplay';

interface Values {
  nameZh: string;
  nameEn: string;
  supervisorId?: string | null;
  members: TeamMember[];
}

/** Teams, their supervisor and members, each member with a capacity (open cases at once) and availability. */
export function TeamsTab({ lookups }: { lookups: CaseLookups }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const bilingual = useBilingual();
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    caseSettingsApi
      .teams(controller.signal)
      .then((answer) => setTeams(answer.data))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [generation]);

  const refresh = () => {
    setGeneration((g) => g + 1);
    lookups.reload();
  };

  const open = (team: Team | 'new') => {
    setSaveError(null);
    setEditing(team);
    form.setFieldsValue(
      team === 'new'
        ? { nameZh: '', nameEn: '', supervisorId: null, members: [] }
        : {
            nameZh: team.name['zh-CN'],
            nameEn: team.name.en,
            supervisorId: team.supervisorId,
            members: team.members,
          },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    const input: TeamInput = {
      name: { 'zh-CN': v.nameZh.trim(), en: v.nameEn.trim() },
      supervisorId: v.supervisorId || null,
      members: (v.members ?? []).map((m) => ({
        userId: m.userId,
        capacity: m.capacity ?? 20,
        available: m.available ?? true,
      })),
    };
    setSaving(true);
    setSaveError(null);
    try {
      if (editing === 'new') await caseSettingsApi.createTeam(input);
      else if (editing) await caseSettingsApi.updateTeam(editing.id, input);
      message.success(t('cases.settings.saved'));
      setEditing(null);
      refresh();
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const remove = async (team: Team) => {
    try {
      await caseSettingsApi.deleteTeam(team.id);
      message.success(t('cases.settings.teamDeleted'));
      refresh();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const memberOptions = lookups.members.map((m) => ({ value: m.userId, label: m.name?.trim() || m.email }));

  if (error !== null) return <ErrorState error={error} onRetry={() => setGeneration((g) => g + 1)} />;

  return (
    <>
      <div className="tp-tab-toolbar">
        <Typography.Text type="secondary">{t('cases.settings.teamsHelp')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="add-team">
          {t('cases.settings.addTeam')}
        </Button>
      </div>
      <Table<Team>
        rowKey="id"
        loading={teams === null}
        dataSource={teams ?? []}
        pagination={false}
        scroll={{ x: 800 }}
        locale={{
          emptyText:
            teams === null ? (
              <div className="tp-table-placeholder" />
            ) : (
              <EmptyState title={t('cases.settings.noTeams')} text={t('cases.settings.noTeamsText')} />
            ),
        }}
        columns={[
          { title: t('common.name'), key: 'name', render: (_, team) => bilingual(team.name) },
          {
            title: t('cases.settings.supervisor'),
            key: 'supervisor',
            render: (_, team) =>
              team.supervisorId ? lookups.memberName(team.supervisorId) : t('common.none'),
          },
          {
            title: t('cases.settings.members'),
            key: 'members',
            render: (_, team) =>
              team.members.length === 0 ? (
                <span className="tp-muted">{t('cases.settings.noMembers')}</span>
              ) : (
                <Space wrap size={[4, 4]}>
                  {team.members.map((m) => (
                    <Tag key={m.userId} color={m.available ? 'blue' : 'default'}>
                      {lookups.memberName(m.userId)} ·{' '}
                      {t('cases.settings.capacityShort', { count: m.capacity })}
                      {!m.available && ` · ${t('cases.settings.away')}`}
                    </Tag>
                  ))}
                </Space>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 120,
            render: (_, team) => (
              <Space>
                <Button icon={<EditOutlined />} onClick={() => open(team)} aria-label={t('common.edit')} />
                <Popconfirm
                  title={t('cases.settings.deleteTeam')}
                  description={t('cases.settings.deleteTeamText')}
                  onConfirm={() => void remove(team)}
                  okButtonProps={{ danger: true }}
                >
                  <Button danger icon={<DeleteOutlined />} aria-label={t('cases.settings.deleteTeam')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('cases.settings.addTeam') : t('cases.settings.editTeam')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.save')}
        confirmLoading={saving}
        width={680}
        forceRender
      >
        <Form<Values> form={form} layout="vertical">
          <Space wrap style={{ width: '100%' }}>
            <Form.Item
              name="nameZh"
              label={t('cases.settings.nameZh')}
              rules={[{ required: true, whitespace: true, message: t('cases.settings.nameRequired') }]}
            >
              <Input maxLength={60} style={{ width: 280 }} />
            </Form.Item>
            <Form.Item
              name="nameEn"
              label={t('cases.settings.nameEn')}
              rules={[{ required: true, whitespace: true, message: t('cases.settings.nameRequired') }]}
            >
              <Input maxLength={60} style={{ width: 280 }} />
            </Form.Item>
          </Space>
          <Form.Item
            name="supervisorId"
            label={t('cases.settings.supervisor')}
            extra={t('cases.settings.supervisorHelp')}
          >
            <Select allowClear showSearch optionFilterProp="label" options={memberOptions} />
          </Form.Item>
          <Typography.Text strong>{t('cases.settings.members')}</Typography.Text>
          <Form.List name="members">
            {(fields, { add, remove: removeMember }) => (
              <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
                {fields.map((field) => (
                  <Space key={field.key} align="start" wrap>
                    <Form.Item
                      name={[field.name, 'userId']}
                      rules={[{ required: true, message: t('cases.settings.memberRequired') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <Select
                        showSearch
                        optionFilterProp="label"
                        options={memberOptions}
                        style={{ width: 240 }}
                        aria-label={t('cases.settings.member')}
                        placeholder={t('cases.settings.member')}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'capacity']} style={{ marginBottom: 0 }} initialValue={20}>
                      <InputNumber
                        min={0}
                        max={1000}
                        precision={0}
                        suffix={t('cases.settings.capacity')}
                        aria-label={t('cases.settings.capacity')}
                        style={{ width: 170 }}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'available']}
                      valuePropName="checked"
                      style={{ marginBottom: 0 }}
                      initialValue
                    >
                      <Switch
                        checkedChildren={t('cases.settings.available')}
                        unCheckedChildren={t('cases.settings.away')}
                        aria-label={t('cases.settings.available')}
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<DeleteOutlined />}
                      onClick={() => removeMember(field.name)}
                      aria-label={t('cases.settings.removeMember')}
                    />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ userId: undefined, capacity: 20, available: true })}
                >
                  {t('cases.settings.addMember')}
                </Button>
              </Space>
            )}
          </Form.List>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('cases.settings.capacityHelp')}
          </Typography.Paragraph>
        </Form>
        {saveError !== null && <Alert type="error" showIcon title={messageOf(saveError)} />}
      </Modal>
    </>
  );
}

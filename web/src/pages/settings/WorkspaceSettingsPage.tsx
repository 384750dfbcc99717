import { Alert, App, Button, Card, Form, Input, Select, Skeleton } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, workspaceApi, type Locale, type Workspace } from '../../api';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { timeZoneOptions } from '../../layout/timeZones';
import { useErrorMessage } from '../../lib/errors';
import { useSession } from '../../session/SessionContext';
import { RequirePermission } from './RequirePermission';

interface Values {
  name: string;
  timeZone: string;
  defaultLocale: Locale;
}

function WorkspaceForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const format = useFormatters();
  const { can, refresh } = useSession();
  const editable = can('workspace.update');
  const zones = useMemo(() => timeZoneOptions(), []);
  const [form] = Form.useForm<Values>();
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    workspaceApi
      .get(controller.signal)
      .then(setWorkspace)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setLoadError(e);
      });
    return () => controller.abort();
  }, [attempt]);

  const save = async (values: Values) => {
    setSaving(true);
    try {
      const updated = await workspaceApi.update({ ...values, name: values.name.trim() });
      setWorkspace(updated);
      form.setFieldsValue({
        name: updated.name,
        timeZone: updated.timeZone,
        defaultLocale: updated.defaultLocale,
      });
      setDirty(false);
      void message.success(t('workspaceSettings.saved'));
      void refresh(); // the name shows in the top bar and the workspace list
    } catch (e) {
      void message.error(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <ErrorState error={loadError} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!workspace) return <Skeleton active paragraph={{ rows: 6 }} />;

  return (
    <>
      {!editable && (
        <Alert type="info" showIcon title={t('workspaceSettings.readOnly')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={!editable}
        initialValues={{
          name: workspace.name,
          timeZone: workspace.timeZone,
          defaultLocale: workspace.defaultLocale,
        }}
        onValuesChange={() => setDirty(true)}
        onFinish={(v) => void save(v)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item
          name="name"
          label={t('workspaceSettings.name')}
          rules={[{ required: true, whitespace: true, message: t('workspaceSettings.nameRequired') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t('workspaceSettings.slug')} extra={t('workspaceSettings.slugHelp')}>
          <Input value={workspace.slug} disabled />
        </Form.Item>
        <Form.Item name="timeZone" label={t('workspaceSettings.timeZone')}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={zones} />
        </Form.Item>
        <Form.Item name="defaultLocale" label={t('workspaceSettings.defaultLanguage')}>
          <Select options={LOCALES.map((lng) => ({ value: lng, label: t(`language.${lng}`) }))} />
        </Form.Item>
        <Form.Item label={t('workspaceSettings.createdAt')}>
          <span>{format.dateTime(workspace.createdAt)}</span>
        </Form.Item>
        {editable && (
          <Button type="primary" htmlType="submit" loading={saving} disabled={!dirty}>
            {t('common.save')}
          </Button>
        )}
      </Form>
    </>
  );
}

export function WorkspaceSettingsPage() {
  const { t } = useTranslation();
  return (
    <RequirePermission permission="workspace.read">
      <PageHeader title={t('workspaceSettings.title')} description={t('workspaceSettings.description')} />
      <Card>
        <WorkspaceForm />
      </Card>
    </RequirePermission>
  );
}

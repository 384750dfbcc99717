import { App, Form, Input, Modal, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, LOCALES, workspaceApi, type Locale } from '../api';
import { currentLocale } from '../i18n';
import { useErrorMessage } from '../lib/errors';
import { useSession } from '../session/SessionContext';
import { browserTimeZone, timeZoneOptions } from './timeZones';
import { SubmitOnEnter } from '../components/SubmitOnEnter';

/** Same rule as the API: 1–40 characters, no leading or trailing hyphen. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

interface Values {
  name: string;
  slug: string;
  timeZone: string;
  defaultLocale: Locale;
}

/** Suggests a slug from a (Latin) name; Chinese names leave it for the user to type. */
function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function CreateWorkspaceModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { setInfo } = useSession();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [slugTouched, setSlugTouched] = useState(false);
  const zones = useMemo(() => timeZoneOptions(), []);

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    try {
      const workspace = await workspaceApi.create(values);
      setInfo(await authApi.switchWorkspace(workspace.slug));
      void message.success(t('workspaceCreate.created', { name: workspace.name }));
      form.resetFields();
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('workspaceCreate.title')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('workspaceCreate.intro')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ timeZone: browserTimeZone(), defaultLocale: currentLocale() }}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.name !== undefined && !slugTouched) form.setFieldValue('slug', slugify(changed.name));
          if (changed.slug !== undefined) setSlugTouched(true);
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="name"
          label={t('workspaceCreate.name')}
          rules={[{ required: true, whitespace: true, message: t('workspaceCreate.nameRequired') }]}
        >
          <Input placeholder={t('workspaceCreate.namePlaceholder')} maxLength={100} />
        </Form.Item>
        <Form.Item
          name="slug"
          label={t('workspaceCreate.slug')}
          extra={t('workspaceCreate.slugHelp')}
          rules={[{ required: true, pattern: SLUG, message: t('workspaceCreate.slugInvalid') }]}
        >
          <Input placeholder="acme-telecom" maxLength={40} />
        </Form.Item>
        <Form.Item name="timeZone" label={t('workspaceCreate.timeZone')}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={zones} />
        </Form.Item>
        <Form.Item name="defaultLocale" label={t('workspaceCreate.defaultLanguage')}>
          <Select options={LOCALES.map((lng) => ({ value: lng, label: t(`language.${lng}`) }))} />
        </Form.Item>
        {error && (
          <div className="ant-form-item-explain-error" role="alert">
            {error}
          </div>
        )}
        <SubmitOnEnter />
      </Form>
    </Modal>
  );
}

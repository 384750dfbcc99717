import { Alert, App, Button, Form, InputNumber, Radio, Select, Skeleton } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_PRIORITIES, caseSettingsApi, type CaseSettings } from '../../../api/cases';
import { ErrorState } from '../../../components/states';
import { useErrorMessage } from '../../../lib/errors';

/** Case settings: which events open cases, the duplicate window and what a low follow-up rating does. */
export function GeneralTab() {
  const [state, setState] = useState<'loading' | 'ready' | unknown>('loading');
  const [data, setData] = useState<{ settings: CaseSettings | null; generation: number }>({
    settings: null,
    generation: 0,
  });
  const load = useCallback(async (signal?: AbortSignal) => {
    setState('loading');
    try {
      const settings = await caseSettingsApi.general(signal);
      setData((d) => ({ settings, generation: d.generation + 1 }));
      setState('ready');
    } catch (e) {
      if (!signal?.aborted) setState(e);
    }
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  if (state === 'loading' || (state === 'ready' && !data.settings))
    return <Skeleton active paragraph={{ rows: 6 }} />;
  if (state !== 'ready') return <ErrorState error={state} onRetry={() => void load()} />;
  return (
    <GeneralForm
      key={data.generation}
      initial={data.settings as CaseSettings}
      onReset={() => void load()}
      onSaved={(settings) => setData((d) => ({ settings, generation: d.generation + 1 }))}
    />
  );
}

function GeneralForm({
  initial,
  onReset,
  onSaved,
}: {
  initial: CaseSettings;
  onReset: () => void;
  onSaved: (s: CaseSettings) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<CaseSettings>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const priorities = CASE_PRIORITIES.map((p) => ({ value: p, label: t(`cases.priority.${p}`) }));

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setSaveError(null);
    try {
      onSaved(await caseSettingsApi.saveGeneral(v));
      message.success(t('cases.settings.saved'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<CaseSettings>
      form={form}
      layout="vertical"
      initialValues={initial}
      style={{ maxWidth: 720 }}
      data-testid="general-form"
    >
      <Form.Item
        name="complaintEvents"
        label={t('cases.settings.complaintEvents')}
        extra={t('cases.settings.complaintEventsHelp')}
      >
        <Select mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item
        name="complaintTouchpoints"
        label={t('cases.settings.complaintTouchpoints')}
        extra={t('cases.settings.complaintTouchpointsHelp')}
      >
        <Select mode="tags" tokenSeparators={[',', ' ']} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item
        name="duplicateWindowHours"
        label={t('cases.settings.duplicateWindow')}
        extra={t('cases.settings.duplicateWindowHelp')}
        rules={[
          { required: true, type: 'integer', min: 0, max: 8760, message: t('cases.settings.hoursRange') },
        ]}
      >
        <InputNumber
          min={0}
          max={8760}
          precision={0}
          suffix={t('cases.settings.hours')}
          style={{ width: 200 }}
        />
      </Form.Item>
      <Form.Item
        name="lowRatingAction"
        label={t('cases.settings.lowRatingAction')}
        extra={t('cases.settings.lowRatingActionHelp')}
      >
        <Radio.Group
          options={[
            { value: 'reopen', label: t('cases.settings.lowRating.reopen') },
            { value: 'task', label: t('cases.settings.lowRating.task') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="urgentPriority"
        label={t('cases.settings.urgentPriority')}
        extra={t('cases.settings.urgentPriorityHelp')}
      >
        <Select options={priorities} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item
        name="detractorPriority"
        label={t('cases.settings.detractorPriority')}
        extra={t('cases.settings.detractorPriorityHelp')}
      >
        <Select options={priorities} style={{ width: 200 }} />
      </Form.Item>
      {saveError !== null && (
        <Alert type="error" showIcon title={messageOf(saveError)} style={{ marginBottom: 12 }} />
      )}
      <div className="tp-form-actions">
        <Button onClick={onReset}>{t('common.reset')}</Button>
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="general-save">
          {t('common.save')}
        </Button>
      </div>
    </Form>
  );
}

import { Alert, App, Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { CASE_PRIORITIES, casesApi, type CasePriority } from '../../api/cases';
import { useErrorMessage } from '../../lib/errors';
import { useChannels } from '../../lib/useChannels';
import { useBilingual, type CaseLookups } from './caseDisplay';

interface Values {
  description: string;
  subject?: string;
  channel: string;
  category?: string;
  priority?: CasePriority;
  profileId?: string;
}

/**
 * An agent opens a case by hand (a phone call, a visit to the store). Text analysis, routing and the SLA policy
 * apply as for any case; a repeat of an open case of the same customer is linked to it instead.
 */
export function NewCaseModal({
  open,
  onClose,
  lookups,
}: {
  open: boolean;
  onClose: () => void;
  lookups: CaseLookups;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const navigate = useNavigate();
  const bilingual = useBilingual();
  const { channels, nameOf } = useChannels();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const categoryTree = useMemo(
    () =>
      lookups.taxonomy.map((c) => ({
        value: c.key,
        title: bilingual(c.name),
        children: c.subcategories.map((s) => ({ value: `${c.key}/${s.key}`, title: bilingual(s.name) })),
      })),
    [lookups.taxonomy, bilingual],
  );

  const submit = async () => {
    const v = await form.validateFields();
    const [category, subcategory] = (v.category ?? '').split('/');
    setBusy(true);
    setError(null);
    try {
      const answer = await casesApi.create({
        description: v.description.trim(),
        ...(v.subject?.trim() && { subject: v.subject.trim() }),
        channel: v.channel,
        ...(category && { category }),
        ...(subcategory && { subcategory }),
        ...(v.priority && { priority: v.priority }),
        ...(v.profileId?.trim() && { profileId: v.profileId.trim() }),
        source: 'agent',
      });
      if (answer.created) message.success(t('cases.create.created', { number: answer.case.number }));
      else message.info(t('cases.create.linked', { number: answer.case.number }));
      form.resetFields();
      onClose();
      navigate(`/cases/${encodeURIComponent(answer.case.id)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('cases.create.title')}
      okText={t('cases.create.submit')}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={busy}
      width={640}
      forceRender
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ channel: 'call_center' }}
        data-testid="new-case-form"
      >
        <Form.Item
          name="description"
          label={t('cases.create.description')}
          extra={t('cases.create.descriptionHelp')}
          rules={[{ required: true, whitespace: true, message: t('cases.create.descriptionRequired') }]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={20_000} />
        </Form.Item>
        <Form.Item name="subject" label={t('cases.create.subject')} extra={t('cases.create.subjectHelp')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="channel"
          label={t('cases.view.channel')}
          rules={[{ required: true, message: t('cases.create.channelRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={
              channels.length
                ? channels.map((c) => ({ value: c.key, label: nameOf(c.key) }))
                : [{ value: 'call_center', label: nameOf('call_center') }]
            }
          />
        </Form.Item>
        <Form.Item name="category" label={t('cases.view.category')} extra={t('cases.create.categoryHelp')}>
          <TreeSelect treeData={categoryTree} allowClear showSearch treeNodeFilterProp="title" />
        </Form.Item>
        <Form.Item name="priority" label={t('cases.view.priority')} extra={t('cases.create.priorityHelp')}>
          <Select
            allowClear
            options={CASE_PRIORITIES.map((p) => ({ value: p, label: t(`cases.priority.${p}`) }))}
          />
        </Form.Item>
        <Form.Item name="profileId" label={t('cases.create.customer')} extra={t('cases.create.customerHelp')}>
          <Input className="tp-mono" maxLength={100} placeholder="cus_…" />
        </Form.Item>
      </Form>
      {error !== null && <Alert type="error" showIcon title={messageOf(error)} />}
    </Modal>
  );
}

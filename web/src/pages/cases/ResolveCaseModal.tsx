import { Alert, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  HANDLING_STEPS,
  RESOLUTION_CODES,
  type HandlingStep,
  type Resolution,
  type ResolutionCode,
} from '../../api/cases';
import { useErrorMessage } from '../../lib/errors';

interface Values {
  code?: ResolutionCode;
  rootCause?: string;
  steps?: HandlingStep[];
  note?: string;
  comment?: string;
}

interface Props {
  open: boolean;
  /** What the case already knew (a reopened case keeps its last resolution as a starting point). */
  initial?: Partial<Resolution> | null;
  onCancel: () => void;
  /** Sends the resolution; a thrown error is shown in the form (a version conflict is handled by the caller). */
  onSubmit: (resolution: Resolution, comment: string | undefined) => Promise<void>;
}

/**
 * The resolution form: a resolution code, the root cause, and which of the complaint-handling steps were taken
 * (listen, apologise, solve on the spot, escalate, delight).
 */
export function ResolveCaseModal({ open, initial, onCancel, onSubmit }: Props) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue({
      code: initial?.code,
      rootCause: initial?.rootCause ?? '',
      steps: initial?.steps ?? ['listen', 'apologise'],
      note: initial?.note ?? '',
      comment: '',
    });
  }, [open, initial, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(
        {
          code: v.code as ResolutionCode,
          rootCause: (v.rootCause ?? '').trim(),
          steps: v.steps ?? [],
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        },
        v.comment?.trim() || undefined,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('cases.resolution.title')}
      okText={t('cases.resolution.submit')}
      onOk={() => void submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      width={600}
      okButtonProps={{ 'data-testid': 'resolve-submit' } as Record<string, string>}
    >
      <Form<Values> form={form} layout="vertical" requiredMark="optional" data-testid="resolve-form">
        <Form.Item
          name="code"
          label={t('cases.resolution.code')}
          rules={[{ required: true, message: t('cases.resolution.codeRequired') }]}
        >
          <Select<ResolutionCode>
            placeholder={t('cases.resolution.codePlaceholder')}
            options={RESOLUTION_CODES.map((c) => ({ value: c, label: t(`cases.resolutionCode.${c}`) }))}
            data-testid="resolution-code"
          />
        </Form.Item>
        <Form.Item
          name="rootCause"
          label={t('cases.resolution.rootCause')}
          extra={t('cases.resolution.rootCauseHelp')}
          rules={[
            { required: true, whitespace: true, message: t('cases.resolution.rootCauseRequired') },
            { max: 200, message: t('cases.resolution.rootCauseTooLong') },
          ]}
        >
          <Input maxLength={200} showCount data-testid="resolution-root-cause" />
        </Form.Item>
        <Form.Item
          name="steps"
          label={t('cases.resolution.steps')}
          extra={t('cases.resolution.stepsHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('cases.resolution.stepsRequired') }]}
        >
          <Checkbox.Group
            className="tp-case-steps"
            options={HANDLING_STEPS.map((s) => ({ value: s, label: t(`cases.steps.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="note" label={t('cases.resolution.note')}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        <Form.Item
          name="comment"
          label={t('cases.resolution.comment')}
          extra={t('cases.resolution.commentHelp')}
        >
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
      </Form>
      {error !== null && <Alert type="error" showIcon title={messageOf(error)} />}
    </Modal>
  );
}

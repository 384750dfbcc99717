import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { journeysApi, type Journey, type JourneyInput, type Touchpoint } from '../../api/journeys';
import { useErrorMessage } from '../../lib/errors';
import { useLocalText } from './shared';

interface Values {
  key?: string;
  name: { 'zh-CN': string; en: string };
  description: { 'zh-CN': string; en: string };
  conversionWindowDays: number;
}

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_STEPS = 20;

/** Creates or edits a journey: bilingual name and description, ordered touchpoint steps, conversion window. */
export function JourneyEditor({
  open,
  journey,
  touchpoints,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new journey. */
  journey: Journey | null;
  touchpoints: Touchpoint[];
  onClose: () => void;
  onSaved: (journey: Journey) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const local = useLocalText();
  const [form] = Form.useForm<Values>();
  const [steps, setSteps] = useState<string[]>([]);
  const [adding, setAdding] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [stepsError, setStepsError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({
      key: '',
      name: journey ? { ...journey.name } : { 'zh-CN': '', en: '' },
      description: journey ? { ...journey.description } : { 'zh-CN': '', en: '' },
      conversionWindowDays: journey?.conversionWindowDays ?? 30,
    });
    setSteps(journey?.steps ?? []);
    setError(null);
    setStepsError(null);
  }, [open, journey, form]);

  const nameOf = (key: string) => {
    const tp = touchpoints.find((x) => x.key === key);
    return tp ? local(tp.name) : key;
  };

  const move = (index: number, by: number) =>
    setSteps((current) => {
      const next = [...current];
      const [step] = next.splice(index, 1);
      if (step !== undefined) next.splice(index + by, 0, step);
      return next;
    });

  const submit = async (v: Values) => {
    if (steps.length === 0) {
      setStepsError(t('journeys.journeyEditor.stepsRequired'));
      return;
    }
    const input: JourneyInput = {
      name: { 'zh-CN': v.name['zh-CN'].trim(), en: v.name.en.trim() },
      description: v.description,
      steps,
      conversionWindowDays: v.conversionWindowDays,
    };
    setSaving(true);
    setError(null);
    try {
      const saved = journey
        ? await journeysApi.updateJourney(journey.key, input)
        : await journeysApi.createJourney({ ...input, key: (v.key ?? '').trim() });
      message.success(t(journey ? 'journeys.journeyEditor.updated' : 'journeys.journeyEditor.created'));
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'JOURNEY_EXISTS') {
        form.setFields([{ name: 'key', errors: [err.message] }]);
      }
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const available = touchpoints.filter((tp) => !steps.includes(tp.key));

  return (
    <Modal
      open={open}
      width={760}
      title={
        journey
          ? t('journeys.journeyEditor.editTitle', { name: local(journey.name) })
          : t('journeys.journeyEditor.createTitle')
      }
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'journey-save' } as Record<string, string>}
    >
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark="optional">
        {error !== null && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={messageOf(error)}
            description={
              error instanceof ApiError ? <span className="tp-mono">{error.code}</span> : undefined
            }
          />
        )}
        {!journey && (
          <Form.Item
            name="key"
            label={t('journeys.editor.key')}
            extra={t('journeys.journeyEditor.keyHelp')}
            rules={[
              { required: true, message: t('journeys.editor.required') },
              { pattern: KEY_PATTERN, message: t('journeys.editor.keyPattern') },
            ]}
          >
            <Input className="tp-mono" maxLength={40} />
          </Form.Item>
        )}
        <Row gutter={12}>
          {(['zh-CN', 'en'] as const).map((lng) => (
            <Col xs={24} md={12} key={lng}>
              <Form.Item
                name={['name', lng]}
                label={t('journeys.editor.name', { language: t(`language.${lng}`) })}
                rules={[
                  { required: true, whitespace: true, message: t('journeys.editor.required') },
                  { max: 100 },
                ]}
              >
                <Input />
              </Form.Item>
            </Col>
          ))}
          {(['zh-CN', 'en'] as const).map((lng) => (
            <Col xs={24} md={12} key={`d-${lng}`}>
              <Form.Item
                name={['description', lng]}
                label={t('journeys.editor.description', { language: t(`language.${lng}`) })}
                rules={[{ max: 2000 }]}
              >
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item
          name="conversionWindowDays"
          label={t('journeys.journeyEditor.window')}
          extra={t('journeys.journeyEditor.windowHelp')}
          rules={[
            {
              required: true,
              type: 'number',
              min: 1,
              max: 90,
              message: t('journeys.journeyEditor.windowRange'),
            },
          ]}
        >
          <InputNumber
            min={1}
            max={90}
            precision={0}
            suffix={t('journeys.funnel.daysSuffix')}
            style={{ width: 160 }}
          />
        </Form.Item>
      </Form>
      <Typography.Text strong>{t('journeys.journeyEditor.steps')}</Typography.Text>
      <Typography.Paragraph type="secondary" className="tp-small">
        {t('journeys.journeyEditor.stepsHelp')}
      </Typography.Paragraph>
      <ol style={{ paddingLeft: 20 }} data-testid="journey-steps">
        {steps.map((key, index) => (
          <li key={key} style={{ marginBottom: 6 }}>
            <Space>
              <Tag>{nameOf(key)}</Tag>
              <Button
                type="text"
                size="small"
                icon={<ArrowUpOutlined />}
                disabled={index === 0}
                aria-label={t('journeys.funnel.moveUp')}
                onClick={() => move(index, -1)}
              />
              <Button
                type="text"
                size="small"
                icon={<ArrowDownOutlined />}
                disabled={index === steps.length - 1}
                aria-label={t('journeys.funnel.moveDown')}
                onClick={() => move(index, 1)}
              />
              <Button
                type="text"
                size="small"
                icon={<DeleteOutlined />}
                aria-label={t('journeys.funnel.removeStep')}
                onClick={() => setSteps((current) => current.filter((s) => s !== key))}
              />
            </Space>
          </li>
        ))}
      </ol>
      <Space wrap>
        <Select
          aria-label={t('journeys.journeyEditor.addStep')}
          placeholder={t('journeys.funnel.chooseTouchpoint')}
          style={{ width: 260 }}
          value={adding}
          onChange={setAdding}
          showSearch={{ optionFilterProp: 'label' }}
          options={available.map((tp) => ({ value: tp.key, label: `${local(tp.name)} (${tp.key})` }))}
        />
        <Button
          disabled={!adding || steps.length >= MAX_STEPS}
          onClick={() => {
            if (adding) setSteps((current) => [...current, adding]);
            setAdding(null);
            setStepsError(null);
          }}
        >
          {t('journeys.journeyEditor.addStep')}
        </Button>
      </Space>
      {stepsError && (
        <div>
          <Typography.Text type="danger">{stepsError}</Typography.Text>
        </div>
      )}
    </Modal>
  );
}

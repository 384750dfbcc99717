import { FileAddOutlined } from '@ant-design/icons';
import { Alert, AutoComplete, Card, Col, Form, Input, Modal, Row, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { surveysApi, type SurveyDefinition, type SurveyDetail, type SurveyTemplate } from '../../api/surveys';
import { useErrorMessage } from '../../lib/errors';
import { pickText, surveyLanguageOf } from './surveyText';
import { usePickers } from './usePickers';

interface Values {
  nameZh: string;
  nameEn: string;
  key: string;
  touchpointKey?: string;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A key from a template key or a name: lower-case, with a short random suffix so it is free. */
function suggestKey(base: string): string {
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = Math.random().toString(36).slice(2, 6);
  return `${slug || 'survey'}-${suffix}`;
}

/**
 * Creates a survey from a template (bilingual questions, logic and index settings ready) or blank (one open
 * question to start from). Problems (a key in use, say) show on the field they concern.
 */
export function CreateSurveyModal({
  templates,
  initialTemplate,
  onClose,
  onCreated,
}: {
  templates: SurveyTemplate[];
  initialTemplate: string | null;
  onClose: () => void;
  onCreated: (survey: SurveyDetail) => void;
}) {
  const { t, i18n } = useTranslation();
  const messageOf = useErrorMessage();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const [form] = Form.useForm<Values>();
  const { touchpoints } = usePickers();
  const [template, setTemplate] = useState<string | null>(initialTemplate);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = useMemo(() => templates.find((x) => x.key === template) ?? null, [templates, template]);

  useEffect(() => {
    const zh = i18n.getFixedT('zh-CN');
    const en = i18n.getFixedT('en');
    form.setFieldsValue({
      nameZh: chosen ? (chosen.name['zh-CN'] ?? '') : zh('surveys.create.blankName'),
      nameEn: chosen ? (chosen.name.en ?? '') : en('surveys.create.blankName'),
      key: suggestKey(chosen ? chosen.key : 'survey'),
      touchpointKey: chosen?.touchpointKey ?? '',
    });
  }, [chosen, form, i18n]);

  const blankDefinition = (): SurveyDefinition => {
    const zh = i18n.getFixedT('zh-CN');
    const en = i18n.getFixedT('en');
    return {
      questions: [
        {
          id: 'q1',
          type: 'text',
          text: { 'zh-CN': zh('surveys.create.blankQuestion'), en: en('surveys.create.blankQuestion') },
          required: false,
          multiline: true,
          maxLength: 2000,
        },
      ],
      hiddenFields: [],
      logic: [],
      primaryQuestionId: null,
      index: null,
      drivers: null,
      servqual: null,
    };
  };

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    try {
      const created = await surveysApi.create({
        ...(template ? { template } : { definition: blankDefinition() }),
        key: values.key.trim(),
        name: { 'zh-CN': values.nameZh.trim(), en: values.nameEn.trim() },
        languages: ['zh-CN', 'en'],
        defaultLanguage: 'zh-CN',
        touchpointKey: values.touchpointKey?.trim() || null,
      });
      onCreated(created);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'SURVEY_KEY_TAKEN') {
        form.setFields([{ name: 'key', errors: [messageOf(e)] }]);
      } else {
        setError(messageOf(e));
      }
    } finally {
      setSaving(false);
    }
  };

  const options = [
    { key: null, name: t('surveys.create.blank'), description: t('surveys.create.blankText'), count: 1 },
    ...templates.map((x) => ({
      key: x.key,
      name: pickText(x.name, language),
      description: pickText(x.description, language),
      count: x.questionCount,
    })),
  ];

  return (
    <Modal
      open
      width={880}
      title={t('surveys.create.title')}
      okText={t('common.create')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={onClose}
      okButtonProps={{ id: 'create-survey-submit' }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('surveys.create.chooseTemplate')}</Typography.Paragraph>
      <Row gutter={[12, 12]} role="radiogroup" aria-label={t('surveys.create.chooseTemplate')}>
        {options.map((o) => (
          <Col xs={24} sm={12} lg={8} key={o.key ?? 'blank'}>
            <Card
              size="small"
              hoverable
              role="radio"
              tabIndex={0}
              aria-checked={template === o.key}
              className={template === o.key ? 'tp-template-card tp-template-card-active' : 'tp-template-card'}
              onClick={() => setTemplate(o.key)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  setTemplate(o.key);
                }
              }}
              data-testid={`template-${o.key ?? 'blank'}`}
            >
              <div className="tp-template-title">
                {o.key === null && <FileAddOutlined />} {o.name}
              </div>
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '4px 0' }}>
                {o.description}
              </Typography.Paragraph>
              <Tag>{t('surveys.create.questions', { count: o.count })}</Tag>
            </Card>
          </Col>
        ))}
      </Row>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        style={{ marginTop: 16 }}
        requiredMark="optional"
      >
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="nameZh"
              label={t('surveys.create.nameZh')}
              rules={[{ required: true, whitespace: true, message: t('surveys.create.nameRequired') }]}
            >
              <Input maxLength={500} lang="zh-CN" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="nameEn"
              label={t('surveys.create.nameEn')}
              rules={[{ required: true, whitespace: true, message: t('surveys.create.nameRequired') }]}
            >
              <Input maxLength={500} lang="en" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="key"
              label={t('surveys.create.key')}
              extra={t('surveys.create.keyHelp')}
              rules={[
                { required: true, message: t('surveys.create.keyInvalid') },
                { pattern: KEY, message: t('surveys.create.keyInvalid') },
              ]}
            >
              <Input className="tp-mono" maxLength={63} data-testid="survey-key" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="touchpointKey"
              label={t('surveys.create.touchpoint')}
              extra={t('surveys.create.touchpointHelp')}
            >
              <AutoComplete
                options={touchpoints}
                maxLength={100}
                allowClear
                filterOption={(input, option) =>
                  String(option?.label ?? '')
                    .toLowerCase()
                    .includes(input.toLowerCase())
                }
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

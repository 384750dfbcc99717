import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Skeleton, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { caseSettingsApi, type TaxonomyCategory } from '../../../api/cases';
import { ErrorState } from '../../../components/states';
import { useErrorMessage } from '../../../lib/errors';

const KEY = /^[a-z][a-z0-9_]{0,39}$/;

interface Values {
  categories: TaxonomyCategory[];
}

/** Categories and sub-categories, each named in both languages; `other` must stay. */
export function TaxonomyTab({ onSaved }: { onSaved: () => void }) {
  const [state, setState] = useState<'loading' | 'ready' | unknown>('loading');
  // Each load (or save) gives the form a new generation, which mounts it afresh with the server's data.
  const [data, setData] = useState<{ categories: TaxonomyCategory[]; generation: number }>({
    categories: [],
    generation: 0,
  });

  const load = useCallback(async (signal?: AbortSignal) => {
    setState('loading');
    try {
      const answer = await caseSettingsApi.taxonomy(signal);
      setData((d) => ({ categories: answer.categories, generation: d.generation + 1 }));
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

  if (state === 'loading') return <Skeleton active paragraph={{ rows: 8 }} />;
  if (state !== 'ready') return <ErrorState error={state} onRetry={() => void load()} />;
  return (
    <TaxonomyForm
      key={data.generation}
      initial={data.categories}
      onReset={() => void load()}
      onSaved={(categories) => {
        setData((d) => ({ categories, generation: d.generation + 1 }));
        onSaved();
      }}
    />
  );
}

function TaxonomyForm({
  initial,
  onReset,
  onSaved,
}: {
  initial: TaxonomyCategory[];
  onReset: () => void;
  onSaved: (categories: TaxonomyCategory[]) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);

  const keyRules = [
    { required: true, message: t('cases.settings.keyRequired') },
    { pattern: KEY, message: t('cases.settings.keyPattern') },
  ];
  const nameRules = [{ required: true, whitespace: true, message: t('cases.settings.nameRequired') }];

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setSaveError(null);
    try {
      const answer = await caseSettingsApi.saveTaxonomy(
        values.categories.map((c) => ({ ...c, subcategories: c.subcategories ?? [] })),
      );
      message.success(t('cases.settings.saved'));
      onSaved(answer.categories);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={{ categories: initial }}
      data-testid="taxonomy-form"
    >
      <Typography.Paragraph type="secondary">{t('cases.settings.taxonomyHelp')}</Typography.Paragraph>
      <Form.List name="categories">
        {(fields, { add, remove }) => (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {fields.map((field) => (
              <Card
                key={field.key}
                size="small"
                title={
                  <Space wrap>
                    <Form.Item name={[field.name, 'key']} rules={keyRules} noStyle>
                      <Input
                        className="tp-mono"
                        style={{ width: 180 }}
                        placeholder={t('cases.settings.key')}
                        aria-label={t('cases.settings.key')}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'name', 'zh-CN']} rules={nameRules} noStyle>
                      <Input
                        style={{ width: 180 }}
                        placeholder={t('cases.settings.nameZh')}
                        aria-label={t('cases.settings.nameZh')}
                        maxLength={60}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'name', 'en']} rules={nameRules} noStyle>
                      <Input
                        style={{ width: 200 }}
                        placeholder={t('cases.settings.nameEn')}
                        aria-label={t('cases.settings.nameEn')}
                        maxLength={60}
                      />
                    </Form.Item>
                  </Space>
                }
                extra={
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('cases.settings.removeCategory')}
                  />
                }
              >
                <Form.List name={[field.name, 'subcategories']}>
                  {(subs, sub) => (
                    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
                      {subs.map((s) => (
                        <Space key={s.key} wrap align="start">
                          <Form.Item name={[s.name, 'key']} rules={keyRules} style={{ marginBottom: 0 }}>
                            <Input
                              className="tp-mono"
                              style={{ width: 180 }}
                              placeholder={t('cases.settings.key')}
                              aria-label={t('cases.settings.subKey')}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[s.name, 'name', 'zh-CN']}
                            rules={nameRules}
                            style={{ marginBottom: 0 }}
                          >
                            <Input
                              style={{ width: 200 }}
                              placeholder={t('cases.settings.nameZh')}
                              aria-label={t('cases.settings.nameZh')}
                              maxLength={60}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[s.name, 'name', 'en']}
                            rules={nameRules}
                            style={{ marginBottom: 0 }}
                          >
                            <Input
                              style={{ width: 220 }}
                              placeholder={t('cases.settings.nameEn')}
                              aria-label={t('cases.settings.nameEn')}
                              maxLength={60}
                            />
                          </Form.Item>
                          <Button
                            type="text"
                            icon={<DeleteOutlined />}
                            onClick={() => sub.remove(s.name)}
                            aria-label={t('cases.settings.removeSubcategory')}
                          />
                        </Space>
                      ))}
                      <Button
                        type="dashed"
                        size="small"
                        icon={<PlusOutlined />}
                        onClick={() => sub.add({ key: '', name: { 'zh-CN': '', en: '' } })}
                      >
                        {t('cases.settings.addSubcategory')}
                      </Button>
                    </Space>
                  )}
                </Form.List>
              </Card>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ key: '', name: { 'zh-CN': '', en: '' }, subcategories: [] })}
              block
            >
              {t('cases.settings.addCategory')}
            </Button>
          </Space>
        )}
      </Form.List>
      {saveError !== null && (
        <Alert type="error" showIcon title={messageOf(saveError)} style={{ marginTop: 12 }} />
      )}
      <div className="tp-form-actions">
        <Button onClick={onReset}>{t('common.reset')}</Button>
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="taxonomy-save">
          {t('common.save')}
        </Button>
      </div>
    </Form>
  );
}

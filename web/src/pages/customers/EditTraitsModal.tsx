import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customersApi, type Customer } from '../../api';
import { useErrorMessage } from '../../lib/errors';

/** The API's rule for trait keys. */
const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_TRAITS = 100;

interface TraitRow {
  key?: string;
  value?: string;
}

/** A trait value as editable text: strings as they are, anything else as JSON (numbers, yes/no, lists). */
function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

class ParseError extends Error {}

/**
 * Text back to a trait value of the same kind as before: a number stays a number, true/false a boolean, a list or
 * object JSON; new traits and former strings are text.
 */
function fromText(text: string, previous: unknown): unknown {
  if (previous === undefined || typeof previous === 'string') return text;
  if (typeof previous === 'number') {
    const number = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(number)) throw new ParseError('number');
    return number;
  }
  if (typeof previous === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw new ParseError('boolean');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ParseError('json');
  }
}

/** Edits a customer's traits; only what changed is sent, removed traits as null (`PATCH /customers/{id}`). */
export function EditTraitsModal({
  customer,
  open,
  onClose,
  onSaved,
}: {
  customer: Customer;
  open: boolean;
  onClose: () => void;
  onSaved: (customer: Customer) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<{ traits: TraitRow[] }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue({
      traits: Object.entries(customer.traits)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => ({ key, value: toText(value) })),
    });
  }, [open, customer, form]);

  const submit = async ({ traits: rows = [] }: { traits?: TraitRow[] }) => {
    const original = customer.traits;
    const patch: Record<string, unknown> = {};
    const kept = new Set<string>();
    for (const [index, row] of rows.entries()) {
      const key = (row.key ?? '').trim();
      kept.add(key);
      let value: unknown;
      try {
        value = fromText(row.value ?? '', original[key]);
      } catch (e) {
        const kind = e instanceof ParseError ? e.message : 'json';
        form.setFields([
          {
            name: ['traits', index, 'value'],
            errors: [
              kind === 'number'
                ? t('customer.editTraits.notNumber')
                : kind === 'boolean'
                  ? t('customer.editTraits.notBoolean')
                  : t('customer.editTraits.notJson'),
            ],
          },
        ]);
        return;
      }
      if (JSON.stringify(value) !== JSON.stringify(original[key])) patch[key] = value;
    }
    for (const key of Object.keys(original)) if (!kept.has(key)) patch[key] = null;

    if (Object.keys(patch).length === 0) {
      void message.info(t('customer.editTraits.noChanges'));
      onClose();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const updated = await customersApi.updateTraits(customer.id, patch);
      void message.success(t('customer.editTraits.saved'));
      onSaved(updated);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('customer.editTraits.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={640}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'traits-save' }}
    >
      <Typography.Paragraph type="secondary">{t('customer.editTraits.intro')}</Typography.Paragraph>
      <Form
        form={form}
        onFinish={(values) => void submit(values)}
        requiredMark={false}
        data-testid="traits-form"
      >
        <Form.List name="traits">
          {(fields, { add, remove }) => (
            <>
              {fields.length > 0 && (
                <div className="tp-traits-head">
                  <span>{t('customer.editTraits.key')}</span>
                  <span>{t('customer.editTraits.value')}</span>
                </div>
              )}
              {fields.map((field) => (
                <Space key={field.key} align="start" className="tp-trait-row">
                  <Form.Item
                    name={[field.name, 'key']}
                    rules={[
                      { required: true, whitespace: true, message: t('customer.editTraits.keyRequired') },
                      { pattern: KEY_PATTERN, message: t('customer.editTraits.keyInvalid') },
                      {
                        validator: async (_, key?: string) => {
                          const all = (form.getFieldValue('traits') as TraitRow[] | undefined) ?? [];
                          if (key && all.filter((row) => row?.key?.trim() === key.trim()).length > 1)
                            throw new Error(t('customer.editTraits.keyDuplicate'));
                        },
                      },
                    ]}
                  >
                    <Input
                      className="tp-mono"
                      placeholder={t('customer.editTraits.keyPlaceholder')}
                      aria-label={t('customer.editTraits.key')}
                      maxLength={64}
                      style={{ width: 200 }}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'value']}>
                    <Input
                      placeholder={t('customer.editTraits.valuePlaceholder')}
                      aria-label={t('customer.editTraits.value')}
                      maxLength={2000}
                      style={{ width: 300 }}
                    />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('customer.editTraits.remove')}
                  />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ key: '', value: '' })}
                disabled={fields.length >= MAX_TRAITS}
                block
                data-testid="traits-add"
              >
                {t('customer.editTraits.add')}
              </Button>
            </>
          )}
        </Form.List>
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
      </Form>
    </Modal>
  );
}

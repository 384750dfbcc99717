import { CodeOutlined, PartitionOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  Drawer,
  Form,
  Input,
  Row,
  Segmented,
  Space,
  Typography,
  type FormInstance,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { segmentsApi, SEGMENT_LIMITS, type Segment, type SegmentText } from '../../api/segments';
import { CodeBlock } from '../../components/CodeBlock';
import { useErrorMessage } from '../../lib/errors';
import { ConditionBuilder } from './ConditionBuilder';
import {
  buildCondition,
  draftOf,
  locateApiPath,
  problemOfField,
  type DraftGroup,
  type FieldProblem,
} from './conditionDraft';
import { RulePreview } from './RulePreview';
import { useSegmentText } from './segmentDisplay';

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

interface FormValues {
  key: string;
  name: SegmentText;
  description: SegmentText;
}

type FieldErrors = Parameters<FormInstance<FormValues>['setFields']>[0];

/** A key people would choose from an English name: "High-value in Hangzhou" → "high_value_in_hangzhou". */
function keyFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return slug;
}

/** Marks form fields named by the API's VALIDATION_FAILED paths ("name.zh-CN", "key"). */
function applyFieldErrors(form: FormInstance<FormValues>, error: ApiError): boolean {
  const list = Array.isArray(error.details.fields)
    ? (error.details.fields as Array<{ path?: string; message?: string }>)
    : [];
  const fields = list
    .filter((f) => typeof f.path === 'string' && /^(key|name|description)\b/.test(f.path))
    .map((f) => ({ name: (f.path ?? '').split(/[./]/), errors: [f.message ?? error.message] }));
  if (fields.length) form.setFields(fields as unknown as FieldErrors);
  return fields.length > 0;
}

/** The builder's problem for the API's SEGMENT_CONDITION_INVALID, placed by its path. */
function apiProblem(error: ApiError, paths: Map<string, string>): Map<string, FieldProblem> {
  const path = typeof error.details.path === 'string' ? error.details.path : '';
  const detail = typeof error.details.message === 'string' ? error.details.message : '';
  const { nodePath, field } = locateApiPath(path, paths);
  if (field) return new Map([[`${nodePath}/${field}`, problemOfField(field)]]);
  const problem: FieldProblem = /at most \d+ conditions/.test(detail)
    ? 'leaves'
    : /nest/.test(detail)
      ? 'depth'
      : 'rule';
  return new Map([[nodePath, problem]]);
}

/**
 * Creates or edits a segment: key (new only), names and descriptions in both languages, and the rule in the visual
 * builder with its JSON alongside. The builder's own checks and the API's problems show at the row they concern.
 */
export function SegmentDrawer({
  open,
  segment,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new segment. */
  segment: Segment | null;
  onClose: () => void;
  onSaved: (segment: Segment, created: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const messageOf = useErrorMessage();
  const nameOf = useSegmentText();
  const [form] = Form.useForm<FormValues>();
  const [draft, setDraft] = useState<DraftGroup>(() => draftOf(segment?.condition ?? null));
  const [view, setView] = useState<'builder' | 'json'>('builder');
  const [checked, setChecked] = useState(false);
  const [apiProblems, setApiProblems] = useState<Map<string, FieldProblem>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [base, setBase] = useState<Segment | null>(segment);
  const keyTouched = useRef(false);
  const [dirty, setDirty] = useState(false);
  const built = useMemo(() => buildCondition(draft), [draft]);

  const reset = (from: Segment | null) => {
    setBase(from);
    form.resetFields();
    form.setFieldsValue({
      key: from?.key ?? '',
      name: { 'zh-CN': from?.name['zh-CN'] ?? '', en: from?.name.en ?? '' },
      description: {
        'zh-CN': from?.description['zh-CN'] ?? '',
        en: from?.description.en ?? '',
      },
    });
    setDraft(draftOf(from?.condition ?? null));
    setView('builder');
    setChecked(false);
    setApiProblems(new Map());
    setError(null);
    keyTouched.current = false;
    setDirty(false);
  };

  // Reset when the drawer opens (or opens on another segment); a page that polls the segment meanwhile must not
  // wipe what is being typed.
  const latest = useRef(segment);
  latest.current = segment;
  const segmentKey = segment?.key ?? null;
  useEffect(() => {
    if (open) reset(latest.current);
  }, [open, segmentKey]);

  const changeDraft = (next: DraftGroup) => {
    setDraft(next);
    setDirty(true);
    // The API's problem was about the rule as it was; the builder's own checks follow every change.
    if (apiProblems.size) setApiProblems(new Map());
  };

  const problems = useMemo(() => {
    const merged = new Map<string, FieldProblem>(checked ? built.problems : []);
    for (const [path, problem] of apiProblems) merged.set(path, problem);
    return merged;
  }, [checked, built.problems, apiProblems]);

  const submit = async (values: FormValues) => {
    setChecked(true);
    if (built.problems.size > 0) {
      setView('builder');
      void message.error(t('segments.drawer.fixRule'));
      return;
    }
    const name = { 'zh-CN': values.name['zh-CN'].trim(), en: values.name.en.trim() };
    const description = {
      'zh-CN': (values.description['zh-CN'] ?? '').trim(),
      en: (values.description.en ?? '').trim(),
    };
    setSaving(true);
    setError(null);
    try {
      const saved = base
        ? await segmentsApi.update(base.key, {
            name,
            description,
            ...(JSON.stringify(built.condition) !== JSON.stringify(base.condition)
              ? { condition: built.condition }
              : {}),
            version: base.version,
          })
        : await segmentsApi.create({ key: values.key.trim(), name, description, condition: built.condition });
      void message.success(
        t(base ? 'segments.drawer.updated' : 'segments.drawer.created', { name: nameOf(saved.name) }),
      );
      onSaved(saved, !base);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) {
        if (err.code === 'SEGMENT_CONDITION_INVALID') {
          setApiProblems(apiProblem(err, built.paths));
          setView('builder');
        } else if (err.code === 'SEGMENT_EXISTS') {
          form.setFields([{ name: 'key', errors: [t('segments.errors.exists')] }]);
        } else if (err.code === 'VALIDATION_FAILED') {
          applyFieldErrors(form, err);
        }
      }
    } finally {
      setSaving(false);
    }
  };

  const reloadLatest = async () => {
    if (!base) return;
    try {
      reset(await segmentsApi.get(base.key));
    } catch (err) {
      setError(err);
    }
  };

  /** Closing with unsaved changes asks first. */
  const close = () => {
    if (!dirty || saving) {
      onClose();
      return;
    }
    modal.confirm({
      title: t('segments.drawer.discardTitle'),
      content: t('segments.drawer.discardText'),
      okText: t('segments.drawer.discard'),
      okButtonProps: { danger: true },
      cancelText: t('segments.drawer.keepEditing'),
      onOk: onClose,
    });
  };

  const conflict = error instanceof ApiError && error.code === 'SEGMENT_VERSION_CONFLICT';
  const bilingual = (field: 'name' | 'description') => (
    <Row gutter={12}>
      {(['zh-CN', 'en'] as const).map((lng) => (
        <Col xs={24} md={12} key={lng}>
          <Form.Item
            name={[field, lng]}
            label={t(`segments.drawer.${field}`, { language: t(`language.${lng}`) })}
            rules={
              field === 'name'
                ? [
                    { required: true, whitespace: true, message: t('segments.drawer.nameRequired') },
                    { max: 100, message: t('segments.drawer.tooLong', { max: 100 }) },
                  ]
                : [{ max: 1000, message: t('segments.drawer.tooLong', { max: 1000 }) }]
            }
          >
            {field === 'name' ? (
              <Input maxLength={100} data-testid={`segment-name-${lng}`} />
            ) : (
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={1000} />
            )}
          </Form.Item>
        </Col>
      ))}
    </Row>
  );

  return (
    <Drawer
      open={open}
      onClose={close}
      size="min(1040px, 100vw)"
      destroyOnHidden
      title={base ? t('segments.drawer.editTitle', { key: base.key }) : t('segments.drawer.createTitle')}
      extra={
        <Space>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="segment-save">
            {base ? t('common.save') : t('segments.drawer.create')}
          </Button>
        </Space>
      }
      // The audience stays in view however long the rule grows.
      footer={
        <RulePreview
          condition={built.condition}
          ready={open && built.problems.size === 0}
          onInvalid={(err) => setApiProblems(apiProblem(err, built.paths))}
        />
      }
      data-testid="segment-drawer"
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        requiredMark="optional"
        onFinish={(v) => void submit(v)}
        // The rule's own problems show too when a name or the key is missing.
        onFinishFailed={() => setChecked(true)}
        onValuesChange={(changed: Partial<FormValues>) => {
          setDirty(true);
          if (changed.key !== undefined) keyTouched.current = true;
          if (!base && !keyTouched.current && changed.name?.en !== undefined)
            form.setFieldsValue({ key: keyFrom(changed.name.en) });
        }}
        data-testid="segment-form"
      >
        {error !== null && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={messageOf(error)}
            description={
              error instanceof ApiError ? (
                <Space orientation="vertical" size={4}>
                  {conflict && <span>{t('segments.drawer.conflict')}</span>}
                  <span className="tp-mono">{error.code}</span>
                </Space>
              ) : undefined
            }
            action={
              conflict ? (
                <Button size="small" onClick={() => void reloadLatest()}>
                  {t('segments.drawer.reloadLatest')}
                </Button>
              ) : undefined
            }
            data-testid="segment-error"
          />
        )}
        {bilingual('name')}
        {!base && (
          <Form.Item
            name="key"
            label={t('segments.drawer.key')}
            extra={t('segments.drawer.keyHelp')}
            rules={[
              { required: true, message: t('segments.drawer.keyRequired') },
              { pattern: KEY_PATTERN, message: t('segments.drawer.keyPattern') },
            ]}
          >
            <Input className="tp-mono" maxLength={40} data-testid="segment-key" />
          </Form.Item>
        )}
        {bilingual('description')}
        <div className="tp-seg-rule-head">
          <div>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('segments.drawer.rule')}
            </Typography.Title>
            <Typography.Text type="secondary" className="tp-small">
              {t('segments.drawer.ruleHelp', { leaves: built.leaves, max: SEGMENT_LIMITS.leaves })}
            </Typography.Text>
          </div>
          <Segmented<'builder' | 'json'>
            value={view}
            onChange={setView}
            aria-label={t('segments.drawer.view')}
            options={[
              { value: 'builder', label: t('segments.drawer.builder'), icon: <PartitionOutlined /> },
              { value: 'json', label: t('segments.drawer.json'), icon: <CodeOutlined /> },
            ]}
            data-testid="rule-view"
          />
        </div>
        {view === 'builder' ? (
          <ConditionBuilder
            value={draft}
            onChange={changeDraft}
            problems={{ byPath: problems, paths: built.paths }}
            leaves={built.leaves}
          />
        ) : (
          <div data-testid="rule-json">
            <Typography.Paragraph type="secondary" className="tp-small">
              {t('segments.drawer.jsonHelp')}
            </Typography.Paragraph>
            {built.problems.size > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 8 }}
                title={t('segments.drawer.jsonIncomplete')}
              />
            )}
            <CodeBlock code={JSON.stringify(built.condition, null, 2)} />
          </div>
        )}
      </Form>
    </Drawer>
  );
}

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type FormInstance,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import {
  CONDITION_OPS,
  journeysApi,
  PHASES,
  RULE_EVENT_TYPES,
  type ConditionOp,
  type MatchingRule,
  type PreviewResult,
  type RuleCondition,
  type Scalar,
  type Touchpoint,
  type TouchpointInput,
} from '../../api/journeys';
import { ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useChannels } from '../../lib/useChannels';

type ValueKind = 'text' | 'number' | 'boolean';

interface ConditionRow {
  path?: string;
  op?: ConditionOp;
  kind?: ValueKind;
  value?: string | number | boolean | null;
  values?: string[];
  pattern?: string;
}

interface FormValues {
  key?: string;
  name: { 'zh-CN': string; en: string };
  description: { 'zh-CN': string; en: string };
  coreNeed: { 'zh-CN': string; en: string };
  stage: string;
  phase: TouchpointInput['phase'];
  channels: string[];
  ownerTeam?: string;
  targetScore?: number | null;
  targetConversionPct?: number | null;
  priority?: number | null;
  active: boolean;
  rule: {
    events: string[];
    type?: MatchingRule['type'] | null;
    channels: string[];
    conditions: ConditionRow[];
  };
}

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const STAGE_PATTERN = /^[a-z][a-z0-9_]*$/;
const PATH_PATTERN = /^(properties|context)\.[^.]+(\.[^.]+)*$/;
const VALUE_OPS = new Set<ConditionOp>(['eq', 'neq']);
const LIST_OPS = new Set<ConditionOp>(['in', 'not_in']);
const NUMBER_OPS = new Set<ConditionOp>(['gt', 'gte', 'lt', 'lte']);
const TEXT_OPS = new Set<ConditionOp>(['contains', 'starts_with']);

function kindOf(value: Scalar): ValueKind {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text';
}

function scalarOf(text: string, kind: ValueKind): Scalar | undefined {
  if (kind === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return text;
}

function toRow(c: RuleCondition): ConditionRow {
  switch (c.op) {
    case 'eq':
    case 'neq':
      return { path: c.path, op: c.op, kind: kindOf(c.value), value: c.value };
    case 'in':
    case 'not_in':
      return {
        path: c.path,
        op: c.op,
        kind: c.values[0] === undefined ? 'text' : kindOf(c.values[0]),
        values: c.values.map(String),
      };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { path: c.path, op: c.op, kind: 'number', value: c.value };
    case 'contains':
    case 'starts_with':
      return { path: c.path, op: c.op, kind: 'text', value: c.value };
    case 'exists':
    case 'not_exists':
      return { path: c.path, op: c.op };
    case 'matches':
      return { path: c.path, op: c.op, pattern: c.pattern };
  }
}

/** A condition row of the form as the API's condition; undefined while it is incomplete. */
function fromRow(row: ConditionRow): RuleCondition | undefined {
  const path = row.path?.trim();
  if (!path || !row.op) return undefined;
  const kind = row.kind ?? 'text';
  const op = row.op;
  if (VALUE_OPS.has(op)) {
    const value = row.value;
    if (value === undefined || value === null || value === '') return undefined;
    const scalar = typeof value === 'string' ? scalarOf(value, kind) : value;
    return scalar === undefined ? undefined : { path, op: op as 'eq' | 'neq', value: scalar };
  }
  if (LIST_OPS.has(op)) {
    const values = (row.values ?? []).map((v) => scalarOf(v, kind));
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    return { path, op: op as 'in' | 'not_in', values: values as Scalar[] };
  }
  if (NUMBER_OPS.has(op)) {
    return typeof row.value === 'number'
      ? { path, op: op as 'gt' | 'gte' | 'lt' | 'lte', value: row.value }
      : undefined;
  }
  if (TEXT_OPS.has(op)) {
    return typeof row.value === 'string' && row.value !== ''
      ? { path, op: op as 'contains' | 'starts_with', value: row.value }
      : undefined;
  }
  if (op === 'exists' || op === 'not_exists') return { path, op };
  return row.pattern ? { path, op: 'matches', pattern: row.pattern } : undefined;
}

/** The rule as the form holds it now; null while it cannot be previewed (no event yet). */
function ruleOf(values: Partial<FormValues> | undefined): MatchingRule | null {
  const rule = values?.rule;
  const events = (rule?.events ?? []).map((e) => e.trim()).filter(Boolean);
  if (events.length === 0) return null;
  const conditions = (rule?.conditions ?? [])
    .map((row) => (row ? fromRow(row) : undefined))
    .filter((c) => c !== undefined);
  return {
    events,
    ...(rule?.type ? { type: rule.type } : {}),
    ...(rule?.channels?.length ? { channels: rule.channels } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}

function initialValues(touchpoint: Touchpoint | null): FormValues {
  if (!touchpoint) {
    return {
      key: '',
      name: { 'zh-CN': '', en: '' },
      description: { 'zh-CN': '', en: '' },
      coreNeed: { 'zh-CN': '', en: '' },
      stage: '',
      phase: 'pre_sale',
      channels: [],
      ownerTeam: '',
      targetScore: null,
      targetConversionPct: null,
      priority: 100,
      active: true,
      rule: { events: [], type: null, channels: [], conditions: [] },
    };
  }
  return {
    name: { ...touchpoint.name },
    description: { ...touchpoint.description },
    coreNeed: { ...touchpoint.coreNeed },
    stage: touchpoint.stage,
    phase: touchpoint.phase,
    channels: touchpoint.channels,
    ownerTeam: touchpoint.ownerTeam ?? '',
    targetScore: touchpoint.targetScore,
    targetConversionPct:
      touchpoint.targetConversion === null ? null : Math.round(touchpoint.targetConversion * 1000) / 10,
    priority: touchpoint.priority,
    active: touchpoint.active,
    rule: {
      events: touchpoint.rule.events,
      type: touchpoint.rule.type ?? null,
      channels: touchpoint.rule.channels ?? [],
      conditions: (touchpoint.rule.conditions ?? []).map(toRow),
    },
  };
}

/** The API's field path ("name.zh-CN", "conditions/0/pattern") as the form's name path. */
function formPath(path: string, inRule: boolean): Array<string | number> {
  const parts = path.split(/[./]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const mapped = parts[0] === 'targetConversion' ? ['targetConversionPct'] : parts;
  return inRule && parts[0] !== 'rule' ? ['rule', ...mapped] : mapped;
}

type FieldErrors = Parameters<FormInstance<FormValues>['setFields']>[0];

/** Marks fields named by the API's paths (which the form's typed name paths cannot express statically). */
function setErrors(
  form: FormInstance<FormValues>,
  fields: Array<{ name: Array<string | number>; errors: string[] }>,
): void {
  form.setFields(fields as unknown as FieldErrors);
}

function applyApiError(form: FormInstance<FormValues>, error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const details = error.details;
  if (error.code === 'VALIDATION_FAILED' && Array.isArray(details.fields)) {
    const fields = (details.fields as Array<{ path?: string; message?: string }>)
      .filter((f) => typeof f.path === 'string' && f.path !== '')
      .map((f) => ({ name: formPath(f.path ?? '', false), errors: [f.message ?? error.message] }));
    if (fields.length) setErrors(form, fields);
    return fields.length > 0;
  }
  if (error.code === 'TOUCHPOINT_RULE_INVALID' && typeof details.path === 'string') {
    const message = typeof details.message === 'string' ? details.message : error.message;
    setErrors(form, [{ name: formPath(details.path, true), errors: [`${error.message} ${message}`] }]);
    return true;
  }
  if (error.code === 'TOUCHPOINT_EXISTS') {
    setErrors(form, [{ name: ['key'], errors: [error.message] }]);
    return true;
  }
  return false;
}

function ConditionValue({ name, op }: { name: number; op: ConditionOp | undefined }) {
  const { t } = useTranslation();
  if (!op || op === 'exists' || op === 'not_exists') return null;
  if (op === 'matches') {
    return (
      <Form.Item
        name={[name, 'pattern']}
        rules={[{ required: true, message: t('journeys.rule.valueRequired') }]}
        style={{ flex: 1, minWidth: 180, margin: 0 }}
      >
        <Input aria-label={t('journeys.rule.pattern')} placeholder={t('journeys.rule.patternPlaceholder')} />
      </Form.Item>
    );
  }
  if (NUMBER_OPS.has(op)) {
    return (
      <Form.Item
        name={[name, 'value']}
        rules={[{ required: true, type: 'number', message: t('journeys.rule.numberRequired') }]}
        style={{ flex: 1, minWidth: 140, margin: 0 }}
      >
        <InputNumber aria-label={t('journeys.rule.value')} style={{ width: '100%' }} />
      </Form.Item>
    );
  }
  const kindSelect = (
    <Form.Item name={[name, 'kind']} style={{ width: 110, margin: 0 }}>
      <Select
        aria-label={t('journeys.rule.kind')}
        options={(['text', 'number', 'boolean'] as const).map((k) => ({
          value: k,
          label: t(`journeys.rule.kinds.${k}`),
        }))}
      />
    </Form.Item>
  );
  if (LIST_OPS.has(op)) {
    return (
      <>
        {kindSelect}
        <Form.Item
          name={[name, 'values']}
          rules={[{ required: true, type: 'array', min: 1, message: t('journeys.rule.valuesRequired') }]}
          style={{ flex: 1, minWidth: 180, margin: 0 }}
        >
          <Select
            mode="tags"
            aria-label={t('journeys.rule.values')}
            placeholder={t('journeys.rule.valuesPlaceholder')}
            open={false}
            tokenSeparators={[',', '，']}
          />
        </Form.Item>
      </>
    );
  }
  return (
    <>
      {VALUE_OPS.has(op) && kindSelect}
      <Form.Item
        name={[name, 'value']}
        rules={[{ required: true, message: t('journeys.rule.valueRequired') }]}
        style={{ flex: 1, minWidth: 160, margin: 0 }}
      >
        <Input aria-label={t('journeys.rule.value')} />
      </Form.Item>
    </>
  );
}

/** The rule's live preview: how many recent events it matches, with examples. */
function RulePreview({ rule }: { rule: MatchingRule | null }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { nameOf } = useChannels();
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'error'; error: unknown }
    | { status: 'ready'; result: PreviewResult }
  >({ status: 'idle' });
  const serialized = rule ? JSON.stringify(rule) : '';
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!serialized) {
      setState({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setState({ status: 'loading' });
    // Wait until typing pauses before asking the server.
    const timer = window.setTimeout(() => {
      journeysApi
        .preview(JSON.parse(serialized) as MatchingRule, controller.signal)
        .then((result) => {
          if (!controller.signal.aborted) setState({ status: 'ready', result });
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setState({ status: 'error', error });
        });
    }, 500);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [serialized, generation]);

  return (
    <Card
      size="small"
      title={t('journeys.preview.title')}
      extra={
        state.status === 'ready' && (
          <Typography.Text data-testid="preview-summary">
            {t('journeys.preview.summary', {
              matched: format.number(state.result.matched),
              scanned: format.number(state.result.scanned),
            })}
          </Typography.Text>
        )
      }
      data-testid="rule-preview"
    >
      {state.status === 'idle' ? (
        <Typography.Text type="secondary">{t('journeys.preview.needEvent')}</Typography.Text>
      ) : state.status === 'error' ? (
        <ErrorState error={state.error} onRetry={() => setGeneration((g) => g + 1)} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          loading={state.status === 'loading'}
          pagination={false}
          scroll={{ x: 640, y: 260 }}
          dataSource={state.status === 'ready' ? state.result.examples : []}
          locale={{ emptyText: t('journeys.preview.noMatches') }}
          columns={[
            {
              title: t('journeys.preview.time'),
              dataIndex: 'timestamp',
              width: 170,
              render: (iso: string) => format.dateTime(iso),
            },
            {
              title: t('journeys.preview.event'),
              dataIndex: 'name',
              render: (name: string | null, row) => name ?? row.type,
            },
            {
              title: t('journeys.preview.channel'),
              dataIndex: 'channel',
              width: 120,
              render: (channel: string) => nameOf(channel),
            },
            {
              title: t('journeys.preview.customer'),
              dataIndex: 'profileId',
              width: 150,
              render: (id: string) => (
                <Link to={`/customers/${id}`} className="tp-mono">
                  {id.slice(0, 12)}…
                </Link>
              ),
            },
            {
              title: t('journeys.preview.current'),
              dataIndex: 'currentTouchpoint',
              width: 120,
              render: (key: string | null) =>
                key ? <Tag>{key}</Tag> : <Typography.Text type="secondary">—</Typography.Text>,
            },
          ]}
        />
      )}
    </Card>
  );
}

/** Creates or edits a touchpoint: bilingual texts, channels, owner, targets and the matching rule with a preview. */
export function TouchpointEditor({
  open,
  touchpoint,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new touchpoint. */
  touchpoint: Touchpoint | null;
  onClose: () => void;
  onSaved: (touchpoint: Touchpoint) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { channels, nameOf } = useChannels();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const values = Form.useWatch([], form) as Partial<FormValues> | undefined;
  const rule = useMemo(() => ruleOf(values), [values]);
  const initial = useRef(initialValues(touchpoint));

  useEffect(() => {
    if (!open) return;
    initial.current = initialValues(touchpoint);
    form.resetFields();
    form.setFieldsValue(initial.current);
    setError(null);
  }, [open, touchpoint, form]);

  const channelOptions = channels.map((c) => ({ value: c.key, label: nameOf(c.key) }));

  const submit = async (v: FormValues) => {
    const built = ruleOf(v);
    if (!built) return;
    const rows = v.rule.conditions ?? [];
    if (rows.some((row) => fromRow(row) === undefined)) {
      setErrors(
        form,
        rows.flatMap((row, i) =>
          fromRow(row) === undefined
            ? [{ name: ['rule', 'conditions', i, 'path'], errors: [t('journeys.rule.incomplete')] }]
            : [],
        ),
      );
      return;
    }
    const input: TouchpointInput = {
      name: { 'zh-CN': v.name['zh-CN'].trim(), en: v.name.en.trim() },
      description: v.description,
      coreNeed: v.coreNeed,
      stage: v.stage.trim(),
      phase: v.phase,
      channels: v.channels ?? [],
      ownerTeam: v.ownerTeam?.trim() ? v.ownerTeam.trim() : null,
      targetScore: v.targetScore ?? null,
      targetConversion:
        v.targetConversionPct === null || v.targetConversionPct === undefined
          ? null
          : Math.round(v.targetConversionPct * 10) / 1000,
      rule: built,
      active: v.active,
      ...(typeof v.priority === 'number' ? { priority: v.priority } : {}),
    };
    setSaving(true);
    setError(null);
    try {
      const saved = touchpoint
        ? await journeysApi.updateTouchpoint(touchpoint.key, input)
        : await journeysApi.createTouchpoint({ ...input, key: (v.key ?? '').trim() });
      message.success(t(touchpoint ? 'journeys.editor.updated' : 'journeys.editor.created'));
      onSaved(saved);
    } catch (err) {
      // Field problems are shown beside their fields too; the alert keeps the API's code in view.
      applyApiError(form, err);
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const bilingual = (field: 'name' | 'description' | 'coreNeed', required: boolean, area = false) => (
    <Row gutter={12}>
      {(['zh-CN', 'en'] as const).map((lng) => (
        <Col xs={24} md={12} key={lng}>
          <Form.Item
            name={[field, lng]}
            label={t(`journeys.editor.${field}`, { language: t(`language.${lng}`) })}
            rules={
              required
                ? [{ required: true, whitespace: true, message: t('journeys.editor.required') }, { max: 100 }]
                : [{ max: field === 'coreNeed' ? 1000 : 2000 }]
            }
          >
            {area ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} /> : <Input />}
          </Form.Item>
        </Col>
      ))}
    </Row>
  );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="min(960px, 100vw)"
      title={
        touchpoint
          ? t('journeys.editor.editTitle', { key: touchpoint.key })
          : t('journeys.editor.createTitle')
      }
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="touchpoint-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial.current}
        onFinish={(v) => void submit(v)}
        requiredMark="optional"
        data-testid="touchpoint-form"
      >
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
        {!touchpoint && (
          <Form.Item
            name="key"
            label={t('journeys.editor.key')}
            extra={t('journeys.editor.keyHelp')}
            rules={[
              { required: true, message: t('journeys.editor.required') },
              { pattern: KEY_PATTERN, message: t('journeys.editor.keyPattern') },
            ]}
          >
            <Input className="tp-mono" maxLength={40} />
          </Form.Item>
        )}
        {bilingual('name', true)}
        {bilingual('coreNeed', false, true)}
        {bilingual('description', false, true)}
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item
              name="stage"
              label={t('journeys.editor.stage')}
              rules={[
                { required: true, message: t('journeys.editor.required') },
                { pattern: STAGE_PATTERN, message: t('journeys.editor.stagePattern') },
              ]}
            >
              <Input className="tp-mono" maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="phase" label={t('journeys.editor.phase')} rules={[{ required: true }]}>
              <Select options={PHASES.map((p) => ({ value: p, label: t(`journeys.phase.${p}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="ownerTeam" label={t('journeys.editor.ownerTeam')} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="channels"
          label={t('journeys.editor.channels')}
          extra={t('journeys.editor.channelsHelp')}
        >
          <Select mode="multiple" options={channelOptions} allowClear />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={12} md={6}>
            <Form.Item name="targetScore" label={t('journeys.editor.targetScore')}>
              <InputNumber min={0} max={100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="targetConversionPct" label={t('journeys.editor.targetConversion')}>
              <InputNumber min={0} max={100} step={1} suffix="%" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item
              name="priority"
              label={t('journeys.editor.priority')}
              extra={t('journeys.editor.priorityHelp')}
            >
              <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="active" label={t('journeys.editor.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('journeys.rule.title')}</Divider>
        <Typography.Paragraph type="secondary">{t('journeys.rule.help')}</Typography.Paragraph>
        <Form.Item
          name={['rule', 'events']}
          label={t('journeys.rule.events')}
          extra={t('journeys.rule.eventsHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('journeys.rule.eventsRequired') }]}
        >
          <Select
            mode="tags"
            open={false}
            tokenSeparators={[',']}
            data-testid="rule-events"
            aria-label={t('journeys.rule.events')}
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name={['rule', 'type']} label={t('journeys.rule.type')}>
              <Select
                allowClear
                placeholder={t('journeys.rule.anyType')}
                options={RULE_EVENT_TYPES.map((type) => ({ value: type, label: type }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['rule', 'channels']} label={t('journeys.rule.channels')}>
              <Select
                mode="multiple"
                allowClear
                placeholder={t('journeys.rule.anyChannel')}
                options={channelOptions}
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('journeys.rule.conditions')}</Typography.Text>
        <Typography.Paragraph type="secondary" className="tp-small">
          {t('journeys.rule.conditionsHelp')}
        </Typography.Paragraph>
        <Form.List name={['rule', 'conditions']}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <div className="tp-rule-row" key={field.key} data-testid="rule-condition">
                  <Form.Item
                    name={[field.name, 'path']}
                    rules={[
                      { required: true, message: t('journeys.rule.pathRequired') },
                      { pattern: PATH_PATTERN, message: t('journeys.rule.pathPattern') },
                    ]}
                    style={{ width: 220, margin: 0 }}
                  >
                    <Input
                      aria-label={t('journeys.rule.path')}
                      placeholder="properties.plan"
                      className="tp-mono"
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'op']}
                    rules={[{ required: true }]}
                    style={{ width: 150, margin: 0 }}
                  >
                    <Select
                      aria-label={t('journeys.rule.op')}
                      options={CONDITION_OPS.map((op) => ({ value: op, label: t(`journeys.ops.${op}`) }))}
                    />
                  </Form.Item>
                  <Form.Item noStyle dependencies={[['rule', 'conditions', field.name, 'op']]}>
                    {() => (
                      <ConditionValue
                        name={field.name}
                        op={
                          form.getFieldValue(['rule', 'conditions', field.name, 'op']) as
                            ConditionOp | undefined
                        }
                      />
                    )}
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={t('journeys.rule.removeCondition')}
                    onClick={() => remove(field.name)}
                  />
                </div>
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ path: 'properties.', op: 'eq', kind: 'text', value: '' })}
                disabled={fields.length >= 20}
                style={{ marginBottom: 16 }}
                data-testid="add-condition"
              >
                {t('journeys.rule.addCondition')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
      <RulePreview rule={rule} />
    </Drawer>
  );
}

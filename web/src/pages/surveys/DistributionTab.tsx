import { DeleteOutlined, LinkOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  ConfigProvider,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Slider,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, writeKeysApi } from '../../api';
import {
  surveysApi,
  type CreateLinkInput,
  type SurveyDelivery,
  type SurveyDetail,
  type SurveyDistribution,
  type SurveyLink,
  type SurveySettings,
  type TraitCondition,
} from '../../api/surveys';
import { CodeBlock } from '../../components/CodeBlock';
import { CopyButton } from '../../components/CopyButton';
import { ListTable } from '../../components/ListTable';
import { EmptyState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useErrorMessage } from '../../lib/errors';
import { useCursorList } from '../../lib/useCursorList';
import { useSession } from '../../session/SessionContext';
import { pickText, surveyLanguageOf } from './surveyText';
import { usePickers } from './usePickers';

const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface LinkValues {
  customer: 'profile' | 'identifier' | 'anonymous';
  profileId?: string;
  identifierType?: string;
  identifierValue?: string;
  singleUse: boolean;
  expiresAt?: Dayjs | null;
  channel?: string;
  hidden?: Record<string, string>;
}

/** Personal (a customer) and anonymous single-use links, with hidden fields and an expiry. */
function LinkCreator({ survey, onCreated }: { survey: SurveyDetail; onCreated: (link: SurveyLink) => void }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [form] = Form.useForm<LinkValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<SurveyLink | null>(null);
  const customer = Form.useWatch('customer', form) ?? 'profile';

  const submit = async (v: LinkValues) => {
    setSaving(true);
    setError(null);
    const hidden = Object.fromEntries(Object.entries(v.hidden ?? {}).filter(([, x]) => x && x.trim()));
    const input: CreateLinkInput = {
      singleUse: v.singleUse,
      ...(v.customer === 'profile' && v.profileId ? { profileId: v.profileId.trim() } : {}),
      ...(v.customer === 'identifier' && v.identifierType && v.identifierValue
        ? { identifier: { type: v.identifierType, value: v.identifierValue.trim() } }
        : {}),
      ...(v.expiresAt ? { expiresAt: v.expiresAt.toDate().toISOString() } : {}),
      ...(v.channel?.trim() ? { channel: v.channel.trim() } : {}),
      ...(Object.keys(hidden).length ? { hidden } : {}),
    };
    try {
      const link = await surveysApi.createLink(survey.id, input);
      setCreated(link);
      onCreated(link);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CUSTOMER_NOT_FOUND')
        form.setFields([
          { name: v.customer === 'profile' ? 'profileId' : 'identifierValue', errors: [messageOf(e)] },
        ]);
      else setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<LinkValues>
      form={form}
      layout="vertical"
      initialValues={{ customer: 'profile', singleUse: true, identifierType: 'phone' }}
      onFinish={(v) => void submit(v)}
      data-testid="link-form"
    >
      <Form.Item name="customer" label={t('surveys.distribution.linkFor')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'profile', label: t('surveys.distribution.byProfile') },
            { value: 'identifier', label: t('surveys.distribution.byIdentifier') },
            { value: 'anonymous', label: t('surveys.distribution.anonymous') },
          ]}
        />
      </Form.Item>
      {customer === 'profile' && (
        <Form.Item
          name="profileId"
          label={t('surveys.distribution.profileId')}
          rules={[{ required: true, whitespace: true, message: t('surveys.distribution.profileRequired') }]}
        >
          <Input className="tp-mono" placeholder="cus_…" maxLength={100} />
        </Form.Item>
      )}
      {customer === 'identifier' && (
        <Row gutter={8}>
          <Col span={8}>
            <Form.Item name="identifierType" label={t('surveys.distribution.identifierType')}>
              <Select
                options={['phone', 'email', 'userId'].map((x) => ({
                  value: x,
                  label: t(`surveys.distribution.identifiers.${x as 'phone' | 'email' | 'userId'}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              name="identifierValue"
              label={t('surveys.distribution.identifierValue')}
              rules={[
                { required: true, whitespace: true, message: t('surveys.distribution.profileRequired') },
              ]}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
      )}
      <Row gutter={8}>
        <Col xs={24} md={8}>
          <Form.Item name="singleUse" label={t('surveys.distribution.singleUse')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="expiresAt" label={t('surveys.distribution.expiresAt')}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="channel" label={t('surveys.distribution.channel')}>
            <Input placeholder="sms / email / wechat" maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      {survey.definition.hiddenFields.length > 0 && (
        <Row gutter={8}>
          {survey.definition.hiddenFields.map((field) => (
            <Col xs={24} md={8} key={field}>
              <Form.Item name={['hidden', field]} label={t('surveys.distribution.hiddenField', { field })}>
                <Input maxLength={500} />
              </Form.Item>
            </Col>
          ))}
        </Row>
      )}
      <Button
        type="primary"
        htmlType="submit"
        icon={<LinkOutlined />}
        loading={saving}
        data-testid="create-link"
      >
        {t('surveys.distribution.createLink')}
      </Button>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {created && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          title={t('surveys.distribution.linkCreated')}
          description={
            <Space>
              <Typography.Text className="tp-mono" data-testid="created-link-url">
                {created.url}
              </Typography.Text>
              <CopyButton text={created.url} />
            </Space>
          }
        />
      )}
    </Form>
  );
}

/** Event triggers, the widget's targeting and sampling, and recontact rules: saved as the survey's distribution. */
function DistributionSettings({
  survey,
  onSaved,
  readOnly,
}: {
  survey: SurveyDetail;
  onSaved: (s: SurveyDetail) => void;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [d, setD] = useState<SurveyDistribution>(() => clone(survey.distribution));
  const pickers = usePickers();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dirty = JSON.stringify(d) !== JSON.stringify(survey.distribution);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await surveysApi.update(survey.id, { distribution: d });
      onSaved(saved);
      setD(clone(saved.distribution));
      void message.success(t('surveys.distribution.saved'));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  const setTrait = (i: number, p: Partial<TraitCondition>) =>
    setD({
      ...d,
      widget: { ...d.widget, traits: d.widget.traits.map((x, j) => (j === i ? { ...x, ...p } : x)) },
    });

  return (
    <ConfigProvider componentDisabled={readOnly}>
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
        <Typography.Title level={5}>{t('surveys.distribution.triggers')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('surveys.distribution.triggersHelp')}</Typography.Paragraph>
        {d.triggers.map((trigger, i) => {
          const kind = trigger.touchpointKey !== undefined ? 'touchpoint' : 'event';
          const update = (next: typeof trigger) =>
            setD({ ...d, triggers: d.triggers.map((x, j) => (j === i ? next : x)) });
          return (
            <Space key={i} wrap style={{ marginBottom: 8 }} data-testid={`trigger-${i}`}>
              <Select
                value={kind}
                style={{ width: 130 }}
                aria-label={t('surveys.distribution.triggerKind')}
                onChange={(k) =>
                  update(
                    k === 'event'
                      ? { event: trigger.touchpointKey ?? '', delayMinutes: trigger.delayMinutes }
                      : { touchpointKey: trigger.event ?? '', delayMinutes: trigger.delayMinutes },
                  )
                }
                options={[
                  { value: 'event', label: t('surveys.distribution.event') },
                  { value: 'touchpoint', label: t('surveys.distribution.touchpoint') },
                ]}
              />
              <AutoComplete
                style={{ width: 240 }}
                aria-label={t('surveys.distribution.triggerName')}
                placeholder={kind === 'event' ? 'Trial Ended' : 'trial'}
                options={kind === 'touchpoint' ? pickers.touchpoints : []}
                value={kind === 'event' ? trigger.event : trigger.touchpointKey}
                onChange={(value: string) =>
                  update(
                    kind === 'event'
                      ? { event: value, delayMinutes: trigger.delayMinutes }
                      : { touchpointKey: value, delayMinutes: trigger.delayMinutes },
                  )
                }
              />
              <span>{t('surveys.distribution.delay')}</span>
              <InputNumber
                min={0}
                max={129600}
                value={trigger.delayMinutes}
                aria-label={t('surveys.distribution.delay')}
                addonAfter={t('surveys.distribution.minutes')}
                onChange={(v) => update({ ...trigger, delayMinutes: v ?? 0 })}
              />
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('surveys.distribution.removeTrigger')}
                onClick={() => setD({ ...d, triggers: d.triggers.filter((_, j) => j !== i) })}
              />
            </Space>
          );
        })}
        <div>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setD({ ...d, triggers: [...d.triggers, { event: '', delayMinutes: 60 }] })}
            data-testid="add-trigger"
          >
            {t('surveys.distribution.addTrigger')}
          </Button>
        </div>

        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('surveys.distribution.widget')}
        </Typography.Title>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Switch
              checked={d.widget.enabled}
              onChange={(enabled) => setD({ ...d, widget: { ...d.widget, enabled } })}
              aria-label={t('surveys.distribution.widgetEnabled')}
            />
            {t('surveys.distribution.widgetEnabled')}
          </Space>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <div className="tp-bilingual-label">{t('surveys.distribution.widgetEvents')}</div>
              <Select
                mode="tags"
                style={{ width: '100%' }}
                value={d.widget.events}
                aria-label={t('surveys.distribution.widgetEvents')}
                onChange={(events: string[]) => setD({ ...d, widget: { ...d.widget, events } })}
              />
            </Col>
            <Col xs={24} md={12}>
              <div className="tp-bilingual-label">{t('surveys.distribution.widgetTouchpoints')}</div>
              <Select
                mode="tags"
                style={{ width: '100%' }}
                value={d.widget.touchpointKeys}
                options={pickers.touchpoints}
                aria-label={t('surveys.distribution.widgetTouchpoints')}
                onChange={(touchpointKeys: string[]) =>
                  setD({ ...d, widget: { ...d.widget, touchpointKeys } })
                }
              />
            </Col>
          </Row>
          <div>
            <div className="tp-bilingual-label">{t('surveys.distribution.traits')}</div>
            {d.widget.traits.map((c, i) => (
              <Space key={i} wrap style={{ marginBottom: 6 }}>
                <Input
                  style={{ width: 160 }}
                  placeholder="plan"
                  value={c.key}
                  aria-label={t('surveys.distribution.traitKey')}
                  onChange={(e) => setTrait(i, { key: e.target.value })}
                />
                <Select<TraitCondition['op']>
                  style={{ width: 120 }}
                  value={c.op}
                  aria-label={t('surveys.logic.operator')}
                  onChange={(op) => setTrait(i, { op })}
                  options={(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const).map((op) => ({
                    value: op,
                    label: t(`surveys.distribution.traitOps.${op}`),
                  }))}
                />
                {c.op !== 'exists' && (
                  <Input
                    style={{ width: 180 }}
                    value={
                      Array.isArray(c.value)
                        ? c.value.join(',')
                        : c.value === undefined
                          ? ''
                          : String(c.value)
                    }
                    aria-label={t('surveys.logic.value')}
                    onChange={(e) => {
                      const raw = e.target.value;
                      const num = Number(raw);
                      setTrait(i, {
                        value:
                          c.op === 'in'
                            ? raw
                                .split(',')
                                .map((x) => x.trim())
                                .filter(Boolean)
                            : ['gt', 'gte', 'lt', 'lte'].includes(c.op) && raw !== '' && Number.isFinite(num)
                              ? num
                              : raw,
                      });
                    }}
                  />
                )}
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('surveys.distribution.removeTrait')}
                  onClick={() =>
                    setD({ ...d, widget: { ...d.widget, traits: d.widget.traits.filter((_, j) => j !== i) } })
                  }
                />
              </Space>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                setD({
                  ...d,
                  widget: { ...d.widget, traits: [...d.widget.traits, { key: '', op: 'eq', value: '' }] },
                })
              }
            >
              {t('surveys.distribution.addTrait')}
            </Button>
          </div>
          <div>
            <div className="tp-bilingual-label">
              {t('surveys.distribution.sample', { percent: d.widget.samplePercent })}
            </div>
            <Slider
              min={0}
              max={100}
              value={d.widget.samplePercent}
              onChange={(samplePercent: number) => setD({ ...d, widget: { ...d.widget, samplePercent } })}
              aria-label={t('surveys.distribution.sampleLabel')}
              style={{ maxWidth: 420 }}
            />
          </div>
        </Space>

        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('surveys.distribution.recontact')}
        </Typography.Title>
        <Space wrap>
          <Select
            style={{ width: 260 }}
            value={d.recontact.mode}
            aria-label={t('surveys.distribution.recontact')}
            onChange={(mode) => setD({ ...d, recontact: { ...d.recontact, mode } })}
            options={(['once', 'until_answered', 'every_n_days'] as const).map((m) => ({
              value: m,
              label: t(`surveys.distribution.recontactModes.${m}`),
            }))}
          />
          {d.recontact.mode === 'every_n_days' && (
            <InputNumber
              min={1}
              max={3650}
              value={d.recontact.days}
              addonAfter={t('surveys.distribution.days')}
              aria-label={t('surveys.distribution.days')}
              onChange={(days) => setD({ ...d, recontact: { ...d.recontact, days: days ?? 90 } })}
            />
          )}
        </Space>
        <div style={{ marginTop: 16 }}>
          <Space>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={!dirty || readOnly}
              loading={saving}
              onClick={() => void save()}
              data-testid="save-distribution"
            >
              {t('surveys.distribution.save')}
            </Button>
            {dirty && <Tag color="gold">{t('surveys.builder.unsaved')}</Tag>}
          </Space>
          {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
        </div>
      </fieldset>
    </ConfigProvider>
  );
}

/** Workspace rules for every survey: the cooldown between asks and when a response is flagged for follow-up. */
function WorkspaceRules({ readOnly }: { readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const [settings, setSettings] = useState<SurveySettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [live, setLive] = useState<{ value: string; label: string }[]>([]);
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  useEffect(() => {
    const controller = new AbortController();
    surveysApi
      .list({ status: 'live' }, { limit: 200, signal: controller.signal })
      .then((page) =>
        setLive(
          page.data.map((x) => ({
            value: x.id,
            label: `${pickText(x.name, language, x.defaultLanguage)} (${x.key})`,
          })),
        ),
      )
      .catch(() => undefined);
    return () => controller.abort();
  }, [language]);
  useEffect(() => {
    const controller = new AbortController();
    surveysApi
      .settings(controller.signal)
      .then(setSettings)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setError(messageOf(e));
      });
    return () => controller.abort();
  }, [messageOf]);
  if (!settings) return error ? <Alert type="error" showIcon title={error} /> : null;
  const cl = settings.closedLoop;
  const setCl = (p: Partial<SurveySettings['closedLoop']>) =>
    setSettings({ ...settings, closedLoop: { ...cl, ...p } });
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      setSettings(await surveysApi.updateSettings(settings));
      void message.success(t('surveys.distribution.saved'));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };
  const threshold = (key: 'npsMax' | 'csatMax' | 'cesMax' | 'score100Max', max: number) => (
    <Space>
      <span>{t(`surveys.distribution.rules.${key}`)}</span>
      <InputNumber
        min={0}
        max={max}
        value={cl[key]}
        placeholder={t('surveys.distribution.rules.off')}
        aria-label={t(`surveys.distribution.rules.${key}`)}
        onChange={(v) => setCl({ [key]: v })}
      />
    </Space>
  );
  return (
    <ConfigProvider componentDisabled={readOnly}>
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
        <Space direction="vertical">
          <Space>
            <span>{t('surveys.distribution.rules.cooldown')}</span>
            <InputNumber
              min={0}
              max={365}
              value={settings.cooldownDays}
              addonAfter={t('surveys.distribution.days')}
              aria-label={t('surveys.distribution.rules.cooldown')}
              onChange={(v) => setSettings({ ...settings, cooldownDays: v ?? 0 })}
            />
          </Space>
          <Space>
            <Switch
              checked={cl.enabled}
              onChange={(enabled) => setCl({ enabled })}
              aria-label={t('surveys.distribution.rules.closedLoop')}
            />
            {t('surveys.distribution.rules.closedLoop')}
          </Space>
          <Space wrap size={16}>
            {threshold('npsMax', 10)}
            {threshold('csatMax', 5)}
            {threshold('cesMax', 7)}
            {threshold('score100Max', 100)}
          </Space>
          <Space>
            <Switch
              checked={cl.negativeComment}
              onChange={(negativeComment) => setCl({ negativeComment })}
              aria-label={t('surveys.distribution.rules.negativeComment')}
            />
            {t('surveys.distribution.rules.negativeComment')}
          </Space>
          <Space wrap>
            <span>{t('surveys.distribution.rules.caseFollowUp')}</span>
            <Select
              allowClear
              style={{ minWidth: 280 }}
              value={settings.caseFollowUpSurveyId ?? undefined}
              placeholder={t('surveys.distribution.rules.off')}
              aria-label={t('surveys.distribution.rules.caseFollowUp')}
              options={live}
              onChange={(id?: string) => setSettings({ ...settings, caseFollowUpSurveyId: id ?? null })}
            />
          </Space>
          <Button icon={<SaveOutlined />} onClick={() => void save()} loading={saving} disabled={readOnly}>
            {t('surveys.distribution.save')}
          </Button>
          {error && <Alert type="error" showIcon title={error} />}
        </Space>
      </fieldset>
    </ConfigProvider>
  );
}

/**
 * Distribution: the public link, personal and single-use links, the widget snippet, event triggers with a delay,
 * the widget's targeting and sampling, recontact rules, the workspace's cooldown and closed-loop rule, and the
 * deliveries the triggers created.
 */
export function DistributionTab({
  survey,
  onSaved,
}: {
  survey: SurveyDetail;
  onSaved: (s: SurveyDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const readOnly = !can('surveys.manage');
  const [writeKey, setWriteKey] = useState<string | null>(null);
  const origin = useMemo(() => {
    try {
      return new URL(survey.publicUrl).origin;
    } catch {
      return window.location.origin;
    }
  }, [survey.publicUrl]);

  useEffect(() => {
    if (!can('write_keys.read')) return;
    const controller = new AbortController();
    writeKeysApi
      .list({ signal: controller.signal, limit: 20 })
      .then((page) => setWriteKey(page.data.find((k) => !k.revokedAt)?.key ?? null))
      .catch(() => undefined);
    return () => controller.abort();
  }, [can]);

  const links = useCursorList<SurveyLink>(
    ({ cursor, signal }) => surveysApi.links(survey.id, { cursor, signal, limit: 20 }),
    survey.id,
  );
  const deliveries = useCursorList<SurveyDelivery>(
    ({ cursor, signal }) => surveysApi.deliveries(survey.id, { cursor, signal, limit: 20 }),
    survey.id,
  );

  const snippet = [
    `<script src="${origin}/widget.js" data-write-key="${writeKey ?? 'WRITE_KEY'}" data-user-id="USER_ID" async></script>`,
    '<script>',
    `  // ${t('surveys.distribution.snippetComment')}`,
    `  window.touchpointSurveys && window.touchpointSurveys.check({ ${
      survey.distribution.widget.touchpointKeys[0]
        ? `touchpointKey: '${survey.distribution.widget.touchpointKeys[0]}'`
        : `event: '${survey.distribution.widget.events[0] ?? 'Order Completed'}'`
    } });`,
    '</script>',
  ].join('\n');

  const linkColumns: ColumnsType<SurveyLink> = [
    {
      title: t('surveys.distribution.columns.url'),
      dataIndex: 'url',
      render: (url: string) => (
        <Space size={4}>
          <Typography.Text className="tp-mono" ellipsis style={{ maxWidth: 320 }}>
            {url}
          </Typography.Text>
          <CopyButton text={url} />
        </Space>
      ),
    },
    {
      title: t('surveys.distribution.columns.customer'),
      dataIndex: 'profileId',
      render: (id: string | null) =>
        id ? (
          <span className="tp-mono">{id}</span>
        ) : (
          <span className="tp-muted">{t('surveys.distribution.anonymous')}</span>
        ),
    },
    {
      title: t('surveys.distribution.columns.kind'),
      key: 'kind',
      render: (_: unknown, l) => (
        <Space size={4} wrap>
          <Tag>
            {t(l.singleUse ? 'surveys.distribution.singleUseTag' : 'surveys.distribution.reusableTag')}
          </Tag>
          <Tag color="default">{l.origin}</Tag>
        </Space>
      ),
    },
    {
      title: t('surveys.distribution.columns.used'),
      dataIndex: 'usedAt',
      render: (iso: string | null) =>
        iso ? <TimeText iso={iso} relative /> : <span className="tp-muted">{t('common.never')}</span>,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      responsive: ['lg'],
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
  ];

  const deliveryColumns: ColumnsType<SurveyDelivery> = [
    {
      title: t('surveys.distribution.columns.customer'),
      dataIndex: 'profileId',
      render: (id: string) => <span className="tp-mono">{id}</span>,
    },
    {
      title: t('surveys.distribution.columns.reason'),
      key: 'reason',
      render: (_: unknown, d) => (
        <Space direction="vertical" size={0}>
          <span>
            {t(
              d.reason === 'case_followup'
                ? 'surveys.distribution.caseFollowup'
                : 'surveys.distribution.triggerReason',
            )}
          </span>
          <Typography.Text type="secondary" className="tp-mono">
            {d.cause}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('surveys.distribution.columns.url'),
      dataIndex: 'url',
      render: (url: string) => <CopyButton text={url} />,
    },
    {
      title: t('surveys.distribution.columns.sent'),
      dataIndex: 'sentAt',
      render: (iso: string | null, d) =>
        iso ? (
          <TimeText iso={iso} relative />
        ) : (
          <Button
            size="small"
            onClick={() =>
              void surveysApi
                .markDeliverySent(survey.id, d.id)
                .then((next) => deliveries.update((items) => items.map((x) => (x.id === next.id ? next : x))))
                .catch((e: unknown) => void message.error(messageOf(e)))
            }
          >
            {t('surveys.distribution.markSent')}
          </Button>
        ),
    },
    {
      title: t('surveys.distribution.columns.responded'),
      dataIndex: 'responded',
      render: (yes: boolean) =>
        yes ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (iso: string) => <TimeText iso={iso} relative />,
    },
  ];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t('surveys.distribution.publicLink')} style={{ height: '100%' }}>
          {survey.status !== 'live' && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('surveys.distribution.notLive')}
            />
          )}
          <Space wrap>
            <Typography.Link
              href={survey.publicUrl}
              target="_blank"
              className="tp-mono"
              data-testid="public-link"
            >
              {survey.publicUrl}
            </Typography.Link>
            <CopyButton text={survey.publicUrl} withLabel />
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('surveys.distribution.publicHelp')}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('surveys.distribution.widgetSnippet')} style={{ height: '100%' }}>
          <CodeBlock code={snippet} testId="widget-snippet" />
          {!writeKey && (
            <Typography.Paragraph type="secondary">
              {t('surveys.distribution.writeKeyHelp')}
            </Typography.Paragraph>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('surveys.distribution.personalLinks')}>
          <LinkCreator survey={survey} onCreated={(link) => links.update((items) => [link, ...items])} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('surveys.distribution.settings')}>
          <DistributionSettings survey={survey} onSaved={onSaved} readOnly={readOnly} />
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('surveys.distribution.links')}>
          <ListTable<SurveyLink>
            list={links}
            rowKey="id"
            columns={linkColumns}
            scroll={{ x: 800 }}
            empty={
              <EmptyState
                title={t('surveys.distribution.noLinks')}
                text={t('surveys.distribution.noLinksText')}
              />
            }
          />
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('surveys.distribution.deliveries')}>
          <ListTable<SurveyDelivery>
            list={deliveries}
            rowKey="id"
            columns={deliveryColumns}
            scroll={{ x: 800 }}
            empty={
              <EmptyState
                title={t('surveys.distribution.noDeliveries')}
                text={t('surveys.distribution.noDeliveriesText')}
              />
            }
          />
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('surveys.distribution.workspaceRules')}>
          <Typography.Paragraph type="secondary">
            {t('surveys.distribution.workspaceRulesHelp')}
          </Typography.Paragraph>
          <WorkspaceRules readOnly={readOnly} />
        </Card>
      </Col>
    </Row>
  );
}

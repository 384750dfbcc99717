import { DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api';
import {
  CASE_PRIORITIES,
  CASE_SOURCES,
  CONDITION_TYPES,
  caseSettingsApi,
  type ConditionType,
  type EscalationAction,
  type EscalationTrigger,
  type Rule,
  type RuleCondition,
  type RuleKind,
} from '../../../api/cases';
import { EmptyState, ErrorState } from '../../../components/states';
import { useErrorMessage } from '../../../lib/errors';
import { useChannels } from '../../../lib/useChannels';
import { useBilingual, useDuration, type CaseLookups } from '../caseDisplay';
import { ruleToInput, ruleToValues, valuesToInput, type RuleValues } from './ruleForm';

const TAG_TYPES: ConditionType[] = ['touchpoint', 'language', 'tag', 'value_tier'];

/** Routing rules, SLA policies or escalation rules: the list in evaluation order and the editor. */
export function RulesTab({ kind, lookups }: { kind: RuleKind; lookups: CaseLookups }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const bilingual = useBilingual();
  const duration = useDuration();
  const { channels, nameOf: channelName } = useChannels();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [form] = Form.useForm<RuleValues>();

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    caseSettingsApi
      .rules(kind, controller.signal)
      .then((answer) => setRules(answer.data))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [kind, generation]);

  const categoryTree = useMemo(
    () =>
      lookups.taxonomy.map((c) => ({
        value: c.key,
        title: bilingual(c.name),
        children: c.subcategories.map((s) => ({ value: `${c.key}/${s.key}`, title: bilingual(s.name) })),
      })),
    [lookups.taxonomy, bilingual],
  );
  const memberOptions = lookups.members.map((m) => ({ value: m.userId, label: m.name?.trim() || m.email }));
  const teamOptions = lookups.teams.map((team) => ({ value: team.id, label: bilingual(team.name) }));

  const open = (rule: Rule | 'new') => {
    setSaveError(null);
    setEditing(rule);
    form.resetFields();
    form.setFieldsValue(ruleToValues(kind, rule === 'new' ? null : rule));
  };

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setSaveError(null);
    try {
      const input = valuesToInput(kind, values);
      if (editing === 'new') await caseSettingsApi.createRule(kind, input);
      else if (editing) await caseSettingsApi.saveRule(kind, editing.id, input);
      message.success(t('cases.settings.saved'));
      setEditing(null);
      setGeneration((g) => g + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const toggle = async (rule: Rule, enabled: boolean) => {
    try {
      await caseSettingsApi.saveRule(kind, rule.id, ruleToInput(rule, { enabled }));
      setGeneration((g) => g + 1);
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const remove = async (rule: Rule) => {
    try {
      await caseSettingsApi.deleteRule(kind, rule.id);
      message.success(t('cases.settings.ruleDeleted'));
      setGeneration((g) => g + 1);
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const conditionText = (c: RuleCondition): string => {
    const label = t(`cases.conditions.${c.type}`);
    switch (c.type) {
      case 'urgent':
      case 'vip':
        return `${label}: ${c.value ? t('common.yes') : t('common.no')}`;
      case 'trait':
        return `${c.name} ${t(`cases.ops.${c.op}`)} ${String(c.value)}`;
      case 'priority':
        return [
          c.atLeast && `${label} ≥ ${t(`cases.priority.${c.atLeast}`)}`,
          c.values && `${label}: ${c.values.map((p) => t(`cases.priority.${p}`)).join(', ')}`,
        ]
          .filter(Boolean)
          .join('; ');
      case 'category':
        return `${label}: ${c.values
          .map((v) => {
            const [a, b] = v.split('/');
            return lookups.categoryName(a ?? v, b);
          })
          .join(', ')}`;
      case 'channel':
        return `${label}: ${c.values.map(channelName).join(', ')}`;
      case 'source':
        return `${label}: ${c.values.map((s) => t(`cases.source.${s}` as 'cases.source.api', { defaultValue: s })).join(', ')}`;
      default:
        return `${label}: ${c.values.join(', ')}`;
    }
  };

  const configText = (rule: Rule): ReactNode => {
    const cfg = rule.config;
    if (kind === 'routing')
      return cfg.type === 'agent'
        ? t('cases.settings.toAgent', { who: lookups.memberName(String(cfg.userId ?? '')) })
        : t('cases.settings.toTeam', { team: lookups.teamName(String(cfg.teamId ?? '')) });
    if (kind === 'sla') {
      const fr =
        typeof cfg.firstResponseMinutes === 'number'
          ? duration(cfg.firstResponseMinutes * 60_000)
          : t('common.none');
      const res =
        typeof cfg.resolutionMinutes === 'number'
          ? duration(cfg.resolutionMinutes * 60_000)
          : t('common.none');
      return t('cases.settings.slaTargets', { fr, res });
    }
    const trigger = cfg.trigger as EscalationTrigger | undefined;
    const actions = (cfg.actions ?? []) as EscalationAction[];
    return (
      <Space orientation="vertical" size={2}>
        {trigger && <span>{triggerText(trigger)}</span>}
        <span>
          {actions.map((a, i) => (
            <Tag key={i} color="volcano">
              {t(`cases.actions.${a.type}`)}
            </Tag>
          ))}
        </span>
      </Space>
    );
  };

  const triggerText = (tr: EscalationTrigger) => {
    const target =
      'target' in tr ? t(`cases.sla.${tr.target === 'first_response' ? 'firstResponse' : 'resolution'}`) : '';
    const minutes = 'minutes' in tr ? duration(tr.minutes * 60_000) : '';
    return t(`cases.triggers.${tr.type}Text`, { target, time: minutes });
  };

  if (error !== null) return <ErrorState error={error} onRetry={() => setGeneration((g) => g + 1)} />;

  const conditionEditor = (
    <Form.List name="conditions">
      {(fields, { add, remove: removeCondition }) => (
        <Space orientation="vertical" style={{ width: '100%' }} size={8}>
          {fields.map((field) => (
            <Space key={field.key} align="start" wrap className="tp-rule-condition">
              <Form.Item name={[field.name, 'type']} style={{ marginBottom: 0 }} rules={[{ required: true }]}>
                <Select<ConditionType>
                  style={{ width: 170 }}
                  aria-label={t('cases.settings.conditionType')}
                  options={CONDITION_TYPES.map((c) => ({ value: c, label: t(`cases.conditions.${c}`) }))}
                  // A new type starts with empty values (the old ones mean nothing for it).
                  onChange={(type) => form.setFieldValue(['conditions', field.name], { type })}
                />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {() => {
                  const type = form.getFieldValue(['conditions', field.name, 'type']) as
                    ConditionType | undefined;
                  const required = [
                    {
                      required: true,
                      type: 'array' as const,
                      min: 1,
                      message: t('cases.settings.valuesRequired'),
                    },
                  ];
                  switch (type) {
                    case 'category':
                      return (
                        <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }} rules={required}>
                          <TreeSelect
                            treeData={categoryTree}
                            multiple
                            style={{ width: 320 }}
                            treeCheckable={false}
                            showSearch
                            treeNodeFilterProp="title"
                            aria-label={t('cases.conditions.category')}
                          />
                        </Form.Item>
                      );
                    case 'priority':
                      return (
                        <Space>
                          <Form.Item name={[field.name, 'atLeast']} style={{ marginBottom: 0 }}>
                            <Select
                              allowClear
                              style={{ width: 150 }}
                              placeholder={t('cases.settings.atLeast')}
                              aria-label={t('cases.settings.atLeast')}
                              options={CASE_PRIORITIES.map((p) => ({
                                value: p,
                                label: `≥ ${t(`cases.priority.${p}`)}`,
                              }))}
                            />
                          </Form.Item>
                          <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }}>
                            <Select
                              mode="multiple"
                              allowClear
                              style={{ width: 200 }}
                              placeholder={t('cases.settings.exactly')}
                              aria-label={t('cases.settings.exactly')}
                              options={CASE_PRIORITIES.map((p) => ({
                                value: p,
                                label: t(`cases.priority.${p}`),
                              }))}
                            />
                          </Form.Item>
                        </Space>
                      );
                    case 'channel':
                      return (
                        <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }} rules={required}>
                          <Select
                            mode="tags"
                            style={{ width: 320 }}
                            aria-label={t('cases.conditions.channel')}
                            options={channels.map((c) => ({ value: c.key, label: channelName(c.key) }))}
                          />
                        </Form.Item>
                      );
                    case 'source':
                      return (
                        <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }} rules={required}>
                          <Select
                            mode="multiple"
                            style={{ width: 320 }}
                            aria-label={t('cases.conditions.source')}
                            options={CASE_SOURCES.map((s) => ({ value: s, label: t(`cases.source.${s}`) }))}
                          />
                        </Form.Item>
                      );
                    case 'sentiment':
                      return (
                        <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }} rules={required}>
                          <Select
                            mode="multiple"
                            style={{ width: 320 }}
                            aria-label={t('cases.conditions.sentiment')}
                            options={(['negative', 'neutral', 'positive'] as const).map((s) => ({
                              value: s,
                              label: t(`cases.sentiment.${s}`),
                            }))}
                          />
                        </Form.Item>
                      );
                    case 'urgent':
                    case 'vip':
                      return (
                        <Form.Item name={[field.name, 'flag']} style={{ marginBottom: 0 }} initialValue>
                          <Radio.Group
                            optionType="button"
                            options={[
                              { value: true, label: t('common.yes') },
                              { value: false, label: t('common.no') },
                            ]}
                          />
                        </Form.Item>
                      );
                    case 'trait':
                      return (
                        <Space>
                          <Form.Item
                            name={[field.name, 'name']}
                            style={{ marginBottom: 0 }}
                            rules={[
                              {
                                required: true,
                                pattern: /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/,
                                message: t('cases.settings.traitName'),
                              },
                            ]}
                          >
                            <Input
                              className="tp-mono"
                              style={{ width: 140 }}
                              placeholder={t('cases.settings.traitName')}
                              aria-label={t('cases.settings.traitName')}
                            />
                          </Form.Item>
                          <Form.Item name={[field.name, 'op']} style={{ marginBottom: 0 }} initialValue="eq">
                            <Select
                              style={{ width: 110 }}
                              aria-label={t('cases.settings.operator')}
                              options={(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const).map((o) => ({
                                value: o,
                                label: t(`cases.ops.${o}`),
                              }))}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[field.name, 'value']}
                            style={{ marginBottom: 0 }}
                            rules={[{ required: true, message: t('cases.settings.valuesRequired') }]}
                          >
                            <Input
                              style={{ width: 140 }}
                              maxLength={200}
                              placeholder={t('cases.settings.traitValue')}
                              aria-label={t('cases.settings.traitValue')}
                            />
                          </Form.Item>
                        </Space>
                      );
                    default:
                      return type && TAG_TYPES.includes(type) ? (
                        <Form.Item name={[field.name, 'values']} style={{ marginBottom: 0 }} rules={required}>
                          <Select
                            mode="tags"
                            style={{ width: 320 }}
                            tokenSeparators={[',', ' ']}
                            placeholder={t('cases.settings.typeValues')}
                            aria-label={t(`cases.conditions.${type}`)}
                            options={
                              type === 'language'
                                ? [
                                    { value: 'zh', label: 'zh' },
                                    { value: 'en', label: 'en' },
                                  ]
                                : []
                            }
                          />
                        </Form.Item>
                      ) : null;
                  }
                }}
              </Form.Item>
              <Button
                type="text"
                icon={<MinusCircleOutlined />}
                onClick={() => removeCondition(field.name)}
                aria-label={t('cases.settings.removeCondition')}
              />
            </Space>
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => add({ type: 'category' })}
            disabled={fields.length >= 20}
          >
            {t('cases.settings.addCondition')}
          </Button>
        </Space>
      )}
    </Form.List>
  );

  const routingEditor = (
    <Card size="small" title={t('cases.settings.routeTo')}>
      <Form.Item name="targetType" style={{ marginBottom: 8 }}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'team', label: t('cases.settings.aTeam') },
            { value: 'agent', label: t('cases.settings.anAgent') },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.targetType !== b.targetType}>
        {() =>
          form.getFieldValue('targetType') === 'agent' ? (
            <Form.Item
              name="userId"
              rules={[{ required: true, message: t('cases.settings.memberRequired') }]}
              style={{ marginBottom: 0 }}
            >
              <Select
                showSearch
                optionFilterProp="label"
                options={memberOptions}
                placeholder={t('cases.settings.member')}
              />
            </Form.Item>
          ) : (
            <Form.Item
              name="teamId"
              rules={[{ required: true, message: t('cases.settings.teamRequired') }]}
              extra={t('cases.settings.teamRoutingHelp')}
              style={{ marginBottom: 0 }}
            >
              <Select options={teamOptions} placeholder={t('cases.settings.team')} />
            </Form.Item>
          )
        }
      </Form.Item>
    </Card>
  );

  const minutesRule = {
    type: 'integer' as const,
    min: 1,
    max: 525_600,
    message: t('cases.settings.minutesRange'),
  };
  const slaEditor = (
    <Card size="small" title={t('cases.settings.targets')}>
      <Space wrap>
        <Form.Item name="firstResponseMinutes" label={t('cases.sla.firstResponse')} rules={[minutesRule]}>
          <InputNumber
            min={1}
            max={525_600}
            precision={0}
            suffix={t('cases.settings.minutes')}
            style={{ width: 200 }}
          />
        </Form.Item>
        <Form.Item name="resolutionMinutes" label={t('cases.sla.resolution')} rules={[minutesRule]}>
          <InputNumber
            min={1}
            max={525_600}
            precision={0}
            suffix={t('cases.settings.minutes')}
            style={{ width: 200 }}
          />
        </Form.Item>
      </Space>
      <Typography.Text type="secondary">{t('cases.settings.slaHelp')}</Typography.Text>
    </Card>
  );

  const escalationEditor = (
    <>
      <Card size="small" title={t('cases.settings.trigger')}>
        <Space wrap align="start">
          <Form.Item name="triggerType" style={{ marginBottom: 0 }}>
            <Select<EscalationTrigger['type']>
              style={{ width: 260 }}
              aria-label={t('cases.settings.trigger')}
              options={(['sla_breached', 'sla_due_soon', 'unassigned_for', 'idle_for'] as const).map((x) => ({
                value: x,
                label: t(`cases.triggers.${x}`),
              }))}
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.triggerType !== b.triggerType}>
            {() => {
              const type = form.getFieldValue('triggerType') as EscalationTrigger['type'];
              return (
                <Space>
                  {(type === 'sla_breached' || type === 'sla_due_soon') && (
                    <Form.Item name="triggerTarget" style={{ marginBottom: 0 }}>
                      <Select
                        style={{ width: 160 }}
                        aria-label={t('cases.settings.slaTarget')}
                        options={[
                          { value: 'first_response', label: t('cases.sla.firstResponse') },
                          { value: 'resolution', label: t('cases.sla.resolution') },
                        ]}
                      />
                    </Form.Item>
                  )}
                  {type !== 'sla_breached' && (
                    <Form.Item
                      name="triggerMinutes"
                      style={{ marginBottom: 0 }}
                      rules={[{ required: true, ...minutesRule }]}
                    >
                      <InputNumber
                        min={1}
                        max={525_600}
                        precision={0}
                        suffix={t('cases.settings.minutes')}
                        style={{ width: 160 }}
                        aria-label={t('cases.settings.minutes')}
                      />
                    </Form.Item>
                  )}
                </Space>
              );
            }}
          </Form.Item>
        </Space>
      </Card>
      <Card size="small" title={t('cases.settings.actionsTitle')} style={{ marginTop: 12 }}>
        <Form.List
          name="actions"
          rules={[
            {
              validator: async (_, v: unknown[]) => {
                if (!v || v.length === 0) throw new Error(t('cases.settings.actionsRequired'));
              },
            },
          ]}
        >
          {(fields, { add, remove: removeAction }, { errors }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field) => (
                <Space key={field.key} align="start" wrap className="tp-rule-condition">
                  <Form.Item name={[field.name, 'type']} style={{ marginBottom: 0 }}>
                    <Select
                      style={{ width: 170 }}
                      aria-label={t('cases.settings.actionType')}
                      options={(['notify', 'raise_priority', 'reassign'] as const).map((a) => ({
                        value: a,
                        label: t(`cases.actions.${a}`),
                      }))}
                    />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const type = form.getFieldValue([
                        'actions',
                        field.name,
                        'type',
                      ]) as EscalationAction['type'];
                      if (type === 'notify')
                        return (
                          <Space wrap>
                            <Form.Item name={[field.name, 'recipients']} style={{ marginBottom: 0 }}>
                              <Checkbox.Group
                                options={(['assignee', 'supervisor', 'team'] as const).map((r) => ({
                                  value: r,
                                  label: t(`cases.recipients.${r}`),
                                }))}
                              />
                            </Form.Item>
                            <Form.Item name={[field.name, 'emails']} style={{ marginBottom: 0 }}>
                              <Select
                                mode="tags"
                                style={{ width: 240 }}
                                tokenSeparators={[',', ' ']}
                                placeholder={t('cases.settings.emails')}
                                aria-label={t('cases.settings.emails')}
                                open={false}
                                suffixIcon={null}
                              />
                            </Form.Item>
                            <Form.Item
                              name={[field.name, 'webhook']}
                              valuePropName="checked"
                              style={{ marginBottom: 0 }}
                            >
                              <Checkbox>{t('cases.settings.webhook')}</Checkbox>
                            </Form.Item>
                          </Space>
                        );
                      if (type === 'raise_priority')
                        return (
                          <Form.Item name={[field.name, 'to']} style={{ marginBottom: 0 }}>
                            <Select
                              allowClear
                              style={{ width: 200 }}
                              placeholder={t('cases.settings.oneStepUp')}
                              aria-label={t('cases.settings.raiseTo')}
                              options={CASE_PRIORITIES.map((p) => ({
                                value: p,
                                label: t(`cases.priority.${p}`),
                              }))}
                            />
                          </Form.Item>
                        );
                      const to = form.getFieldValue(['actions', field.name, 'reassignTo']) as
                        string | undefined;
                      return (
                        <Space>
                          <Form.Item
                            name={[field.name, 'reassignTo']}
                            style={{ marginBottom: 0 }}
                            initialValue="supervisor"
                          >
                            <Select
                              style={{ width: 150 }}
                              aria-label={t('cases.settings.reassignTo')}
                              options={(['supervisor', 'team', 'agent'] as const).map((r) => ({
                                value: r,
                                label: t(`cases.settings.reassign.${r}`),
                              }))}
                            />
                          </Form.Item>
                          {to === 'team' && (
                            <Form.Item
                              name={[field.name, 'teamId']}
                              style={{ marginBottom: 0 }}
                              rules={[{ required: true, message: t('cases.settings.teamRequired') }]}
                            >
                              <Select
                                style={{ width: 200 }}
                                options={teamOptions}
                                aria-label={t('cases.settings.team')}
                              />
                            </Form.Item>
                          )}
                          {to === 'agent' && (
                            <Form.Item
                              name={[field.name, 'userId']}
                              style={{ marginBottom: 0 }}
                              rules={[{ required: true, message: t('cases.settings.memberRequired') }]}
                            >
                              <Select
                                style={{ width: 200 }}
                                showSearch
                                optionFilterProp="label"
                                options={memberOptions}
                                aria-label={t('cases.settings.member')}
                              />
                            </Form.Item>
                          )}
                        </Space>
                      );
                    }}
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    onClick={() => removeAction(field.name)}
                    aria-label={t('cases.settings.removeAction')}
                  />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ type: 'notify', recipients: ['assignee'] })}
                disabled={fields.length >= 10}
              >
                {t('cases.settings.addAction')}
              </Button>
              <Form.ErrorList errors={errors} />
            </Space>
          )}
        </Form.List>
      </Card>
    </>
  );

  const ruleError =
    saveError instanceof ApiError && typeof saveError.details.path === 'string'
      ? `${messageOf(saveError)} (${saveError.details.path}${typeof saveError.details.reason === 'string' ? `: ${saveError.details.reason}` : ''})`
      : saveError !== null
        ? messageOf(saveError)
        : null;

  return (
    <>
      <div className="tp-tab-toolbar">
        <Typography.Text type="secondary">{t(`cases.settings.help.${kind}`)}</Typography.Text>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => open('new')}
          data-testid={`add-rule-${kind}`}
        >
          {t(`cases.settings.add.${kind}`)}
        </Button>
      </div>
      <Table<Rule>
        rowKey="id"
        loading={rules === null}
        dataSource={rules ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{
          emptyText:
            rules === null ? (
              <div className="tp-table-placeholder" />
            ) : (
              <EmptyState
                title={t(`cases.settings.empty.${kind}`)}
                text={t('cases.settings.emptyRulesText')}
              />
            ),
        }}
        columns={[
          { title: t('cases.settings.order'), dataIndex: 'position', width: 80, align: 'right' },
          { title: t('common.name'), dataIndex: 'name' },
          {
            title: t('cases.settings.when'),
            key: 'conditions',
            render: (_, rule) =>
              rule.conditions.length === 0 ? (
                <span className="tp-muted">{t('cases.settings.always')}</span>
              ) : (
                <Space wrap size={[4, 4]}>
                  {rule.conditions.length > 1 && <Tag>{t(`cases.settings.match.${rule.match}`)}</Tag>}
                  {rule.conditions.map((c, i) => (
                    <Tag key={i} color="blue">
                      {conditionText(c)}
                    </Tag>
                  ))}
                </Space>
              ),
          },
          { title: t(`cases.settings.then.${kind}`), key: 'config', render: (_, rule) => configText(rule) },
          {
            title: t('cases.settings.enabled'),
            key: 'enabled',
            width: 90,
            render: (_, rule) => (
              <Switch
                checked={rule.enabled}
                onChange={(v) => void toggle(rule, v)}
                aria-label={t('cases.settings.enabled')}
              />
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 110,
            render: (_, rule) => (
              <Space>
                <Button icon={<EditOutlined />} onClick={() => open(rule)} aria-label={t('common.edit')} />
                <Popconfirm
                  title={t('cases.settings.deleteRule')}
                  onConfirm={() => void remove(rule)}
                  okButtonProps={{ danger: true }}
                >
                  <Button danger icon={<DeleteOutlined />} aria-label={t('cases.settings.deleteRule')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t(`cases.settings.add.${kind}`) : t('cases.settings.editRule')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.save')}
        confirmLoading={saving}
        width={860}
        forceRender
      >
        <Form<RuleValues> form={form} layout="vertical" data-testid="rule-form">
          <Space wrap align="start">
            <Form.Item
              name="name"
              label={t('common.name')}
              rules={[
                { required: true, whitespace: true, max: 100, message: t('cases.settings.nameRequired') },
              ]}
            >
              <Input maxLength={100} style={{ width: 360 }} />
            </Form.Item>
            <Form.Item
              name="position"
              label={t('cases.settings.order')}
              extra={t('cases.settings.orderHelp')}
            >
              <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="enabled" label={t('cases.settings.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Card size="small" title={t('cases.settings.conditionsTitle')} style={{ marginBottom: 12 }}>
            <Form.Item name="match" style={{ marginBottom: 8 }}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'all', label: t('cases.settings.match.all') },
                  { value: 'any', label: t('cases.settings.match.any') },
                ]}
              />
            </Form.Item>
            {conditionEditor}
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
              {t('cases.settings.noConditionsHelp')}
            </Typography.Paragraph>
          </Card>
          {kind === 'routing' ? routingEditor : kind === 'sla' ? slaEditor : escalationEditor}
        </Form>
        {ruleError && <Alert type="error" showIcon title={ruleError} style={{ marginTop: 12 }} />}
      </Modal>
    </>
  );
}

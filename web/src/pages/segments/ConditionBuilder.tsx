import { DeleteOutlined, PlusOutlined, ApartmentOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Input, InputNumber, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { Fragment, useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MONEY_METRICS,
  SEGMENT_CONTACT_VIA,
  SEGMENT_LEAF_TYPES,
  SEGMENT_LIMITS,
  SEGMENT_METRICS,
  SEGMENT_NUMBER_OPS,
  SEGMENT_RECENCY_FIELDS,
  SEGMENT_RECENCY_OPS,
  SEGMENT_SUBSCRIPTION_STATUSES,
  SEGMENT_TRAIT_OPS,
  type SegmentLeafType,
} from '../../api/segments';
import { useChannels } from '../../lib/useChannels';
import {
  newGroup,
  newLeaf,
  replaceNode,
  type DraftGroup,
  type DraftLeaf,
  type DraftNode,
  type FieldProblem,
  type LeafFields,
  type ValueKind,
} from './conditionDraft';
import { COMMON_TRAITS } from './segmentDisplay';

type GroupMode = 'all' | 'any' | 'none' | 'notAll';

export interface BuilderProblems {
  /** Problems by API path (`/conditions/0/days`), from the builder's own checks or the API. */
  byPath: Map<string, FieldProblem>;
  /** The API path of each node id. */
  paths: Map<string, string>;
}

interface Ctx {
  root: DraftGroup;
  onChange: (root: DraftGroup) => void;
  problems: BuilderProblems;
  leaves: number;
  disabled: boolean;
}

/**
 * The visual rule editor: nested "all / any / none of" groups over condition rows (trait, value metric, recency,
 * channel, interest, subscription, contact), each row with the inputs its type and operator need. Problems show
 * under the row they belong to.
 */
export function ConditionBuilder({
  value,
  onChange,
  problems,
  leaves,
  disabled = false,
}: {
  value: DraftGroup;
  onChange: (root: DraftGroup) => void;
  problems: BuilderProblems;
  leaves: number;
  disabled?: boolean;
}) {
  const ctx: Ctx = { root: value, onChange, problems, leaves, disabled };
  return (
    <div className="tp-seg-builder" data-testid="condition-builder">
      <GroupEditor node={value} depth={0} ctx={ctx} isRoot />
    </div>
  );
}

function useProblemText(): (problem: FieldProblem) => string {
  const { t } = useTranslation();
  return (problem) =>
    t(`segments.errors.${problem}`, {
      max: SEGMENT_LIMITS.groupSize,
      leaves: SEGMENT_LIMITS.leaves,
      depth: SEGMENT_LIMITS.depth,
      days: SEGMENT_LIMITS.days,
      values: SEGMENT_LIMITS.values,
      length: SEGMENT_LIMITS.stringLength,
    });
}

/** The problems of one node: its own (path itself) and its fields' (path/field). */
function problemsOf(ctx: Ctx, node: DraftNode): { own: FieldProblem[]; fields: Map<string, FieldProblem> } {
  const path = ctx.problems.paths.get(node.id);
  const own: FieldProblem[] = [];
  const fields = new Map<string, FieldProblem>();
  if (path === undefined || path === '#root') return { own, fields };
  for (const [p, problem] of ctx.problems.byPath) {
    if (p === path) own.push(problem);
    else if (p.startsWith(`${path}/`)) {
      const rest = p.slice(path.length + 1);
      if (!rest.includes('/')) fields.set(rest, problem);
    }
  }
  // A negated node's "not" sits one level up.
  if (node.negate) {
    const outer = path.replace(/\/condition$/, '');
    const problem = ctx.problems.byPath.get(outer);
    if (problem) own.push(problem);
  }
  return { own, fields };
}

function ProblemList({ id, problems }: { id: string; problems: FieldProblem[] }) {
  const text = useProblemText();
  if (problems.length === 0) return null;
  return (
    <div id={id} className="tp-seg-problems" role="alert" data-testid="condition-problem">
      {[...new Set(problems)].map((p) => (
        <Typography.Text type="danger" key={p} className="tp-small">
          {text(p)}
        </Typography.Text>
      ))}
    </div>
  );
}

function modeOf(group: DraftGroup): GroupMode {
  if (!group.negate) return group.type;
  return group.type === 'any' ? 'none' : 'notAll';
}

function GroupEditor({
  node,
  depth,
  ctx,
  isRoot = false,
}: {
  node: DraftGroup;
  depth: number;
  ctx: Ctx;
  isRoot?: boolean;
}) {
  const { t } = useTranslation();
  const problemId = useId();
  const update = (change: (n: DraftNode) => DraftNode | null) =>
    ctx.onChange(replaceNode(ctx.root, node.id, change));
  const { own, fields } = problemsOf(ctx, node);
  const groupProblems = [
    ...own,
    ...(fields.get('conditions') ? [fields.get('conditions') as FieldProblem] : []),
  ];
  const mode = modeOf(node);
  const connector = t(node.type === 'all' ? 'segments.builder.and' : 'segments.builder.or');
  const full = node.children.length >= SEGMENT_LIMITS.groupSize || ctx.leaves >= SEGMENT_LIMITS.leaves;
  // A nested group (and a "not" around it) must stay within the API's depth.
  const canNest = depth + 2 < SEGMENT_LIMITS.depth;
  const label = t('segments.builder.groupLabel', { depth: depth + 1 });

  return (
    <div
      className={`tp-seg-group${isRoot ? ' tp-seg-group-root' : ''}${groupProblems.length ? ' tp-seg-invalid' : ''}`}
      role="group"
      aria-label={label}
      aria-describedby={groupProblems.length ? problemId : undefined}
      data-testid="condition-group"
    >
      <div className="tp-seg-group-head">
        <Space size={8} wrap>
          <Typography.Text>{t('segments.builder.match')}</Typography.Text>
          <Select<GroupMode>
            value={mode}
            disabled={ctx.disabled}
            style={{ width: 180 }}
            aria-label={t('segments.builder.groupMode')}
            data-testid="group-mode"
            onChange={(next) =>
              update((n) =>
                n.kind === 'group'
                  ? {
                      ...n,
                      type: next === 'all' || next === 'notAll' ? 'all' : 'any',
                      negate: next === 'none' || next === 'notAll',
                    }
                  : n,
              )
            }
            options={(['all', 'any', 'none', 'notAll'] as const).map((m) => ({
              value: m,
              label: t(`segments.builder.modes.${m}`),
            }))}
          />
          <Typography.Text type="secondary">{t('segments.builder.ofTheFollowing')}</Typography.Text>
        </Space>
        {!isRoot && (
          <Tooltip title={t('segments.builder.removeGroup')}>
            <Button
              type="text"
              icon={<DeleteOutlined />}
              disabled={ctx.disabled}
              aria-label={t('segments.builder.removeGroup')}
              onClick={() => update(() => null)}
            />
          </Tooltip>
        )}
      </div>
      <div className="tp-seg-children">
        {node.children.map((child, i) => (
          <Fragment key={child.id}>
            {i > 0 && (
              <div className="tp-seg-connector" aria-hidden>
                <Tag variant="filled" color={node.type === 'all' ? 'blue' : 'purple'}>
                  {connector}
                </Tag>
              </div>
            )}
            {child.kind === 'group' ? (
              <GroupEditor node={child} depth={depth + 1} ctx={ctx} />
            ) : (
              <LeafEditor node={child} ctx={ctx} index={i} />
            )}
          </Fragment>
        ))}
        {node.children.length === 0 && (
          <Typography.Text type="secondary">{t('segments.builder.emptyGroup')}</Typography.Text>
        )}
      </div>
      <ProblemList id={problemId} problems={groupProblems} />
      <Space size={8} wrap className="tp-seg-group-actions">
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={ctx.disabled || full}
          onClick={() =>
            update((n) => (n.kind === 'group' ? { ...n, children: [...n.children, newLeaf()] } : n))
          }
          data-testid="add-condition"
        >
          {t('segments.builder.addCondition')}
        </Button>
        <Tooltip title={canNest ? undefined : t('segments.builder.tooDeep', { depth: SEGMENT_LIMITS.depth })}>
          <Button
            size="small"
            icon={<ApartmentOutlined />}
            disabled={ctx.disabled || full || !canNest}
            onClick={() =>
              update((n) =>
                n.kind === 'group'
                  ? { ...n, children: [...n.children, newGroup(n.type === 'all' ? 'any' : 'all')] }
                  : n,
              )
            }
            data-testid="add-group"
          >
            {t('segments.builder.addGroup')}
          </Button>
        </Tooltip>
      </Space>
    </div>
  );
}

function LeafEditor({ node, ctx, index }: { node: DraftLeaf; ctx: Ctx; index: number }) {
  const { t } = useTranslation();
  const problemId = useId();
  const { own, fields } = problemsOf(ctx, node);
  const f = node.fields;
  const set = (patch: Partial<LeafFields>) =>
    ctx.onChange(
      replaceNode(ctx.root, node.id, (n) =>
        n.kind === 'leaf' ? { ...n, fields: { ...n.fields, ...patch } } : n,
      ),
    );
  const all = [...own, ...fields.values()];
  const status = (...names: string[]) => (names.some((n) => fields.has(n)) ? ('error' as const) : undefined);
  const described = all.length ? problemId : undefined;

  return (
    <div
      className={`tp-seg-leaf${all.length ? ' tp-seg-invalid' : ''}`}
      role="group"
      aria-label={t('segments.builder.conditionLabel', { index: index + 1 })}
      data-testid="condition-row"
    >
      <div className="tp-seg-leaf-row">
        <Tooltip title={t('segments.builder.negateHelp')}>
          <Button
            size="small"
            type={node.negate ? 'primary' : 'default'}
            danger={node.negate}
            aria-pressed={node.negate}
            disabled={ctx.disabled}
            className="tp-seg-not"
            onClick={() => ctx.onChange(replaceNode(ctx.root, node.id, (n) => ({ ...n, negate: !n.negate })))}
            data-testid="condition-not"
          >
            {t('segments.builder.not')}
          </Button>
        </Tooltip>
        <Select<SegmentLeafType>
          value={f.type}
          disabled={ctx.disabled}
          style={{ width: 150 }}
          aria-label={t('segments.builder.type')}
          data-testid="condition-type"
          onChange={(type) => set({ type })}
          options={SEGMENT_LEAF_TYPES.map((type) => ({ value: type, label: t(`segments.types.${type}`) }))}
        />
        <LeafFieldsEditor
          fields={f}
          set={set}
          status={status}
          disabled={ctx.disabled}
          described={described}
        />
        <Tooltip title={t('segments.builder.removeCondition')}>
          <Button
            type="text"
            icon={<DeleteOutlined />}
            disabled={ctx.disabled}
            aria-label={t('segments.builder.removeCondition')}
            onClick={() => ctx.onChange(replaceNode(ctx.root, node.id, () => null))}
            data-testid="remove-condition"
          />
        </Tooltip>
      </div>
      <ProblemList id={problemId} problems={all} />
    </div>
  );
}

type Status = (...names: string[]) => 'error' | undefined;

function LeafFieldsEditor({
  fields: f,
  set,
  status,
  disabled,
  described,
}: {
  fields: LeafFields;
  set: (patch: Partial<LeafFields>) => void;
  status: Status;
  disabled: boolean;
  described: string | undefined;
}) {
  const { t } = useTranslation();
  const { channels, nameOf } = useChannels();
  const common = { disabled, 'aria-describedby': described };
  const err = (name: string) => ({
    status: status(name),
    'aria-invalid': status(name) === 'error' ? true : undefined,
  });

  switch (f.type) {
    case 'trait': {
      const op = f.traitOp;
      const numeric = (SEGMENT_NUMBER_OPS as readonly string[]).includes(op);
      const list = op === 'in' || op === 'not_in';
      const text = op === 'contains' || op === 'starts_with';
      const scalar = op === 'eq' || op === 'neq';
      return (
        <>
          {
            <AutoComplete
              {...common}
              value={f.trait}
              onChange={(trait: string) => set({ trait })}
              {...err('trait')}
              style={{ width: 150 }}
              placeholder={t('segments.builder.traitPlaceholder')}
              aria-label={t('segments.builder.trait')}
              data-testid="condition-trait"
              options={COMMON_TRAITS.map((key) => ({
                value: key,
                label: `${t(`customers.traitKeys.${key}`)} · ${key}`,
              }))}
              filterOption={(input, option) => String(option?.value ?? '').includes(input.trim())}
            />
          }
          <Select
            {...common}
            value={op}
            {...err('op')}
            style={{ width: 150 }}
            aria-label={t('segments.builder.op')}
            data-testid="condition-op"
            onChange={(traitOp) => set({ traitOp })}
            options={SEGMENT_TRAIT_OPS.map((o) => ({ value: o, label: t(`segments.traitOps.${o}`) }))}
          />
          {(scalar || list) && (
            <Select<ValueKind>
              {...common}
              value={f.valueKind}
              style={{ width: 100 }}
              aria-label={t('segments.builder.kind')}
              onChange={(valueKind) => set({ valueKind })}
              options={(['text', 'number', 'boolean'] as const).map((k) => ({
                value: k,
                label: t(`segments.builder.kinds.${k}`),
              }))}
            />
          )}
          {numeric || (scalar && f.valueKind === 'number') ? (
            <InputNumber
              {...common}
              value={f.number}
              onChange={(number) => set({ number: typeof number === 'number' ? number : null })}
              {...err('value')}
              style={{ width: 140 }}
              aria-label={t('segments.builder.value')}
              data-testid="condition-value"
            />
          ) : scalar && f.valueKind === 'boolean' ? (
            <Select
              {...common}
              value={f.text === 'true' || f.text === 'false' ? f.text : undefined}
              {...err('value')}
              style={{ width: 120 }}
              placeholder={t('segments.builder.value')}
              aria-label={t('segments.builder.value')}
              onChange={(text: string) => set({ text })}
              options={[
                { value: 'true', label: t('common.yes') },
                { value: 'false', label: t('common.no') },
              ]}
            />
          ) : scalar || text ? (
            <Input
              {...common}
              value={f.text}
              onChange={(e) => set({ text: e.target.value })}
              {...err('value')}
              maxLength={SEGMENT_LIMITS.stringLength}
              style={{ width: 180 }}
              placeholder={t('segments.builder.valuePlaceholder')}
              aria-label={t('segments.builder.value')}
              data-testid="condition-value"
            />
          ) : list ? (
            <Select
              {...common}
              mode="tags"
              open={false}
              value={f.values}
              onChange={(values: string[]) => set({ values })}
              {...err('values')}
              tokenSeparators={[',', '，']}
              style={{ minWidth: 200, flex: 1 }}
              placeholder={t('segments.builder.valuesPlaceholder')}
              aria-label={t('segments.builder.values')}
              data-testid="condition-values"
            />
          ) : null}
        </>
      );
    }
    case 'metric': {
      const money = MONEY_METRICS.has(f.metric);
      return (
        <>
          <Select
            {...common}
            value={f.metric}
            {...err('metric')}
            style={{ width: 170 }}
            aria-label={t('segments.builder.metric')}
            data-testid="condition-metric"
            onChange={(metric) => set({ metric })}
            options={SEGMENT_METRICS.map((m) => ({ value: m, label: t(`segments.metrics.${m}`) }))}
          />
          <Select
            {...common}
            value={f.metricOp}
            {...err('op')}
            style={{ width: 130 }}
            aria-label={t('segments.builder.op')}
            data-testid="condition-op"
            onChange={(metricOp) => set({ metricOp })}
            options={SEGMENT_NUMBER_OPS.map((o) => ({ value: o, label: t(`segments.numberOps.${o}`) }))}
          />
          {
            <InputNumber
              {...common}
              value={f.amount}
              onChange={(amount) => set({ amount: typeof amount === 'number' ? amount : null })}
              {...err('value')}
              min={0}
              precision={money ? 2 : f.metric === 'age' ? undefined : 0}
              prefix={money ? '¥' : undefined}
              suffix={f.metric === 'total_spend' ? undefined : t(`segments.metricUnits.${f.metric}`)}
              style={{ width: 190 }}
              aria-label={t('segments.builder.value')}
              data-testid="condition-value"
            />
          }
        </>
      );
    }
    case 'recency':
      return (
        <>
          <Select
            {...common}
            value={f.recencyField}
            {...err('field')}
            style={{ width: 150 }}
            aria-label={t('segments.builder.recencyField')}
            data-testid="condition-field"
            onChange={(recencyField) => set({ recencyField })}
            options={SEGMENT_RECENCY_FIELDS.map((x) => ({
              value: x,
              label: t(`segments.recencyFields.${x}`),
            }))}
          />
          <Select
            {...common}
            value={f.recencyOp}
            {...err('op')}
            style={{ width: 170 }}
            aria-label={t('segments.builder.op')}
            data-testid="condition-op"
            onChange={(recencyOp) => set({ recencyOp })}
            options={SEGMENT_RECENCY_OPS.map((o) => ({ value: o, label: t(`segments.recencyOps.${o}`) }))}
          />
          {
            <InputNumber
              {...common}
              value={f.days}
              onChange={(days) => set({ days: typeof days === 'number' ? days : null })}
              {...err('days')}
              min={1}
              max={SEGMENT_LIMITS.days}
              precision={0}
              suffix={t('segments.builder.daysUnit')}
              style={{ width: 130 }}
              aria-label={t('segments.builder.days')}
              data-testid="condition-days"
            />
          }
        </>
      );
    case 'channel': {
      const options = channels.map((c) => ({ value: c.key, label: nameOf(c.key) }));
      if (f.channel && !options.some((o) => o.value === f.channel))
        options.push({ value: f.channel, label: f.channel });
      return (
        <>
          {
            <Select
              {...common}
              showSearch={{ optionFilterProp: 'label' }}
              value={f.channel || undefined}
              {...err('channel')}
              style={{ width: 170 }}
              placeholder={t('segments.builder.channelPlaceholder')}
              aria-label={t('segments.builder.channel')}
              data-testid="condition-channel"
              onChange={(channel: string) => set({ channel })}
              options={options}
            />
          }
          {
            <InputNumber
              {...common}
              value={f.minEvents}
              onChange={(n) => set({ minEvents: typeof n === 'number' ? n : null })}
              {...err('minEvents')}
              min={1}
              precision={0}
              prefix={t('segments.builder.atLeast')}
              suffix={t('segments.builder.eventsUnit')}
              placeholder="1"
              style={{ width: 190 }}
              aria-label={t('segments.builder.minEvents')}
              data-testid="condition-min"
            />
          }
        </>
      );
    }
    case 'interest':
      return (
        <>
          {
            <Input
              {...common}
              value={f.interest}
              onChange={(e) => set({ interest: e.target.value })}
              {...err('interest')}
              maxLength={SEGMENT_LIMITS.stringLength}
              style={{ width: 180 }}
              placeholder={t('segments.builder.interestPlaceholder')}
              aria-label={t('segments.builder.interest')}
              data-testid="condition-interest"
            />
          }
          {
            <InputNumber
              {...common}
              value={f.minCount}
              onChange={(n) => set({ minCount: typeof n === 'number' ? n : null })}
              {...err('minCount')}
              min={1}
              precision={0}
              prefix={t('segments.builder.atLeast')}
              suffix={t('segments.builder.timesUnit')}
              placeholder="1"
              style={{ width: 190 }}
              aria-label={t('segments.builder.minCount')}
              data-testid="condition-min"
            />
          }
        </>
      );
    case 'subscription':
      return (
        <>
          <Select
            {...common}
            value={f.subscriptionStatus}
            {...err('status')}
            style={{ width: 130 }}
            aria-label={t('segments.builder.subscriptionStatus')}
            data-testid="condition-subscription-status"
            onChange={(subscriptionStatus) => set({ subscriptionStatus })}
            options={SEGMENT_SUBSCRIPTION_STATUSES.map((s) => ({
              value: s,
              label: t(`customer.subscriptions.statuses.${s}`),
            }))}
          />
          {
            <Input
              {...common}
              value={f.product}
              onChange={(e) => set({ product: e.target.value })}
              {...err('product')}
              maxLength={SEGMENT_LIMITS.stringLength}
              style={{ width: 170 }}
              placeholder={t('segments.builder.anyProduct')}
              aria-label={t('segments.builder.product')}
            />
          }
          {f.subscriptionStatus === 'trial' && (
            <InputNumber
              {...common}
              value={f.trialEndsWithinDays}
              onChange={(n) => set({ trialEndsWithinDays: typeof n === 'number' ? n : null })}
              {...err('trialEndsWithinDays')}
              min={0}
              max={SEGMENT_LIMITS.days}
              precision={0}
              prefix={t('segments.builder.endsWithin')}
              suffix={t('segments.builder.daysUnit')}
              placeholder={t('segments.builder.anyTime')}
              style={{ width: 210 }}
              aria-label={t('segments.builder.trialEndsWithinDays')}
              data-testid="condition-trial-days"
            />
          )}
        </>
      );
    case 'contact':
      return (
        <Select
          {...common}
          value={f.via}
          {...err('via')}
          style={{ width: 200 }}
          aria-label={t('segments.builder.via')}
          data-testid="condition-via"
          onChange={(via) => set({ via })}
          options={SEGMENT_CONTACT_VIA.map((v) => ({ value: v, label: t(`segments.contactVia.${v}`) }))}
        />
      );
  }
}

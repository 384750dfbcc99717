import {
  MONEY_METRICS,
  SEGMENT_LIMITS,
  SEGMENT_NUMBER_OPS,
  type SegmentCondition,
  type SegmentContactVia,
  type SegmentLeafType,
  type SegmentMetric,
  type SegmentNumberOp,
  type SegmentRecencyField,
  type SegmentRecencyOp,
  type SegmentScalar,
  type SegmentSubscriptionStatus,
  type SegmentTraitOp,
} from '../../api/segments';

/**
 * The condition builder's editable model of a rule. A node may be negated (the API's `not` wraps it); the root is
 * always a group, and a root "all of" with a single condition is sent as that condition alone, so a simple rule
 * stays simple. Converting a draft also gives every node the API path it is sent at (`/conditions/0`…), so the
 * server's SEGMENT_CONDITION_INVALID `details.path` lands on the right row.
 */

export type ValueKind = 'text' | 'number' | 'boolean';

/** Every field a leaf row can show; the leaf's type decides which are sent. Money is in yuan here. */
export interface LeafFields {
  type: SegmentLeafType;
  trait: string;
  traitOp: SegmentTraitOp;
  valueKind: ValueKind;
  text: string;
  number: number | null;
  values: string[];
  metric: SegmentMetric;
  metricOp: SegmentNumberOp;
  amount: number | null;
  recencyField: SegmentRecencyField;
  recencyOp: SegmentRecencyOp;
  days: number | null;
  channel: string;
  minEvents: number | null;
  interest: string;
  minCount: number | null;
  subscriptionStatus: SegmentSubscriptionStatus;
  product: string;
  trialEndsWithinDays: number | null;
  via: SegmentContactVia;
}

export type DraftNode =
  | { id: string; kind: 'group'; negate: boolean; type: 'all' | 'any'; children: DraftNode[] }
  | { id: string; kind: 'leaf'; negate: boolean; fields: LeafFields };
export type DraftGroup = Extract<DraftNode, { kind: 'group' }>;
export type DraftLeaf = Extract<DraftNode, { kind: 'leaf' }>;

/** What is wrong with a field, as a key of `segments.errors.*` (client checks and the API's paths alike). */
export type FieldProblem =
  | 'trait'
  | 'op'
  | 'value'
  | 'values'
  | 'number'
  | 'metric'
  | 'field'
  | 'days'
  | 'trialEndsWithinDays'
  | 'channel'
  | 'count'
  | 'text'
  | 'option'
  | 'conditions'
  | 'depth'
  | 'leaves'
  | 'rule';

let counter = 0;
const nextId = () => `n${++counter}`;

const BLANK: LeafFields = {
  type: 'trait',
  trait: '',
  traitOp: 'eq',
  valueKind: 'text',
  text: '',
  number: null,
  values: [],
  metric: 'total_spend',
  metricOp: 'gte',
  amount: null,
  recencyField: 'last_seen',
  recencyOp: 'within_days',
  days: 30,
  channel: '',
  minEvents: null,
  interest: '',
  minCount: null,
  subscriptionStatus: 'trial',
  product: '',
  trialEndsWithinDays: null,
  via: 'phone',
};

export function newLeaf(type: SegmentLeafType = 'trait'): DraftLeaf {
  return { id: nextId(), kind: 'leaf', negate: false, fields: { ...BLANK, type } };
}

export function newGroup(type: 'all' | 'any' = 'all', children?: DraftNode[]): DraftGroup {
  return { id: nextId(), kind: 'group', negate: false, type, children: children ?? [newLeaf()] };
}

const isNumberOp = (op: string): op is SegmentNumberOp =>
  (SEGMENT_NUMBER_OPS as readonly string[]).includes(op);

function kindOf(value: SegmentScalar | undefined): ValueKind {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text';
}

/** Yuan from fen, without float noise (12345 → 123.45). */
export const yuanOf = (fen: number) => Math.round(fen) / 100;
/** Fen from yuan as typed (123.45 → 12345). */
export const fenOf = (yuan: number) => Math.round(yuan * 100);

function leafFrom(c: Exclude<SegmentCondition, { type: 'all' | 'any' | 'not' }>): LeafFields {
  const f: LeafFields = { ...BLANK, type: c.type };
  switch (c.type) {
    case 'trait':
      f.trait = c.trait;
      f.traitOp = c.op;
      if ('values' in c) {
        f.valueKind = kindOf(c.values[0]);
        f.values = c.values.map(String);
      } else if ('value' in c) {
        if (isNumberOp(c.op)) f.number = Number(c.value);
        else {
          f.valueKind = kindOf(c.value);
          if (typeof c.value === 'number') f.number = c.value;
          f.text = String(c.value);
        }
      }
      return f;
    case 'metric':
      f.metric = c.metric;
      f.metricOp = c.op;
      f.amount = MONEY_METRICS.has(c.metric) ? yuanOf(c.value) : c.value;
      return f;
    case 'recency':
      f.recencyField = c.field;
      f.recencyOp = c.op;
      f.days = c.days;
      return f;
    case 'channel':
      f.channel = c.channel;
      f.minEvents = c.minEvents ?? null;
      return f;
    case 'interest':
      f.interest = c.interest;
      f.minCount = c.minCount ?? null;
      return f;
    case 'subscription':
      f.subscriptionStatus = c.status;
      f.product = c.product ?? '';
      f.trialEndsWithinDays = c.trialEndsWithinDays ?? null;
      return f;
    case 'contact':
      f.via = c.via;
      return f;
  }
}

function nodeFrom(c: SegmentCondition, negate = false): DraftNode {
  switch (c.type) {
    case 'all':
    case 'any':
      return {
        id: nextId(),
        kind: 'group',
        negate,
        type: c.type,
        children: c.conditions.map((x) => nodeFrom(x)),
      };
    case 'not':
      // A double negation has no row of its own: the inner "not" becomes a group of one.
      return negate
        ? { id: nextId(), kind: 'group', negate: true, type: 'all', children: [nodeFrom(c)] }
        : nodeFrom(c.condition, true);
    default:
      return { id: nextId(), kind: 'leaf', negate, fields: leafFrom(c) };
  }
}

/** The draft of a stored rule; the root is always a group. */
export function draftOf(condition: SegmentCondition | null): DraftGroup {
  if (!condition) return newGroup('all');
  const node = nodeFrom(condition);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

export interface Built {
  /** The rule as it would be sent (incomplete fields left out). */
  condition: SegmentCondition;
  /** Problems found before sending, by API path (`/conditions/0/days`). */
  problems: Map<string, FieldProblem>;
  /** The API path of every node (where its own fields sit; for a negated node, inside the `not`). */
  paths: Map<string, string>;
  leaves: number;
}

/** Converts the draft to the API's rule, checking what the builder can check by itself. */
export function buildCondition(root: DraftGroup): Built {
  const problems = new Map<string, FieldProblem>();
  const paths = new Map<string, string>();
  let leaves = 0;

  const leafCondition = (f: LeafFields, at: string): SegmentCondition => {
    const need = (ok: boolean, field: string, problem: FieldProblem) => {
      if (!ok) problems.set(`${at}/${field}`, problem);
    };
    const wholeFrom = (v: number | null, min: number) => v !== null && Number.isInteger(v) && v >= min;
    switch (f.type) {
      case 'trait': {
        const trait = f.trait.trim();
        need(trait !== '', 'trait', 'trait');
        const op = f.traitOp;
        if (op === 'exists' || op === 'not_exists') return { type: 'trait', trait, op };
        if (isNumberOp(op)) {
          need(f.number !== null && Number.isFinite(f.number), 'value', 'number');
          return { type: 'trait', trait, op, value: f.number ?? (undefined as unknown as number) };
        }
        if (op === 'in' || op === 'not_in') {
          const values = f.values.map((v) => scalarOf(v, f.valueKind));
          const ok =
            values.length > 0 &&
            values.length <= SEGMENT_LIMITS.values &&
            values.every((v) => v !== undefined);
          need(ok, 'values', 'values');
          return { type: 'trait', trait, op, values: values.filter((v) => v !== undefined) };
        }
        if (op === 'contains' || op === 'starts_with') {
          need(f.text !== '', 'value', 'text');
          return { type: 'trait', trait, op, value: f.text };
        }
        const value =
          f.valueKind === 'number'
            ? (f.number ?? undefined)
            : f.valueKind === 'boolean'
              ? scalarOf(f.text, 'boolean')
              : f.text;
        need(value !== undefined && value !== '', 'value', f.valueKind === 'number' ? 'number' : 'value');
        return { type: 'trait', trait, op, value: value as SegmentScalar };
      }
      case 'metric': {
        need(f.amount !== null && Number.isFinite(f.amount), 'value', 'number');
        const amount = f.amount ?? 0;
        return {
          type: 'metric',
          metric: f.metric,
          op: f.metricOp,
          value: MONEY_METRICS.has(f.metric) ? fenOf(amount) : amount,
        };
      }
      case 'recency':
        need(wholeFrom(f.days, 1) && (f.days ?? 0) <= SEGMENT_LIMITS.days, 'days', 'days');
        return { type: 'recency', field: f.recencyField, op: f.recencyOp, days: f.days ?? 0 };
      case 'channel':
        need(f.channel.trim() !== '', 'channel', 'channel');
        if (f.minEvents !== null) need(wholeFrom(f.minEvents, 1), 'minEvents', 'count');
        return {
          type: 'channel',
          channel: f.channel.trim(),
          ...(f.minEvents !== null ? { minEvents: f.minEvents } : {}),
        };
      case 'interest':
        need(f.interest.trim() !== '', 'interest', 'text');
        if (f.minCount !== null) need(wholeFrom(f.minCount, 1), 'minCount', 'count');
        return {
          type: 'interest',
          interest: f.interest.trim(),
          ...(f.minCount !== null ? { minCount: f.minCount } : {}),
        };
      case 'subscription': {
        const trial = f.subscriptionStatus === 'trial';
        const within = trial ? f.trialEndsWithinDays : null;
        if (within !== null)
          need(
            wholeFrom(within, 0) && within <= SEGMENT_LIMITS.days,
            'trialEndsWithinDays',
            'trialEndsWithinDays',
          );
        return {
          type: 'subscription',
          status: f.subscriptionStatus,
          ...(f.product.trim() ? { product: f.product.trim() } : {}),
          ...(within !== null ? { trialEndsWithinDays: within } : {}),
        };
      }
      case 'contact':
        return { type: 'contact', via: f.via };
    }
  };

  const walk = (node: DraftNode, at: string, depth: number): SegmentCondition => {
    let inner = at;
    let innerDepth = depth;
    if (node.negate) {
      if (depth >= SEGMENT_LIMITS.depth) problems.set(at, 'depth');
      inner = `${at}/condition`;
      innerDepth = depth + 1;
    }
    paths.set(node.id, inner);
    let condition: SegmentCondition;
    if (node.kind === 'leaf') {
      leaves += 1;
      if (leaves > SEGMENT_LIMITS.leaves) problems.set(inner, 'leaves');
      condition = leafCondition(node.fields, inner);
    } else {
      if (node.children.length === 0 || node.children.length > SEGMENT_LIMITS.groupSize)
        problems.set(`${inner}/conditions`, 'conditions');
      if (innerDepth >= SEGMENT_LIMITS.depth) problems.set(inner, 'depth');
      condition = {
        type: node.type,
        conditions: node.children.map((child, i) => walk(child, `${inner}/conditions/${i}`, innerDepth + 1)),
      };
    }
    return node.negate ? { type: 'not', condition } : condition;
  };

  let condition: SegmentCondition;
  const only = root.children[0];
  if (!root.negate && root.type === 'all' && root.children.length === 1 && only) {
    // A single condition is sent as it is: the root group then has no path of its own.
    paths.set(root.id, '#root');
    condition = walk(only, '', 0);
  } else {
    condition = walk(root, '', 0);
  }
  return { condition, problems, paths, leaves };
}

function scalarOf(text: string, kind: ValueKind): SegmentScalar | undefined {
  if (kind === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return text.length > 0 && text.length <= SEGMENT_LIMITS.stringLength ? text : undefined;
}

/** The API's field name (the last part of a path) as the problem the builder shows for it. */
export function problemOfField(field: string): FieldProblem {
  switch (field) {
    case 'trait':
    case 'op':
    case 'value':
    case 'values':
    case 'metric':
    case 'field':
    case 'days':
    case 'trialEndsWithinDays':
    case 'channel':
    case 'conditions':
      return field;
    case 'minEvents':
    case 'minCount':
      return 'count';
    case 'interest':
    case 'product':
      return 'text';
    case 'type':
    case 'status':
    case 'via':
      return 'option';
    default:
      return 'rule';
  }
}

/**
 * Places the API's error path on the draft: the node whose path is the longest prefix, and the field after it
 * (empty when the problem is the node itself). Unknown paths fall back to the root.
 */
export function locateApiPath(path: string, paths: Map<string, string>): { nodePath: string; field: string } {
  let best = '';
  for (const p of paths.values()) {
    if (p === '#root') continue;
    if ((path === p || path.startsWith(`${p}/`)) && p.length >= best.length) best = p;
  }
  const rest = path.slice(best.length).replace(/^\//, '');
  return { nodePath: best, field: rest.includes('/') ? '' : rest };
}

/** Replaces the node with `id` anywhere in the tree (returns a new tree). */
export function replaceNode(
  root: DraftGroup,
  id: string,
  change: (node: DraftNode) => DraftNode | null,
): DraftGroup {
  const visit = (node: DraftNode): DraftNode | null => {
    if (node.id === id) return change(node);
    if (node.kind === 'leaf') return node;
    const children = node.children.map(visit).filter((c): c is DraftNode => c !== null);
    return { ...node, children };
  };
  return (visit(root) as DraftGroup | null) ?? root;
}

/** The number of leaves and the deepest nesting of a tree (as the API counts it). */
export function measure(node: DraftNode, depth = 0): { leaves: number; depth: number } {
  const own = node.negate ? depth + 1 : depth;
  if (node.kind === 'leaf') return { leaves: 1, depth: own };
  return node.children.reduce(
    (acc, child) => {
      const m = measure(child, own + 1);
      return { leaves: acc.leaves + m.leaves, depth: Math.max(acc.depth, m.depth) };
    },
    { leaves: 0, depth: own },
  );
}

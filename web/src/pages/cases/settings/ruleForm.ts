/**
 * Converting rules between the API's shape and the rule editor's flat form values (and back), so that a rule the
 * server stored can always be opened, edited and saved again unchanged.
 */
import type {
  CasePriority,
  ConditionType,
  EscalationAction,
  EscalationTrigger,
  Rule,
  RuleCondition,
  RuleInput,
  RuleKind,
} from '../../../api/cases';

export interface ConditionValues {
  type: ConditionType;
  values?: string[];
  atLeast?: CasePriority;
  flag?: boolean;
  name?: string;
  op?: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
  value?: string;
}

export type ReassignTo = 'team' | 'agent' | 'supervisor';

export interface ActionValues {
  type: EscalationAction['type'];
  recipients?: ('assignee' | 'supervisor' | 'team')[];
  emails?: string[];
  webhook?: boolean;
  to?: CasePriority;
  reassignTo?: ReassignTo;
  teamId?: string;
  userId?: string;
}

export interface RuleValues {
  name: string;
  enabled: boolean;
  position?: number;
  match: 'all' | 'any';
  conditions: ConditionValues[];
  // routing
  targetType?: 'team' | 'agent';
  teamId?: string;
  userId?: string;
  // sla
  firstResponseMinutes?: number | null;
  resolutionMinutes?: number | null;
  // escalation
  triggerType?: EscalationTrigger['type'];
  triggerTarget?: 'first_response' | 'resolution';
  triggerMinutes?: number;
  actions?: ActionValues[];
}

function conditionToValues(c: RuleCondition): ConditionValues {
  switch (c.type) {
    case 'urgent':
    case 'vip':
      return { type: c.type, flag: c.value };
    case 'trait':
      return { type: 'trait', name: c.name, op: c.op, value: String(c.value) };
    case 'priority':
      return { type: 'priority', values: c.values, atLeast: c.atLeast };
    default:
      return { type: c.type, values: c.values };
  }
}

/** A trait value typed as text: numbers and true/false become what they look like. */
export function parseTraitValue(raw: string): string | number | boolean {
  const s = raw.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s !== '' && /^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return raw;
}

function valuesToCondition(v: ConditionValues): RuleCondition {
  switch (v.type) {
    case 'urgent':
    case 'vip':
      return { type: v.type, value: v.flag ?? true };
    case 'trait':
      return {
        type: 'trait',
        name: (v.name ?? '').trim(),
        op: v.op ?? 'eq',
        value: parseTraitValue(v.value ?? ''),
      };
    case 'priority':
      return {
        type: 'priority',
        ...(v.values && v.values.length > 0 && { values: v.values as CasePriority[] }),
        ...(v.atLeast && { atLeast: v.atLeast }),
      };
    default:
      return { type: v.type, values: v.values ?? [] };
  }
}

function actionToValues(a: EscalationAction): ActionValues {
  switch (a.type) {
    case 'notify':
      return {
        type: 'notify',
        recipients: a.recipients,
        emails: a.emails ?? [],
        webhook: a.webhook ?? false,
      };
    case 'raise_priority':
      return { type: 'raise_priority', to: a.to };
    case 'reassign':
      return {
        type: 'reassign',
        reassignTo: a.toSupervisor ? 'supervisor' : a.userId ? 'agent' : 'team',
        teamId: a.teamId,
        userId: a.userId,
      };
  }
}

function valuesToAction(v: ActionValues): EscalationAction {
  switch (v.type) {
    case 'notify':
      return {
        type: 'notify',
        recipients: v.recipients ?? [],
        ...(v.emails && v.emails.length > 0 && { emails: v.emails }),
        ...(v.webhook && { webhook: true }),
      };
    case 'raise_priority':
      return { type: 'raise_priority', ...(v.to && { to: v.to }) };
    case 'reassign':
      return v.reassignTo === 'supervisor'
        ? { type: 'reassign', toSupervisor: true }
        : v.reassignTo === 'agent'
          ? { type: 'reassign', userId: v.userId }
          : { type: 'reassign', teamId: v.teamId };
  }
}

/** The editor's values for a stored rule (or a new one of a kind). */
export function ruleToValues(kind: RuleKind, rule: Rule | null): RuleValues {
  const base: RuleValues = {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    position: rule?.position,
    match: rule?.match ?? 'all',
    conditions: (rule?.conditions ?? []).map(conditionToValues),
  };
  const config = (rule?.config ?? {}) as Record<string, unknown>;
  if (kind === 'routing') {
    const type = config.type === 'agent' ? 'agent' : 'team';
    return {
      ...base,
      targetType: type,
      teamId: typeof config.teamId === 'string' ? config.teamId : undefined,
      userId: typeof config.userId === 'string' ? config.userId : undefined,
    };
  }
  if (kind === 'sla')
    return {
      ...base,
      firstResponseMinutes:
        typeof config.firstResponseMinutes === 'number' ? config.firstResponseMinutes : rule ? null : 240,
      resolutionMinutes:
        typeof config.resolutionMinutes === 'number' ? config.resolutionMinutes : rule ? null : 1440,
    };
  const trigger = (config.trigger ?? { type: 'sla_breached', target: 'resolution' }) as EscalationTrigger;
  const actions = (config.actions ?? [
    { type: 'notify', recipients: ['assignee', 'supervisor'] },
  ]) as EscalationAction[];
  return {
    ...base,
    triggerType: trigger.type,
    triggerTarget: 'target' in trigger ? trigger.target : 'resolution',
    triggerMinutes: 'minutes' in trigger ? trigger.minutes : 30,
    actions: actions.map(actionToValues),
  };
}

/** The API body for the editor's values. */
export function valuesToInput(kind: RuleKind, v: RuleValues): RuleInput {
  const input: RuleInput = {
    name: v.name.trim(),
    enabled: v.enabled,
    ...(v.position !== undefined && v.position !== null && { position: v.position }),
    match: v.match,
    conditions: (v.conditions ?? []).map(valuesToCondition),
  };
  if (kind === 'routing')
    return {
      ...input,
      target:
        v.targetType === 'agent'
          ? { type: 'agent', userId: v.userId ?? '' }
          : { type: 'team', teamId: v.teamId ?? '' },
    };
  if (kind === 'sla')
    return {
      ...input,
      firstResponseMinutes: v.firstResponseMinutes ?? null,
      resolutionMinutes: v.resolutionMinutes ?? null,
    };
  const type = v.triggerType ?? 'sla_breached';
  const target = v.triggerTarget ?? 'resolution';
  const minutes = v.triggerMinutes ?? 30;
  const trigger: EscalationTrigger =
    type === 'sla_breached'
      ? { type, target }
      : type === 'sla_due_soon'
        ? { type, target, minutes }
        : { type, minutes };
  return { ...input, trigger, actions: (v.actions ?? []).map(valuesToAction) };
}

/** The body that saves a stored rule unchanged except for what `patch` says (e.g. switching it on or off). */
export function ruleToInput(rule: Rule, patch: Partial<RuleValues> = {}): RuleInput {
  return valuesToInput(rule.kind, { ...ruleToValues(rule.kind, rule), ...patch });
}

import { Type, type TSchema } from '@sinclair/typebox';
import { Page } from '../../platform/http/index.js';
import { HANDLING_STEPS, PRIORITIES, RESOLUTION_CODES, SOURCES, STATUSES } from './case.model.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Key = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });
const Tag = Type.String({ minLength: 1, maxLength: 40, pattern: '^[^\\s,]+$' });
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Text = Type.String({ minLength: 1, maxLength: 20_000, pattern: '\\S' });

export const PriorityS = lit(PRIORITIES);
export const StatusS = lit(STATUSES);
const Bilingual = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
    en: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
const BilingualView = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const IdParam = Type.Object({ id: Id });
export const KindParam = Type.Object({ kind: lit(['routing', 'sla', 'escalation'] as const) });
export const KindIdParam = Type.Object({ kind: lit(['routing', 'sla', 'escalation'] as const), id: Id });

export const CreateCaseBody = Type.Object(
  {
    description: Text,
    subject: Type.Optional(Type.String({ maxLength: 200 })),
    profileId: Type.Optional(Nullable(Id)),
    channel: Type.String({ minLength: 1, maxLength: 50 }),
    touchpointKey: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    category: Type.Optional(Key),
    subcategory: Type.Optional(Key),
    priority: Type.Optional(PriorityS),
    source: Type.Optional(lit(SOURCES)),
    language: Type.Optional(lit(['zh', 'en'] as const)),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
    assigneeId: Type.Optional(Nullable(Id)),
    teamId: Type.Optional(Nullable(Id)),
    externalId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Idempotency key of the caller' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateCaseBody = Type.Object(
  {
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    category: Type.Optional(Key),
    subcategory: Type.Optional(Nullable(Key)),
    priority: Type.Optional(PriorityS),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
    touchpointKey: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const MessageBody = Type.Object(
  {
    body: Text,
    direction: Type.Optional(lit(['inbound', 'outbound'] as const)),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);
export const NoteBody = Type.Object(
  { body: Text, version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const ResolutionS = Type.Object(
  {
    code: lit(RESOLUTION_CODES),
    rootCause: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    steps: Type.Array(lit(HANDLING_STEPS), { minItems: 1, maxItems: 5, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const TransitionBody = Type.Object(
  {
    status: StatusS,
    version: Type.Optional(Version),
    resolution: Type.Optional(ResolutionS),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const ResolveBody = Type.Object(
  {
    resolution: ResolutionS,
    version: Type.Optional(Version),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const ReopenBody = Type.Object(
  { version: Type.Optional(Version), comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const AssignBody = Type.Object(
  {
    assigneeId: Type.Optional(Nullable(Id)),
    teamId: Type.Optional(Nullable(Id)),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

const statusList = `^(all|(${STATUSES.join('|')})(,(${STATUSES.join('|')})){0,4})$`;
const priorityList = `^(${PRIORITIES.join('|')})(,(${PRIORITIES.join('|')})){0,3}$`;
export const CaseListQuery = Type.Object({
  view: Type.Optional(lit(['all', 'mine', 'team', 'unassigned'] as const)),
  assigneeId: Type.Optional(Id),
  teamId: Type.Optional(Id),
  status: Type.Optional(
    Type.String({ pattern: statusList, description: 'comma-separated statuses, or all; default: active' }),
  ),
  priority: Type.Optional(Type.String({ pattern: priorityList })),
  category: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}(/[a-z][a-z0-9_]{0,39})?$' })),
  slaState: Type.Optional(lit(['active', 'paused', 'met', 'breached'] as const)),
  profileId: Type.Optional(Id),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  sort: Type.Optional(lit(['due', 'created'] as const)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

const SlaTargetView = Type.Object({
  status: Nullable(Type.String()),
  dueAt: Nullable(Time),
  remainingBusinessMs: Nullable(Type.Number()),
});
export const CaseSummaryView = Type.Object({
  id: Type.String(),
  number: Type.String(),
  subject: Type.String(),
  profileId: Nullable(Type.String()),
  channel: Type.String(),
  touchpointKey: Nullable(Type.String()),
  category: Type.String(),
  subcategory: Nullable(Type.String()),
  priority: Type.String(),
  source: Type.String(),
  status: Type.String(),
  assigneeId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  urgent: Type.Boolean(),
  sentiment: Nullable(Type.String()),
  sla: Type.Object({ state: Nullable(Type.String()), dueAt: Nullable(Time) }),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
});
export const CaseView = Type.Composite([
  Type.Omit(CaseSummaryView, ['sla']),
  Type.Object({
    description: Type.String(),
    language: Type.String(),
    analysis: Type.Object({
      sentiment: Nullable(Type.String()),
      sentimentScore: Nullable(Type.Number()),
      topics: Type.Array(Type.String()),
      urgent: Type.Boolean(),
      urgencyReasons: Type.Array(Type.String()),
    }),
    parentCaseId: Nullable(Type.String()),
    duplicateCount: Type.Integer(),
    reopenCount: Type.Integer(),
    agentReplies: Type.Integer(),
    sla: Type.Object({
      state: Nullable(Type.String()),
      dueAt: Nullable(Time),
      policyId: Nullable(Type.String()),
      firstResponse: Type.Composite([SlaTargetView, Type.Object({ at: Nullable(Time) })]),
      resolution: Type.Composite([SlaTargetView, Type.Object({ breachedAt: Nullable(Time) })]),
    }),
    resolution: Nullable(Type.Record(Type.String(), Type.Unknown())),
    followUp: Type.Object({ score: Nullable(Type.Number()), metric: Nullable(Type.String()) }),
    resolvedAt: Nullable(Time),
    closedAt: Nullable(Time),
  }),
]);
export const CreateCaseResponse = Type.Object({
  case: CaseView,
  created: Type.Boolean(),
  linked: Type.Boolean(),
});
export const CasePage = Page(CaseSummaryView);
export const EntryView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  direction: Nullable(Type.String()),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  body: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Time,
});
export const EntryPage = Page(EntryView);
export const TimelineQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

// Settings ----------------------------------------------------------------------------------------------------

export const TaxonomyView = Type.Object({
  categories: Type.Array(
    Type.Object({
      key: Type.String(),
      name: BilingualView,
      subcategories: Type.Array(Type.Object({ key: Type.String(), name: BilingualView })),
    }),
  ),
});
export const TaxonomyBody = Type.Object(
  {
    categories: Type.Array(
      Type.Object(
        {
          key: Key,
          name: Bilingual,
          subcategories: Type.Optional(
            Type.Array(Type.Object({ key: Key, name: Bilingual }, { additionalProperties: false }), {
              maxItems: 50,
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

const Range = Type.Object(
  { start: Type.String({ maxLength: 5 }), end: Type.String({ maxLength: 5 }) },
  { additionalProperties: false },
);
const Day = Type.Array(Range, { maxItems: 12 });
export const CalendarBody = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    weekly: Type.Object(
      {
        mon: Type.Optional(Day),
        tue: Type.Optional(Day),
        wed: Type.Optional(Day),
        thu: Type.Optional(Day),
        fri: Type.Optional(Day),
        sat: Type.Optional(Day),
        sun: Type.Optional(Day),
      },
      { additionalProperties: false },
    ),
    holidays: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 1000 })),
    workdays: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 1000 })),
    workdayHours: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export const CalendarView = Type.Object({
  timeZone: Type.String(),
  weekly: Type.Record(Type.String(), Type.Array(Type.Object({ start: Type.String(), end: Type.String() }))),
  holidays: Type.Array(Type.String()),
  workdays: Type.Array(Type.String()),
  workdayHours: Type.Optional(Type.Array(Type.Object({ start: Type.String(), end: Type.String() }))),
});
export const DueQuery = Type.Object({
  from: Type.Optional(Time),
  minutes: Type.Integer({ minimum: 0, maximum: 525_600 }),
});

export const SettingsBody = Type.Object(
  {
    complaintEvents: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
    ),
    complaintTouchpoints: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }),
    ),
    duplicateWindowHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760 })),
    lowRatingAction: Type.Optional(lit(['reopen', 'task'] as const)),
    urgentPriority: Type.Optional(PriorityS),
    detractorPriority: Type.Optional(PriorityS),
  },
  { additionalProperties: false },
);
export const SettingsView = Type.Object({
  complaintEvents: Type.Array(Type.String()),
  complaintTouchpoints: Type.Array(Type.String()),
  duplicateWindowHours: Type.Integer(),
  lowRatingAction: Type.String(),
  urgentPriority: Type.String(),
  detractorPriority: Type.String(),
});

const Member = Type.Object(
  {
    userId: Id,
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    available: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const TeamBody = Type.Object(
  {
    name: Bilingual,
    supervisorId: Type.Optional(Nullable(Id)),
    members: Type.Optional(Type.Array(Member, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export const TeamPatch = Type.Partial(TeamBody, { additionalProperties: false });
export const TeamView = Type.Object({
  id: Type.String(),
  name: BilingualView,
  supervisorId: Nullable(Type.String()),
  members: Type.Array(
    Type.Object({ userId: Type.String(), capacity: Type.Integer(), available: Type.Boolean() }),
  ),
  createdAt: Time,
  updatedAt: Time,
});

/** Conditions and configs are checked in depth by the rule validators (codes CASE_RULE_INVALID and others). */
const Json = Type.Unknown();
export const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    match: Type.Optional(lit(['all', 'any'] as const)),
    conditions: Type.Optional(
      Type.Array(Type.Object({ type: Type.String({ maxLength: 40 }) }), { maxItems: 20 }),
    ),
    target: Type.Optional(Type.Object({ type: Type.String({ maxLength: 20 }) })),
    firstResponseMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 525_600 }))),
    resolutionMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 525_600 }))),
    trigger: Type.Optional(Type.Object({ type: Type.String({ maxLength: 40 }) })),
    actions: Type.Optional(
      Type.Array(Type.Object({ type: Type.String({ maxLength: 40 }) }), { maxItems: 10 }),
    ),
  },
  { additionalProperties: false },
);
export const RuleView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
  enabled: Type.Boolean(),
  match: Type.String(),
  conditions: Type.Array(Json),
  config: Type.Record(Type.String(), Json),
  createdAt: Time,
  updatedAt: Time,
});

export const AnalyticsQuery = Type.Object({
  from: Type.Optional(Time),
  to: Type.Optional(Time),
});
export const VolumeQuery = Type.Composite([
  AnalyticsQuery,
  Type.Object({ by: lit(['category', 'touchpoint', 'channel', 'day', 'priority', 'source'] as const) }),
]);

export const RecheckView = Type.Object({
  id: Type.String(),
  reason: Type.String({ description: 'escalation_rules, sla_policy or calendar' }),
  details: Type.Record(Type.String(), Type.Unknown(), {
    description:
      '{ ruleId } | { policyId, before, after } (targets in minutes) | { before, after } (calendars)',
  }),
  status: Type.String({ description: 'running, done or failed' }),
  total: Type.Integer({ description: 'active cases to recompute when the change was made' }),
  processed: Type.Integer(),
  retargeted: Type.Integer({ description: 'cases whose due times changed (new version, timeline entry)' }),
  moved: Type.Integer({ description: 'cases whose next engine check only moved' }),
  error: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

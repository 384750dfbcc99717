import { Type, type Static } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });
export const Key = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,39}$',
  description: 'lower-case letters, digits and underscores, starting with a letter; immutable',
});
const Text = (max: number) => Type.String({ maxLength: max });
const Bilingual = (max: number, required: boolean) =>
  Type.Object(
    {
      'zh-CN': required ? Type.String({ minLength: 1, maxLength: max, pattern: '\\S' }) : Text(max),
      en: required ? Type.String({ minLength: 1, maxLength: max, pattern: '\\S' }) : Text(max),
    },
    { additionalProperties: false },
  );
const BilingualView = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const ChannelKey = Type.String({ minLength: 1, maxLength: 40 });
const Scalar = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]);
const Path = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'properties.<name>[.<name>…] or context.<name>…',
});

export const ConditionSchema = Type.Union([
  Type.Object(
    { path: Path, op: Type.Union([Type.Literal('eq'), Type.Literal('neq')]), value: Scalar },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      path: Path,
      op: Type.Union([Type.Literal('in'), Type.Literal('not_in')]),
      values: Type.Array(Scalar, { minItems: 1, maxItems: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      path: Path,
      op: Type.Union([Type.Literal('gt'), Type.Literal('gte'), Type.Literal('lt'), Type.Literal('lte')]),
      value: Type.Number(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      path: Path,
      op: Type.Union([Type.Literal('contains'), Type.Literal('starts_with')]),
      value: Type.String({ minLength: 1, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { path: Path, op: Type.Union([Type.Literal('exists'), Type.Literal('not_exists')]) },
    { additionalProperties: false },
  ),
  Type.Object(
    { path: Path, op: Type.Literal('matches'), pattern: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  ),
]);

export const RuleSchema = Type.Object(
  {
    events: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 }),
    type: Type.Optional(
      Type.Union([
        Type.Literal('track'),
        Type.Literal('page'),
        Type.Literal('screen'),
        Type.Literal('identify'),
        Type.Literal('group'),
      ]),
    ),
    channels: Type.Optional(Type.Array(ChannelKey, { maxItems: 20 })),
    conditions: Type.Optional(Type.Array(ConditionSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const Phase = Type.Union([Type.Literal('pre_sale'), Type.Literal('in_sale'), Type.Literal('after_sale')]);

const touchpointFields = {
  name: Bilingual(100, true),
  description: Type.Optional(Bilingual(2000, false)),
  coreNeed: Type.Optional(Bilingual(1000, false)),
  stage: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$' }),
  phase: Phase,
  channels: Type.Optional(Type.Array(ChannelKey, { maxItems: 20 })),
  ownerTeam: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  targetScore: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()])),
  targetConversion: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  rule: RuleSchema,
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  active: Type.Optional(Type.Boolean()),
};

export const CreateTouchpointBody = Type.Object(
  { key: Key, ...touchpointFields },
  { additionalProperties: false },
);
export type CreateTouchpointInput = Static<typeof CreateTouchpointBody>;
export const UpdateTouchpointBody = Type.Partial(
  Type.Object(touchpointFields, { additionalProperties: false }),
  {
    additionalProperties: false,
    minProperties: 1,
  },
);
export type UpdateTouchpointInput = Static<typeof UpdateTouchpointBody>;

export const TouchpointView = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: BilingualView,
  description: BilingualView,
  coreNeed: BilingualView,
  stage: Type.String(),
  phase: Phase,
  channels: Type.Array(Type.String()),
  ownerTeam: Type.Union([Type.String(), Type.Null()]),
  targetScore: Type.Union([Type.Number(), Type.Null()]),
  targetConversion: Type.Union([Type.Number(), Type.Null()]),
  rule: RuleSchema,
  priority: Type.Integer(),
  active: Type.Boolean(),
  journeys: Type.Array(Type.String(), { description: 'keys of the journeys that include this touchpoint' }),
  createdAt: Time,
  updatedAt: Time,
});
export const TouchpointList = Type.Object({ data: Type.Array(TouchpointView) });

const journeyFields = {
  name: Bilingual(100, true),
  description: Type.Optional(Bilingual(2000, false)),
  steps: Type.Array(Key, { minItems: 1, maxItems: 20, uniqueItems: true }),
  conversionWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
};
export const CreateJourneyBody = Type.Object({ key: Key, ...journeyFields }, { additionalProperties: false });
export type CreateJourneyInput = Static<typeof CreateJourneyBody>;
export const UpdateJourneyBody = Type.Partial(Type.Object(journeyFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateJourneyInput = Static<typeof UpdateJourneyBody>;
export const JourneyView = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: BilingualView,
  description: BilingualView,
  steps: Type.Array(Type.String()),
  conversionWindowDays: Type.Integer(),
  template: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
});
export const JourneyList = Type.Object({ data: Type.Array(JourneyView) });

export const TemplateView = Type.Object({
  key: Type.String(),
  name: BilingualView,
  description: BilingualView,
  conversionWindowDays: Type.Integer(),
  touchpoints: Type.Array(
    Type.Object({
      key: Type.String(),
      name: BilingualView,
      coreNeed: BilingualView,
      stage: Type.String(),
      phase: Phase,
      events: Type.Array(Type.String()),
    }),
  ),
});
export const TemplateList = Type.Object({ data: Type.Array(TemplateView) });
export const ApplyTemplateResponse = Type.Object({
  journey: JourneyView,
  created: Type.Array(Type.String(), { description: 'touchpoint keys created' }),
  kept: Type.Array(Type.String(), {
    description: 'touchpoint keys that already existed and were left as they are',
  }),
});

export const KeyParam = Type.Object({ key: Key });
export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const PreviewBody = Type.Object(
  { rule: RuleSchema, sample: Type.Optional(Type.Integer({ minimum: 100, maximum: 20_000 })) },
  { additionalProperties: false },
);
export const PreviewResponse = Type.Object({
  scanned: Type.Integer({ description: 'recent events examined, newest first' }),
  matched: Type.Integer(),
  examples: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      channel: Type.String(),
      profileId: Type.String(),
      timestamp: Time,
      properties: Type.Record(Type.String(), Type.Unknown()),
      currentTouchpoint: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const RemapView = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Integer(),
  processed: Type.Integer(),
  mapped: Type.Integer(),
  progress: Type.Number({ description: '0–1' }),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
});

// Analytics

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, in the workspace time zone' });
export const RangeQuery = Type.Object(
  { from: Day, to: Day },
  { additionalProperties: false, description: 'inclusive local days' },
);

export const StepSchema = Type.Union([
  Type.Object({ touchpoint: Key }, { additionalProperties: false }),
  Type.Object({ event: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
]);
export const FunnelBody = Type.Object(
  {
    steps: Type.Array(StepSchema, { minItems: 2, maxItems: 20 }),
    from: Day,
    to: Day,
    windowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    breakdown: Type.Optional(
      Type.Union([
        Type.Object({ by: Type.Literal('channel') }, { additionalProperties: false }),
        Type.Object(
          { by: Type.Literal('trait'), trait: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            by: Type.Literal('segment'),
            segments: Type.Optional(
              Type.Array(Key, {
                minItems: 1,
                maxItems: 20,
                uniqueItems: true,
                description: 'segment keys; every active segment (up to 20) when absent',
              }),
            ),
          },
          {
            additionalProperties: false,
            description:
              'one group per segment (value: its key) and one for entrants in none (value: null); segments overlap',
          },
        ),
      ]),
    ),
    compare: Type.Optional(Type.Object({ from: Day, to: Day }, { additionalProperties: false })),
    counting: Type.Optional(
      Type.Union([Type.Literal('every_event'), Type.Literal('first_arrival')], {
        description:
          'every_event (default): entry at the first step-1 event in the period, each step any later event. ' +
          "first_arrival: each customer's first-ever arrival at each touchpoint (touchpoint steps only) — the " +
          'journey view, read from the per-customer rollup and fast at any volume.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FunnelInput = Static<typeof FunnelBody>;

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
export const FunnelStepView = Type.Object({
  step: Type.Integer(),
  label: Type.String(),
  customers: Type.Integer(),
  conversionFromStart: Type.Number(),
  conversionFromPrevious: Type.Number(),
  dropOff: Type.Integer({ description: 'customers lost since the previous step' }),
  medianMsFromPrevious: NullableNumber,
  p90MsFromPrevious: NullableNumber,
});
const FunnelResultView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  steps: Type.Array(FunnelStepView),
});
export const FunnelResponse = Type.Object({
  windowDays: Type.Integer(),
  current: FunnelResultView,
  breakdown: Type.Array(
    Type.Object({ value: Type.Union([Type.String(), Type.Null()]), steps: Type.Array(FunnelStepView) }),
  ),
  previous: Type.Union([FunnelResultView, Type.Null()]),
  changes: Type.Array(
    Type.Object({
      step: Type.Integer(),
      current: Type.Number(),
      previous: Type.Number(),
      difference: Type.Number(),
      pValue: NullableNumber,
      significant: Type.Boolean({ description: 'two-proportion z-test, p < 0.05' }),
    }),
  ),
});

export const PathsQuery = Type.Object(
  {
    touchpoint: Key,
    direction: Type.Optional(Type.Union([Type.Literal('after'), Type.Literal('before')])),
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    windowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    from: Day,
    to: Day,
  },
  { additionalProperties: false },
);
export const PathsResponse = Type.Object({
  customers: Type.Integer({ description: 'customers who reached the touchpoint in the period' }),
  sampled: Type.Boolean({ description: 'true when only the first customers (by id) were followed' }),
  nodes: Type.Array(Type.Object({ id: Type.String(), step: Type.Integer(), touchpoint: Type.String() })),
  links: Type.Array(Type.Object({ source: Type.String(), target: Type.String(), value: Type.Integer() })),
  topPaths: Type.Array(Type.Object({ path: Type.Array(Type.String()), customers: Type.Integer() })),
});

export const HealthQuery = Type.Object(
  { from: Day, to: Day, journey: Type.Optional(Key) },
  { additionalProperties: false },
);
const HealthDay = Type.Object({
  day: Day,
  events: Type.Integer(),
  customers: Type.Integer(),
  newCustomers: Type.Integer(),
  converted: Type.Integer(),
  perception: NullableNumber,
  responses: Type.Integer(),
});
export const HealthResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      touchpoint: Type.String(),
      name: BilingualView,
      next: Type.Union([Type.String(), Type.Null()]),
      events: Type.Integer(),
      newCustomers: Type.Integer(),
      averageDailyCustomers: Type.Number(),
      conversion: NullableNumber,
      targetConversion: NullableNumber,
      perception: NullableNumber,
      responses: Type.Integer(),
      targetScore: NullableNumber,
      byChannel: Type.Array(Type.Object({ channel: Type.String(), events: Type.Integer() })),
      days: Type.Array(HealthDay),
    }),
  ),
});

export const HeatmapQuery = Type.Object(
  {
    from: Day,
    to: Day,
    metric: Type.Optional(
      Type.Union([
        Type.Literal('perception'),
        Type.Literal('customers'),
        Type.Literal('events'),
        Type.Literal('conversion'),
      ]),
    ),
    journey: Type.Optional(Key),
  },
  { additionalProperties: false },
);
export const HeatmapResponse = Type.Object({
  metric: Type.String(),
  weeks: Type.Array(Day, { description: 'week starts (Monday), local' }),
  touchpoints: Type.Array(Type.Object({ key: Type.String(), name: BilingualView })),
  cells: Type.Array(
    Type.Object({
      touchpoint: Type.String(),
      week: Day,
      value: NullableNumber,
      count: Type.Integer({
        description: 'the denominator behind the value (responses, customers, arrivals)',
      }),
    }),
  ),
});

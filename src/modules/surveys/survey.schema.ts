import { Type, type Static } from '@sinclair/typebox';
import { Page } from '../../platform/http/index.js';

const Key = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'lower-case key, unique per workspace',
});
const LanguageTag = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 20 });
const LocalText = Type.Record(Type.String({ maxLength: 20 }), Type.String({ minLength: 1, maxLength: 500 }), {
  description: 'text by language, e.g. {"zh-CN": "…", "en": "…"}',
});
const ShortText = Type.String({ minLength: 1, maxLength: 100 });

export const TraitCondition = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 100 }),
    op: Type.Union([
      Type.Literal('eq'),
      Type.Literal('neq'),
      Type.Literal('in'),
      Type.Literal('gt'),
      Type.Literal('gte'),
      Type.Literal('lt'),
      Type.Literal('lte'),
      Type.Literal('exists'),
    ]),
    value: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 200 }),
        Type.Number(),
        Type.Boolean(),
        Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { maxItems: 100 }),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type TraitCondition = {
  key: string;
  op: 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
  value?: string | number | boolean | (string | number)[];
};

export const Trigger = Type.Object(
  {
    event: Type.Optional(ShortText),
    touchpointKey: Type.Optional(ShortText),
    delayMinutes: Type.Integer({ minimum: 0, maximum: 60 * 24 * 90 }),
  },
  {
    additionalProperties: false,
    description: 'an event name or touchpoint key; the survey is sent after a delay',
  },
);

export const Distribution = Type.Object(
  {
    triggers: Type.Array(Trigger, { maxItems: 20, default: [] }),
    widget: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        /** Show when the page reports one of these events or touchpoints (empty: on any check). */
        events: Type.Array(ShortText, { maxItems: 20, default: [] }),
        touchpointKeys: Type.Array(ShortText, { maxItems: 20, default: [] }),
        traits: Type.Array(TraitCondition, { maxItems: 20, default: [] }),
        segments: Type.Optional(
          Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }), {
            maxItems: 20,
            uniqueItems: true,
            description:
              'show only to members of at least one of these segments (keys); anyone when absent or empty',
          }),
        ),
        samplePercent: Type.Number({ minimum: 0, maximum: 100, default: 100 }),
      },
      { additionalProperties: false },
    ),
    recontact: Type.Object(
      {
        mode: Type.Union(
          [Type.Literal('once'), Type.Literal('until_answered'), Type.Literal('every_n_days')],
          {
            default: 'until_answered',
          },
        ),
        days: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Distribution = Static<typeof Distribution>;

export const DEFAULT_DISTRIBUTION: Distribution = {
  triggers: [],
  widget: { enabled: false, events: [], touchpointKeys: [], traits: [], samplePercent: 100 },
  recontact: { mode: 'until_answered', days: 90 },
};

export const SurveySettings = Type.Object(
  {
    /** No customer is asked again (by any survey, widget or trigger) within this many days of the last ask. */
    cooldownDays: Type.Integer({ minimum: 0, maximum: 365, default: 14 }),
    closedLoop: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        npsMax: Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), Type.Null()], { default: 6 }),
        csatMax: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()], { default: 2 }),
        cesMax: Type.Union([Type.Integer({ minimum: 1, maximum: 7 }), Type.Null()], { default: 3 }),
        /** Ratings and indices on 0–100 at or below this flag the response. */
        score100Max: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { default: 40 }),
        negativeComment: Type.Boolean({ default: true }),
      },
      { additionalProperties: false },
    ),
    caseFollowUpSurveyId: Type.Union([Type.String({ maxLength: 60 }), Type.Null()], { default: null }),
    /** What the CX overview measures the headline scores against; kept as they are when a PUT leaves them out. */
    targets: Type.Optional(
      Type.Object(
        {
          nps: Type.Number({ minimum: -100, maximum: 100, description: 'NPS points' }),
          csatTop2: Type.Number({ minimum: 0, maximum: 100, description: 'CSAT top-2-box %' }),
          cesTop2: Type.Number({ minimum: 0, maximum: 100, description: 'CES top-2-box %' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SurveySettings = Static<typeof SurveySettings>;

export const DEFAULT_SETTINGS: SurveySettings = {
  cooldownDays: 14,
  closedLoop: { enabled: true, npsMax: 6, csatMax: 2, cesMax: 3, score100Max: 40, negativeComment: true },
  caseFollowUpSurveyId: null,
  targets: { nps: 30, csatTop2: 80, cesTop2: 70 },
};

const DefinitionSchema = Type.Unknown({
  description:
    'Survey definition: {questions[], hiddenFields[], logic[], primaryQuestionId, index, drivers, servqual, intro, thanks}. ' +
    'Validated on save; problems come back as SURVEY_DEFINITION_INVALID with a path and code per problem (see docs/surveys.md).',
});

export const CreateSurveyBody = Type.Object(
  {
    template: Type.Optional(
      Type.String({ maxLength: 60, description: 'create from a template (see /surveys/templates)' }),
    ),
    key: Type.Optional(Key),
    name: Type.Optional(LocalText),
    defaultLanguage: Type.Optional(LanguageTag),
    languages: Type.Optional(Type.Array(LanguageTag, { minItems: 1, maxItems: 10 })),
    touchpointKey: Type.Optional(Type.Union([ShortText, Type.Null()])),
    channel: Type.Optional(Type.Union([ShortText, Type.Null()])),
    definition: Type.Optional(DefinitionSchema),
    distribution: Type.Optional(Distribution),
  },
  { additionalProperties: false },
);
export type CreateSurveyBody = Static<typeof CreateSurveyBody>;

export const UpdateSurveyBody = Type.Object(
  {
    name: Type.Optional(LocalText),
    defaultLanguage: Type.Optional(LanguageTag),
    languages: Type.Optional(Type.Array(LanguageTag, { minItems: 1, maxItems: 10 })),
    touchpointKey: Type.Optional(Type.Union([ShortText, Type.Null()])),
    channel: Type.Optional(Type.Union([ShortText, Type.Null()])),
    definition: Type.Optional(DefinitionSchema),
    distribution: Type.Optional(Distribution),
  },
  { additionalProperties: false },
);
export type UpdateSurveyBody = Static<typeof UpdateSurveyBody>;

export const SurveyView = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.Record(Type.String(), Type.String()),
  defaultLanguage: Type.String(),
  languages: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('draft'), Type.Literal('live'), Type.Literal('closed')]),
  touchpointKey: Type.Union([Type.String(), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()]),
  currentVersion: Type.Integer(),
  template: Type.Union([Type.String(), Type.Null()]),
  distribution: Distribution,
  publicUrl: Type.String({ description: 'the hosted page (anonymous responses)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});
export const SurveyDetail = Type.Intersect([SurveyView, Type.Object({ definition: Type.Unknown() })]);
export const SurveyPage = Page(SurveyView);
export const SurveyListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('live'), Type.Literal('closed')])),
});

export const VersionView = Type.Object({
  version: Type.Integer(),
  frozen: Type.Boolean(),
  createdAt: Type.String(),
  definition: Type.Unknown(),
});
export const VersionList = Type.Object({ data: Type.Array(VersionView) });

export const TemplateView = Type.Object({
  key: Type.String(),
  name: Type.Record(Type.String(), Type.String()),
  description: Type.Record(Type.String(), Type.String()),
  touchpointKey: Type.Union([Type.String(), Type.Null()]),
  questionCount: Type.Integer(),
  definition: Type.Unknown(),
});
export const TemplateList = Type.Object({ data: Type.Array(TemplateView) });

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const VersionParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});

const HiddenValues = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), {
  description: 'hidden fields (keys declared by the survey), e.g. {"caseId": "cas_…"}',
});

export const CreateLinkBody = Type.Object(
  {
    profileId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    identifier: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, maxLength: 40 }),
          value: Type.String({ minLength: 1, maxLength: 200 }),
        },
        { additionalProperties: false },
      ),
    ),
    singleUse: Type.Optional(Type.Boolean({ default: true })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    hidden: Type.Optional(HiddenValues),
    channel: Type.Optional(ShortText),
  },
  { additionalProperties: false },
);
export type CreateLinkBody = Static<typeof CreateLinkBody>;

export const LinkView = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  profileId: Type.Union([Type.String(), Type.Null()]),
  singleUse: Type.Boolean(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  hidden: Type.Record(Type.String(), Type.String()),
  channel: Type.Union([Type.String(), Type.Null()]),
  origin: Type.String(),
  url: Type.String(),
  token: Type.String(),
  createdAt: Type.String(),
  usedAt: Type.Union([Type.String(), Type.Null()]),
  responseId: Type.Union([Type.String(), Type.Null()]),
});
export const LinkPage = Page(LinkView);

export const DeliveryView = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  profileId: Type.String(),
  reason: Type.String(),
  cause: Type.String(),
  url: Type.String(),
  linkId: Type.String(),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  responded: Type.Boolean(),
});
export const DeliveryPage = Page(DeliveryView);
export const DeliveryQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  unsent: Type.Optional(Type.Boolean({ description: 'only deliveries not marked as sent' })),
});
export const DeliveryParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  deliveryId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const ResponseView = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  profileId: Type.Union([Type.String(), Type.Null()]),
  language: Type.String(),
  channel: Type.String(),
  touchpointKey: Type.Union([Type.String(), Type.Null()]),
  hidden: Type.Record(Type.String(), Type.String()),
  answers: Type.Record(Type.String(), Type.Unknown()),
  metric: Type.Union([Type.String(), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  flags: Type.Union([Type.Array(Type.String()), Type.Null()]),
  startedAt: Type.String(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
});
export const ResponsePage = Page(ResponseView);

/** One response as the customer's 360° profile lists it. */
export const CustomerResponseView = Type.Object({
  responseId: Type.String(),
  surveyId: Type.String(),
  surveyKey: Type.String(),
  surveyName: Type.Record(Type.String(), Type.String()),
  status: Type.String(),
  metric: Type.Union([Type.String(), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  score100: Type.Union([Type.Number(), Type.Null()], { description: 'the primary score on 0–100' }),
  touchpointKey: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  language: Type.String(),
  flags: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'closed-loop reasons' }),
  comment: Type.Union([Type.Object({ text: Type.String(), sentiment: Type.String() }), Type.Null()]),
  startedAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const CustomerResponseList = Type.Object({ data: Type.Array(CustomerResponseView) });
export const ResponseListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  status: Type.Optional(Type.Union([Type.Literal('partial'), Type.Literal('completed')])),
});

// ---- public (no login) --------------------------------------------------------------------------------------

export const TokenParam = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const SubmitBody = Type.Object(
  {
    answers: Type.Optional(Type.Unknown({ description: 'answers by question id; validated per question' })),
    complete: Type.Optional(Type.Boolean({ default: false, description: 'false: save a partial response' })),
    language: Type.Optional(LanguageTag),
    hidden: Type.Optional(HiddenValues),
    responseToken: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'returned by the first submission; continues that response',
      }),
    ),
    respondentId: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 100,
        description: 'a stable anonymous id (widget); dedups responses',
      }),
    ),
    channel: Type.Optional(ShortText),
    touchpointKey: Type.Optional(ShortText),
    startedAt: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000 })),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

export const SubmitResult = Type.Object({
  responseId: Type.String(),
  responseToken: Type.String(),
  status: Type.String(),
  created: Type.Boolean(),
});

export const PublicSurvey = Type.Object({
  surveyId: Type.String(),
  version: Type.Integer(),
  language: Type.String(),
  languages: Type.Array(Type.String()),
  name: Type.String(),
  status: Type.String(),
  definition: Type.Unknown(),
  hidden: Type.Record(Type.String(), Type.String()),
});

export const WidgetCheckBody = Type.Object(
  {
    writeKey: Type.String({ minLength: 1, maxLength: 200 }),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    event: Type.Optional(ShortText),
    touchpointKey: Type.Optional(ShortText),
    language: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type WidgetCheckBody = Static<typeof WidgetCheckBody>;
export const WidgetCheckResult = Type.Object({
  show: Type.Boolean(),
  reason: Type.String(),
  surveyId: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  token: Type.Optional(Type.String()),
});

export const SettingsView = SurveySettings;
export const ClosedLoopEvent = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Type.String(),
  payload: Type.Unknown(),
});
export const ClosedLoopPage = Page(ClosedLoopEvent);

import { Type } from '@sinclair/typebox';
import { Page, PageQuery } from '../../platform/http/index.js';

const Time = Type.String({ format: 'date-time' });

/** Longest accepted text; anything over MAX_TEXT_LENGTH (10,000) is analysed up to there and flagged `truncated`. */
const AnalyzedText = Type.String({ maxLength: 200_000 });
export const LanguageSchema = Type.Union([Type.Literal('zh'), Type.Literal('en')]);
export const LabelSchema = Type.Union([
  Type.Literal('negative'),
  Type.Literal('neutral'),
  Type.Literal('positive'),
]);
export const TopicKey = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,39}$',
  description: 'lower-case letters, digits and underscores, starting with a letter',
});
const TopicNameSchema = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    en: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
const TopicNameView = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const AnalyzeBody = Type.Object(
  {
    text: Type.Optional(AnalyzedText),
    texts: Type.Optional(Type.Array(AnalyzedText, { minItems: 1, maxItems: 100 })),
    language: Type.Optional(LanguageSchema),
  },
  {
    additionalProperties: false,
    description: 'Either `text` (one result) or `texts` (up to 100, results in the same order).',
  },
);

export const AnalysisSchema = Type.Object({
  language: LanguageSchema,
  sentiment: Type.Object({
    label: LabelSchema,
    score: Type.Number({ description: 'calibrated probability that the text is positive' }),
    probabilities: Type.Object({ negative: Type.Number(), neutral: Type.Number(), positive: Type.Number() }),
  }),
  topics: Type.Array(
    Type.Object({ key: Type.String(), name: TopicNameView, matched: Type.Array(Type.String()) }),
  ),
  keywords: Type.Array(Type.String()),
  urgent: Type.Boolean(),
  urgencyReasons: Type.Array(
    Type.Union([
      Type.Literal('churn_threat'),
      Type.Literal('regulator_complaint'),
      Type.Literal('repeated_contact'),
      Type.Literal('safety'),
    ]),
  ),
  truncated: Type.Boolean(),
  corrected: Type.Boolean(),
});
export const AnalyzeResponse = Type.Union([
  AnalysisSchema,
  Type.Object({ results: Type.Array(AnalysisSchema) }),
]);

export const TopicView = Type.Object({
  key: Type.String(),
  name: TopicNameView,
  custom: Type.Boolean(),
  keywords: Type.Object({ zh: Type.Array(Type.String()), en: Type.Array(Type.String()) }),
});
export const TopicList = Type.Object({ data: Type.Array(TopicView) });

export const KeywordLanguageSchema = Type.Union([
  Type.Literal('zh'),
  Type.Literal('en'),
  Type.Literal('any'),
]);
export const AddKeywordBody = Type.Object(
  {
    topic: TopicKey,
    keyword: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    language: Type.Optional(KeywordLanguageSchema),
    topicName: Type.Optional(TopicNameSchema),
  },
  { additionalProperties: false },
);
export const KeywordView = Type.Object({
  id: Type.String(),
  topic: Type.String(),
  keyword: Type.String(),
  language: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
});
export const KeywordPage = Page(KeywordView);
export const KeywordQuery = Type.Composite([PageQuery, Type.Object({ topic: Type.Optional(TopicKey) })]);

export const CorrectBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 200_000 }),
    label: Type.Optional(LabelSchema),
    topics: Type.Optional(Type.Array(TopicKey, { maxItems: 20 })),
  },
  { additionalProperties: false, description: 'At least one of `label` and `topics`.' },
);
export const CorrectionView = Type.Object({
  id: Type.String(),
  text: Type.String(),
  label: Type.Union([LabelSchema, Type.Null()]),
  topics: Type.Union([Type.Array(Type.String()), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
});
export const CorrectionPage = Page(CorrectionView);

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const ReanalysisBody = Type.Object(
  {
    sources: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
        minItems: 1,
        maxItems: 10,
        uniqueItems: true,
        description: 'which stored texts (default: all), e.g. survey_answers, case_descriptions',
      }),
    ),
  },
  { additionalProperties: false },
);
export const ReanalysisView = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  sources: Type.Array(Type.String()),
  total: Type.Integer(),
  processed: Type.Integer(),
  changed: Type.Integer({ description: 'texts whose sentiment label or topics changed' }),
  progress: Type.Number({ description: '0–1' }),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
});

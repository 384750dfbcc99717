import { Type, type Static } from '@sinclair/typebox';
import { Page, PageQuery } from '../../platform/http/index.js';
import { CustomerSummary } from '../profiles/index.js';
import type { SegmentCondition } from './segment.rules.js';

const Time = Type.String({ format: 'date-time' });
export const Key = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,39}$',
  description: 'lower-case letters, digits and underscores, starting with a letter; immutable',
});
const Bilingual = (max: number, required: boolean) =>
  Type.Object(
    {
      'zh-CN': required
        ? Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })
        : Type.String({ maxLength: max }),
      en: required
        ? Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })
        : Type.String({ maxLength: max }),
    },
    { additionalProperties: false },
  );
const BilingualView = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

/**
 * The rule is checked by `validateCondition` (it names the failing path), so the schema only asks for an object;
 * docs/segments.md lists every condition type.
 */
const Condition = Type.Unsafe<SegmentCondition>(
  Type.Object(
    {
      type: Type.String({
        description:
          'all | any (conditions: […]) · not (condition) · trait (trait, op, value/values) · metric (metric, op, value) · recency (field, op, days) · channel (channel, minEvents?) · interest (interest, minCount?) · subscription (status, product?, trialEndsWithinDays?) · contact (via)',
      }),
    },
    { additionalProperties: true },
  ),
);

const editable = {
  name: Bilingual(100, true),
  description: Type.Optional(Bilingual(1000, false)),
  condition: Condition,
};
export const CreateSegmentBody = Type.Object({ key: Key, ...editable }, { additionalProperties: false });
export type CreateSegmentInput = Static<typeof CreateSegmentBody>;
export const UpdateSegmentBody = Type.Object(
  {
    name: Type.Optional(editable.name),
    description: editable.description,
    condition: Type.Optional(Condition),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'the version read; a 409 if someone changed it meanwhile' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSegmentInput = Static<typeof UpdateSegmentBody>;

export const SegmentView = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: BilingualView,
  description: BilingualView,
  condition: Type.Unsafe<SegmentCondition>(
    Type.Object({ type: Type.String() }, { additionalProperties: true }),
  ),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  memberCount: Type.Integer(),
  version: Type.Integer(),
  timeDependent: Type.Boolean({
    description: 'membership can change with time alone; such a segment is recomputed every hour',
  }),
  refresh: Type.Object({
    status: Type.Union([Type.Literal('idle'), Type.Literal('running'), Type.Literal('failed')]),
    processed: Type.Integer(),
    total: Type.Integer(),
    progress: Type.Number({ description: '0–1' }),
    error: Type.Union([Type.String(), Type.Null()]),
    refreshedAt: Type.Union([Time, Type.Null()]),
  }),
  createdAt: Time,
  updatedAt: Time,
});
export const SegmentList = Type.Object({ data: Type.Array(SegmentView) });
export const SegmentListQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])) },
  { additionalProperties: false },
);
export const KeyParam = Type.Object({ key: Key });
export const CustomerParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const MembersQuery = PageQuery;
export const MemberPage = Page(
  Type.Composite([CustomerSummary, Type.Object({ addedAt: Time })], { additionalProperties: false }),
);
export const CustomerSegments = Type.Object({
  data: Type.Array(
    Type.Object(
      {
        key: Type.String(),
        name: BilingualView,
        status: Type.Union([Type.Literal('active'), Type.Literal('archived')], {
          description: "an archived segment's members are frozen",
        }),
        since: Time,
      },
      { additionalProperties: false },
    ),
  ),
});
export const PreviewBody = Type.Object(
  {
    condition: Condition,
    sample: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 20_000,
        default: 5000,
        description: 'customers evaluated; every customer when the workspace has no more',
      }),
    ),
  },
  { additionalProperties: false },
);
export const PreviewResponse = Type.Object({
  total: Type.Integer({ description: 'live customers of the workspace' }),
  sampled: Type.Integer(),
  matched: Type.Integer(),
  estimate: Type.Integer({
    description: 'matched / sampled × total; exact when every customer was evaluated',
  }),
  exact: Type.Boolean(),
  examples: Type.Array(CustomerSummary, { description: 'up to five matching customers' }),
});

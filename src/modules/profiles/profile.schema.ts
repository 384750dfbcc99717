import { Type } from '@sinclair/typebox';
import { Page, PageQuery } from '../../platform/http/index.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Json = Type.Record(Type.String(), Type.Unknown());

export const CustomerIdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const CustomerListQuery = Type.Composite(
  [
    PageQuery,
    Type.Object({
      q: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'e-mail, phone, last 4 digits of a phone, user id or exact name',
        }),
      ),
    }),
  ],
  { additionalProperties: Type.String({ maxLength: 200, description: 'trait.<key>=<value> filters' }) },
);

export const LookupQuery = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'userId, anonymousId, email, phone, wechat_openid, wechat_unionid, device_id or a custom type',
    }),
    value: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const TimelineQuery = Type.Composite([
  PageQuery,
  Type.Object({
    channel: Type.Optional(Type.String({ maxLength: 40 })),
    type: Type.Optional(Type.String({ maxLength: 20 })),
    touchpoint: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'touchpoint key' }),
    ),
  }),
]);

export const CustomerSummary = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  city: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: Time,
  eventCount: Type.Integer(),
  totalSpendMinor: Type.Integer(),
});
export const CustomerPage = Page(CustomerSummary);

export const Customer = Type.Object({
  id: Type.String(),
  mergedFrom: Type.Union([Type.String(), Type.Null()]),
  piiMasked: Type.Boolean(),
  basic: Json,
  pii: Json,
  traits: Json,
  interests: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })),
  value: Type.Object({
    totalSpendMinor: Type.Integer(),
    currency: Type.Union([Type.String(), Type.Null()]),
    orderCount: Type.Integer(),
    lastPurchaseAt: NullableTime,
    arpuMinor: Type.Integer(),
  }),
  subscriptions: Type.Array(
    Type.Object({
      product: Type.String(),
      status: Type.String(),
      since: Time,
      trialEndsAt: NullableTime,
      endedAt: NullableTime,
    }),
  ),
  engagement: Type.Object({
    firstSeenAt: Time,
    lastSeenAt: Time,
    eventCount: Type.Integer(),
    activeDays: Type.Integer(),
    eventsByChannel: Type.Record(Type.String(), Type.Integer()),
    eventsByType: Type.Record(Type.String(), Type.Integer()),
  }),
  identities: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), firstSeenAt: Time })),
  merges: Type.Array(Type.Object({ fromProfileId: Type.String(), identifierType: Type.String(), at: Time })),
});

export const TimelineEntry = Type.Object({
  id: Type.String(),
  kind: Type.Literal('event'),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  touchpoint: Type.Union([Type.String(), Type.Null()], { description: 'the touchpoint the event maps to' }),
  timestamp: Time,
  receivedAt: Time,
  properties: Json,
});
export const TimelinePage = Page(TimelineEntry);

export const UpdateCustomerBody = Type.Object(
  {
    traits: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.Unknown(), {
      maxProperties: 100,
      description:
        'traits to set; null removes one. PII traits (name, email, phone, address, nationalId) are stored encrypted.',
    }),
  },
  { additionalProperties: false },
);

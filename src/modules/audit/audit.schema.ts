import { Type } from '@sinclair/typebox';
import { Page, PageQuery } from '../../platform/http/index.js';

const short = (maxLength: number) => Type.Optional(Type.String({ minLength: 1, maxLength }));

export const AuditQuery = Type.Composite([
  PageQuery,
  Type.Object({
    action: short(100),
    actorType: Type.Optional(
      Type.Union([
        Type.Literal('user'),
        Type.Literal('api_key'),
        Type.Literal('cli'),
        Type.Literal('system'),
      ]),
    ),
    actorId: short(100),
    targetType: short(100),
    targetId: short(100),
    requestId: short(100),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive, ISO-8601' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive, ISO-8601' })),
  }),
]);

export const AuditEntry = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const AuditPage = Page(AuditEntry);

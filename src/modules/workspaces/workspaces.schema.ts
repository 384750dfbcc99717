import { Type } from '@sinclair/typebox';
import { Page } from '../../platform/http/index.js';
import { ROLES } from './permissions.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const LocaleSchema = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 200 });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const Slug = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$',
  description: 'lower-case letters, digits and dashes',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Asia/Shanghai',
});
export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const UserIdParam = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 100 }) });

export const Workspace = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  defaultLocale: Type.String(),
  createdAt: Time,
});
export const CreateWorkspaceBody = Type.Object(
  { slug: Slug, name: Name, timeZone: Type.Optional(TimeZone), defaultLocale: Type.Optional(LocaleSchema) },
  { additionalProperties: false },
);
export const UpdateWorkspaceBody = Type.Object(
  {
    name: Type.Optional(Name),
    timeZone: Type.Optional(TimeZone),
    defaultLocale: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false },
);

export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  locale: Type.String(),
});
export const SessionView = Type.Object({
  user: User,
  workspaces: Type.Array(
    Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), role: Type.String() }),
  ),
  current: Type.Union([
    Type.Object({ workspace: Workspace, role: Type.String(), permissions: Type.Array(Type.String()) }),
    Type.Null(),
  ]),
});
export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const SwitchWorkspaceBody = Type.Object({ slug: Slug }, { additionalProperties: false });
export const UpdateMeBody = Type.Object(
  { name: Type.Optional(Name), locale: Type.Optional(LocaleSchema) },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);

export const Member = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdAt: Time,
});
export const MemberPage = Page(Member);
export const AddMemberBody = Type.Object(
  { email: Email, role: RoleSchema, name: Type.Optional(Name), password: Type.Optional(Password) },
  { additionalProperties: false },
);
export const AddMemberResult = Type.Object({ member: Member, temporaryPassword: Nullable(Type.String()) });
export const ChangeRoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  hint: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Time,
  lastUsedAt: Nullable(Time),
  revokedAt: Nullable(Time),
});
export const ApiKeyPage = Page(ApiKey);
export const CreateApiKeyBody = Type.Object(
  { name: Name, role: RoleSchema },
  { additionalProperties: false },
);
export const CreatedApiKey = Type.Object({
  apiKey: ApiKey,
  key: Type.String({ description: 'The secret key. Shown only in this response: store it now.' }),
});

export const WriteKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  key: Type.String(),
  createdAt: Time,
  lastUsedAt: Nullable(Time),
  revokedAt: Nullable(Time),
});
export const WriteKeyPage = Page(WriteKey);
export const CreateWriteKeyBody = Type.Object({ name: Name }, { additionalProperties: false });

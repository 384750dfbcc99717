/**
 * The one permission matrix of Touchpoint: which role may do what. Routes name a permission in `config.permission`;
 * modules add their rows here as they arrive.
 */
export const ROLES = ['owner', 'admin', 'analyst', 'marketer', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const ADMINS: readonly Role[] = ['owner', 'admin'];

export const PERMISSIONS = {
  'workspace.read': ALL,
  'workspace.update': ADMINS,
  'members.read': ALL,
  'members.manage': ADMINS,
  'api_keys.read': ADMINS,
  'api_keys.manage': ADMINS,
  'write_keys.read': ['owner', 'admin', 'analyst', 'marketer'],
  'write_keys.manage': ADMINS,
  'audit.read': ADMINS,
  'customers.read': ALL,
  'customers.write': ['owner', 'admin', 'marketer', 'agent'],
  'customers.delete': ADMINS,
  'customers.import': ['owner', 'admin', 'marketer'],
  'segments.read': ALL,
  'segments.manage': ['owner', 'admin', 'analyst', 'marketer'],
  /** See personal data (phone, e-mail, name, address, national id) unmasked. */
  'pii.read': ['owner', 'admin', 'agent'],
  'text.analyze': ['owner', 'admin', 'analyst', 'marketer', 'agent'],
  'text.manage': ['owner', 'admin', 'analyst'],
  'surveys.read': ALL,
  'surveys.manage': ['owner', 'admin', 'analyst', 'marketer'],
  /** Create personal links, read deliveries to send by e-mail/SMS. */
  'surveys.distribute': ['owner', 'admin', 'marketer', 'agent'],
  'surveys.export': ['owner', 'admin', 'analyst'],
  'touchpoints.read': ALL,
  'touchpoints.manage': ['owner', 'admin', 'analyst', 'marketer'],
  /** Cases: everyone may read the workspace's cases; agents and admins work them; admins configure. */
  'cases.read': ALL,
  'cases.write': ['owner', 'admin', 'agent'],
  'cases.manage': ADMINS,
  'notifications.manage': ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

const byRole = new Map<Role, ReadonlySet<string>>(
  ROLES.map((role) => [
    role,
    new Set(
      Object.entries(PERMISSIONS)
        .filter(([, roles]) => (roles as readonly Role[]).includes(role))
        .map(([p]) => p),
    ),
  ]),
);

/** The permissions a role grants (empty for an unknown role, so a corrupt row grants nothing). */
export function permissionsOf(role: string): ReadonlySet<string> {
  return byRole.get(role as Role) ?? new Set();
}

/** Rank used to stop anyone from granting a role above their own: owner > admin > everyone else. */
export function roleRank(role: string): number {
  return role === 'owner' ? 3 : role === 'admin' ? 2 : 1;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

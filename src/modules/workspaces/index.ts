import './workspaces.tables.js';

export { ROLES, PERMISSIONS, permissionsOf, isRole, type Role, type Permission } from './permissions.js';
export { createAuthenticator, SESSION_COOKIE, WORKSPACE_HEADER } from './auth.service.js';
export { createUser, findUserByEmail, normalizeEmail } from './user.service.js';
export { createWorkspace, getWorkspace, getWorkspaceBySlug, TIME_ZONE_CHANGED } from './workspace.service.js';
export { addMember } from './member.service.js';
export { createApiKey } from './api-key.service.js';
export { createWriteKey, resolveWriteKey, markWriteKeyUsed } from './write-key.service.js';
export { seedDemoWorkspace, demoLoginStillValid, DEMO_LOGIN, DEMO_SLUG } from './demo-seed.js';
export { authRoutes, type AuthRouteOptions } from './auth.routes.js';
export { workspaceRoutes } from './workspace.routes.js';
export { keyRoutes } from './key.routes.js';

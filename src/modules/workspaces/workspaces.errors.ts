import { AppError } from '../../platform/http/index.js';

export const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 401, 'error.invalid_credentials');
export const workspaceNotFound = () => new AppError('WORKSPACE_NOT_FOUND', 404, 'error.workspace_not_found');
export const slugTaken = (slug: string) =>
  new AppError('WORKSPACE_SLUG_TAKEN', 409, 'error.workspace_slug_taken', { slug });
export const userExists = () => new AppError('USER_EXISTS', 409, 'error.user_exists');
export const userNotFound = () => new AppError('USER_NOT_FOUND', 404, 'error.user_not_found');
export const memberNotFound = () => new AppError('MEMBER_NOT_FOUND', 404, 'error.member_not_found');
export const memberExists = () => new AppError('MEMBER_EXISTS', 409, 'error.member_exists');
export const lastOwner = () => new AppError('LAST_OWNER', 409, 'error.last_owner');
export const roleNotAllowed = (role: string) =>
  new AppError('ROLE_NOT_ALLOWED', 403, 'error.role_not_allowed', { role });
export const passwordTooWeak = (min: number) =>
  new AppError('PASSWORD_TOO_WEAK', 400, 'error.password_too_weak', { min });
export const wrongPassword = () => new AppError('WRONG_PASSWORD', 400, 'error.wrong_password');
export const apiKeyNotFound = () => new AppError('API_KEY_NOT_FOUND', 404, 'error.api_key_not_found');
export const writeKeyNotFound = () => new AppError('WRITE_KEY_NOT_FOUND', 404, 'error.write_key_not_found');

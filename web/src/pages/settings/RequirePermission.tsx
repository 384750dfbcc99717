import type { ReactNode } from 'react';
import type { Permission } from '../../api';
import { Forbidden } from '../../components/states';
import { useSession } from '../../session/SessionContext';

/** Renders the page only when the user's role grants `permission`; otherwise the no-access page. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useSession();
  return can(permission) ? <>{children}</> : <Forbidden />;
}

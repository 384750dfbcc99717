import {
  ApiOutlined,
  AlertOutlined,
  AuditOutlined,
  ClusterOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  FormOutlined,
  KeyOutlined,
  NodeIndexOutlined,
  RocketOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Permission } from '../api';

type NavLabel =
  | 'nav.home'
  | 'nav.customers'
  | 'nav.overview'
  | 'nav.journeys'
  | 'nav.surveys'
  | 'nav.cases'
  | 'nav.caseSettings'
  | 'nav.segments'
  | 'nav.workspace'
  | 'nav.members'
  | 'nav.apiKeys'
  | 'nav.writeKeys'
  | 'nav.audit';

export interface NavItem {
  path: string;
  label: NavLabel;
  icon: ReactNode;
  /** Shown only when the user's role grants this; undefined = everyone in a workspace. */
  permission?: Permission;
}

export const MAIN_NAV: NavItem[] = [
  { path: '/', label: 'nav.overview', icon: <DashboardOutlined /> },
  { path: '/getting-started', label: 'nav.home', icon: <RocketOutlined /> },
  { path: '/customers', label: 'nav.customers', icon: <UserOutlined />, permission: 'customers.read' },
  { path: '/segments', label: 'nav.segments', icon: <ClusterOutlined />, permission: 'segments.read' },
  { path: '/cases', label: 'nav.cases', icon: <CustomerServiceOutlined />, permission: 'cases.read' },
  { path: '/journeys', label: 'nav.journeys', icon: <NodeIndexOutlined />, permission: 'touchpoints.read' },
  { path: '/surveys', label: 'nav.surveys', icon: <FormOutlined />, permission: 'surveys.read' },
];

export const SETTINGS_NAV: NavItem[] = [
  {
    path: '/settings/workspace',
    label: 'nav.workspace',
    icon: <SettingOutlined />,
    permission: 'workspace.read',
  },
  { path: '/settings/members', label: 'nav.members', icon: <TeamOutlined />, permission: 'members.read' },
  {
    path: '/settings/write-keys',
    label: 'nav.writeKeys',
    icon: <ApiOutlined />,
    permission: 'write_keys.read',
  },
  { path: '/settings/api-keys', label: 'nav.apiKeys', icon: <KeyOutlined />, permission: 'api_keys.read' },
  {
    path: '/settings/cases',
    label: 'nav.caseSettings',
    icon: <AlertOutlined />,
    permission: 'cases.manage',
  },
  { path: '/settings/audit', label: 'nav.audit', icon: <AuditOutlined />, permission: 'audit.read' },
];

/** The menu key of the current location: the longest nav path that prefixes it. */
export function selectedNavKey(pathname: string): string {
  const all = [...MAIN_NAV, ...SETTINGS_NAV].map((item) => item.path);
  const match = all
    .filter((path) =>
      path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`),
    )
    .sort((a, b) => b.length - a.length)[0];
  return match ?? pathname;
}

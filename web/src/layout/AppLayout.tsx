import {
  CheckOutlined,
  DownOutlined,
  LockOutlined,
  LogoutOutlined,
  PlusOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { App, Avatar, Button, Dropdown, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useNavigation } from 'react-router-dom';
import { authApi } from '../api';
import { BrandLogo } from '../components/BrandLogo';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { RoleTag } from '../components/RoleTag';
import { useErrorMessage } from '../lib/errors';
import { displayName, useSession } from '../session/SessionContext';
import { ChangePasswordModal } from './ChangePasswordModal';
import { CreateWorkspaceModal } from './CreateWorkspaceModal';
import { MAIN_NAV, SETTINGS_NAV, selectedNavKey, type NavItem } from './navigation';

const { Sider, Header, Content } = Layout;

function WorkspaceSwitcher({ onCreate }: { onCreate: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const navigate = useNavigate();
  const { info, setInfo } = useSession();
  const current = info.current;

  const switchTo = async (slug: string) => {
    if (slug === current?.workspace.slug) return;
    try {
      const next = await authApi.switchWorkspace(slug);
      setInfo(next);
      navigate('/');
      if (next.current) void message.success(t('header.switched', { name: next.current.workspace.name }));
    } catch (e) {
      void message.error(messageOf(e));
    }
  };

  const items: MenuProps['items'] = [
    {
      type: 'group',
      label: t('header.workspaces'),
      children: info.workspaces.map((ws) => ({
        key: ws.slug,
        label: (
          <div className="tp-ws-item">
            <span className="tp-ws-avatar">{ws.name.slice(0, 1).toUpperCase()}</span>
            <span className="tp-ws-item-text">
              <span className="tp-ws-item-name">{ws.name}</span>
              <span className="tp-ws-item-role">{t(`roles.${ws.role}`)}</span>
            </span>
            {ws.slug === current?.workspace.slug && <CheckOutlined className="tp-ws-check" />}
          </div>
        ),
      })),
    },
    { type: 'divider' },
    { key: '__create', icon: <PlusOutlined />, label: t('header.createWorkspace') },
  ];

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => (key === '__create' ? onCreate() : void switchTo(key)),
      }}
    >
      <Button
        type="text"
        className="tp-ws-switch"
        aria-label={t('header.switchWorkspace')}
        data-testid="workspace-switch"
      >
        <span className="tp-ws-avatar">{(current?.workspace.name ?? '?').slice(0, 1).toUpperCase()}</span>
        <span className="tp-ws-name">{current?.workspace.name ?? t('header.switchWorkspace')}</span>
        {current ? <DownOutlined className="tp-muted" /> : <SwapOutlined />}
      </Button>
    </Dropdown>
  );
}

function UserMenu({ onChangePassword }: { onChangePassword: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { info, signOut } = useSession();
  const name = displayName(info);

  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div className="tp-user-card">
          <div className="tp-user-card-name">{name}</div>
          <div className="tp-user-card-email">{info.user.email}</div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'password', icon: <LockOutlined />, label: t('header.changePassword') },
    { key: 'signout', icon: <LogoutOutlined />, label: t('header.signOut'), danger: true },
  ];

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => {
          if (key === 'password') onChangePassword();
          if (key === 'signout') void signOut().then(() => message.info(t('login.signedOut')));
        },
      }}
    >
      <Button type="text" className="tp-user-button" aria-label={t('header.account')} data-testid="user-menu">
        <Avatar size={28} className="tp-user-avatar">
          {name.slice(0, 1).toUpperCase()}
        </Avatar>
        <span className="tp-user-name">{name}</span>
      </Button>
    </Dropdown>
  );
}

/** The console's frame: sidebar navigation, top bar (workspace, language, account) and the current page. */
export function AppLayout() {
  const { t } = useTranslation();
  const { current, can } = useSession();
  const location = useLocation();
  const navigation = useNavigation();
  const [collapsed, setCollapsed] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [createOpen, setCreateOpen] = useState(false);

  const visible = (item: NavItem) => current !== null && (!item.permission || can(item.permission));
  const toMenuItem = (item: NavItem) => ({
    key: item.path,
    icon: item.icon,
    label: <Link to={item.path}>{t(item.label)}</Link>,
  });
  const settings = SETTINGS_NAV.filter(visible).map(toMenuItem);
  const menuItems: MenuProps['items'] = [
    // The start page is there even without a workspace; everything else needs its permission.
    ...MAIN_NAV.filter((item) => !item.permission || visible(item)).map(toMenuItem),
    ...(settings.length
      ? [{ type: 'group' as const, key: 'settings', label: t('nav.settings'), children: settings }]
      : []),
  ];

  return (
    <Layout className="tp-shell">
      <Sider
        className="tp-sider"
        theme="light"
        width={232}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
      >
        <Link to="/" className="tp-sider-brand" aria-label={t('brand.full')}>
          <BrandLogo compact={collapsed} />
        </Link>
        <Menu
          mode="inline"
          className="tp-sider-menu"
          selectedKeys={[selectedNavKey(location.pathname)]}
          items={menuItems}
        />
      </Sider>
      <Layout>
        <Header className="tp-header">
          {navigation.state === 'loading' && <div className="tp-progress" />}
          <Space size={8} align="center">
            <WorkspaceSwitcher onCreate={() => setCreateOpen(true)} />
            {current && <RoleTag role={current.role} />}
          </Space>
          <Space size={4} align="center">
            <LanguageSwitch />
            <UserMenu onChangePassword={() => setPasswordOpen(true)} />
          </Space>
        </Header>
        <Content className="tp-content">
          <div className="tp-page" key={current?.workspace.id ?? 'none'}>
            <Outlet />
          </div>
          <Typography.Text type="secondary" className="tp-footer">
            {t('brand.copyright', { year: new Date().getFullYear() })}
          </Typography.Text>
        </Content>
      </Layout>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
      <CreateWorkspaceModal open={createOpen} onClose={() => setCreateOpen(false)} />
    </Layout>
  );
}

import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api';

const COLORS: Record<Role, string> = {
  owner: 'purple',
  admin: 'geekblue',
  analyst: 'cyan',
  marketer: 'magenta',
  agent: 'orange',
  viewer: 'default',
};

export function RoleTag({ role }: { role: Role }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[role] ?? 'default'} variant="filled">
      {t(`roles.${role}`)}
    </Tag>
  );
}

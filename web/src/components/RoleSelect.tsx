import { Select, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../api';

type RoleSelectProps = Omit<SelectProps<Role>, 'options'>;

/** Picks a role; each option explains what the role may do. */
export function RoleSelect(props: RoleSelectProps) {
  const { t } = useTranslation();
  return (
    <Select<Role>
      {...props}
      optionLabelProp="label"
      options={ROLES.map((role) => ({
        value: role,
        label: t(`roles.${role}`),
        title: t(`roleHelp.${role}`),
      }))}
      optionRender={(option) => (
        <div className="tp-role-option">
          <div>{t(`roles.${option.value as Role}`)}</div>
          <div className="tp-role-option-help">{t(`roleHelp.${option.value as Role}`)}</div>
        </div>
      )}
    />
  );
}

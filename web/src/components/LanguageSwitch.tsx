import { GlobalOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { authApi, LOCALES, type Locale } from '../api';
import { changeLocale, currentLocale } from '../i18n';
import { useSessionState } from '../session/SessionContext';

/**
 * 简体中文 / English. The choice is kept in this browser and, when signed in, saved to the user's profile so that
 * e-mails and other devices use it too.
 */
export function LanguageSwitch({ variant = 'text' }: { variant?: 'text' | 'default' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { state, setInfo } = useSessionState();
  const locale = currentLocale();

  const choose = async (next: Locale) => {
    await changeLocale(next, { remember: true });
    if (state.status === 'authenticated') {
      try {
        setInfo(await authApi.updateMe({ locale: next }));
      } catch {
        // The UI already switched; the profile catches up the next time the session loads.
      }
    }
    void message.success(t('language.changed', { lng: next }));
  };

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: LOCALES.map((lng) => ({ key: lng, label: <span lang={lng}>{t(`language.${lng}`)}</span> })),
        onClick: ({ key }) => void choose(key as Locale),
      }}
    >
      <Button
        type={variant}
        icon={<GlobalOutlined />}
        aria-label={t('language.label')}
        data-testid="language-switch"
      >
        {t(`language.${locale}`)}
      </Button>
    </Dropdown>
  );
}

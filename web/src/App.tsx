import { App as AntApp, ConfigProvider, theme, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router-dom';
import { i18n } from './i18n';
import { createRouter } from './router';
import { SessionProvider } from './session/SessionContext';

/** Brand colour and a calm, dense-enough look for an operations console. */
const THEME: ThemeConfig = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#4f46e5',
    colorInfo: '#4f46e5',
    colorLink: '#4f46e5',
    borderRadius: 8,
    colorBgLayout: '#f5f6fa',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', " +
      "'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
    fontFamilyCode: "'JetBrains Mono', 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
  },
  components: {
    Layout: { siderBg: '#ffffff', headerBg: '#ffffff', headerHeight: 56, headerPadding: '0 20px' },
    Menu: { itemBorderRadius: 6, itemMarginInline: 8, activeBarBorderWidth: 0 },
    Card: { headerFontSize: 15 },
    Table: { headerBg: '#fafafb' },
  },
};

function LocalizedApp() {
  const { i18n: instance } = useTranslation();
  const [router] = useState(createRouter);
  return (
    <ConfigProvider locale={instance.resolvedLanguage === 'zh-CN' ? zhCN : enUS} theme={THEME}>
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/** The whole console: translations, Ant Design (theme, locale, message/modal context), session and routes. */
export function ConsoleApp() {
  return (
    <I18nextProvider i18n={i18n}>
      <LocalizedApp />
    </I18nextProvider>
  );
}

import { CheckCircleFilled, LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { authApi } from '../api';
import { BrandLogo } from '../components/BrandLogo';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { FullPageSpinner } from '../components/states';
import { useErrorMessage } from '../lib/errors';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useSessionState } from '../session/SessionContext';

interface Values {
  email: string;
  password: string;
}

/** Only same-site paths may be returned to after login (no open redirect). */
function safeNext(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/login')
    ? value
    : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { state, setInfo } = useSessionState();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(t('login.title'));

  const next = safeNext(params.get('next'));
  if (state.status === 'loading') return <FullPageSpinner />;
  if (state.status === 'authenticated' && !submitting) return <Navigate to={next} replace />;

  const reason = params.get('reason');
  const notice =
    reason === 'expired' ? t('login.expired') : reason === 'signedOut' ? t('login.signedOut') : null;

  const submit = async (values: Values) => {
    setSubmitting(true);
    setError(null);
    try {
      setInfo(await authApi.login(values.email.trim(), values.password));
      navigate(next, { replace: true });
    } catch (e) {
      setError(messageOf(e));
      setSubmitting(false);
    }
  };

  return (
    <div className="tp-login">
      <aside className="tp-login-hero">
        <BrandLogo inverse />
        <div className="tp-login-hero-body">
          <h1>{t('brand.full')}</h1>
          <p className="tp-login-tagline">{t('brand.tagline')}</p>
          <p className="tp-login-pitch">{t('brand.pitch')}</p>
          <ul>
            {(['brand.pointProfiles', 'brand.pointMeasure', 'brand.pointLoop'] as const).map((key) => (
              <li key={key}>
                <CheckCircleFilled /> <span>{t(key)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="tp-login-hero-foot">{t('brand.copyright', { year: new Date().getFullYear() })}</div>
      </aside>
      <main className="tp-login-main">
        <div className="tp-login-lang">
          <LanguageSwitch />
        </div>
        <div className="tp-login-card">
          <div className="tp-login-mobile-brand">
            <BrandLogo />
          </div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          {notice && !error && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} />}
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          )}
          <Form<Values> layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} size="large">
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[
                { required: true, message: t('login.emailRequired') },
                { type: 'email', message: t('login.emailInvalid') },
              ]}
            >
              <Input
                prefix={<MailOutlined className="tp-muted" />}
                placeholder={t('login.emailPlaceholder')}
                autoComplete="username"
                inputMode="email"
                autoFocus
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined className="tp-muted" />}
                autoComplete="current-password"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" className="tp-login-help">
            {t('login.forgot')}
          </Typography.Paragraph>
        </div>
      </main>
    </div>
  );
}

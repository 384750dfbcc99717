import { Tabs, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { browserSnippet, currentEndpoint, httpSnippet, nodeSnippet } from '../lib/snippets';
import { CodeBlock } from './CodeBlock';

/** Copy-paste install code for a write key: browser SDK, Node.js SDK and plain HTTP. */
export function InstallSnippets({ writeKey }: { writeKey: string }) {
  const { t } = useTranslation();
  const endpoint = useMemo(() => currentEndpoint(), []);
  const sample = {
    user: t('snippets.sampleUser'),
    city: t('snippets.sampleCity'),
    plan: t('snippets.samplePlan'),
  };

  const tab = (key: string, label: string, help: string, code: string) => ({
    key,
    label,
    children: (
      <>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {help}
        </Typography.Paragraph>
        <CodeBlock code={code} testId={`snippet-${key}`} />
      </>
    ),
  });

  return (
    <Tabs
      className="tp-snippets"
      items={[
        tab(
          'browser',
          t('snippets.browser'),
          t('snippets.browserHelp'),
          browserSnippet(writeKey, endpoint, sample),
        ),
        tab('node', t('snippets.node'), t('snippets.nodeHelp'), nodeSnippet(writeKey, endpoint, sample)),
        tab('http', t('snippets.http'), t('snippets.httpHelp'), httpSnippet(writeKey, endpoint, sample)),
      ]}
    />
  );
}

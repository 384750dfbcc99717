import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { useDocumentTitle } from '../lib/useDocumentTitle';

interface PageHeaderProps {
  title: string;
  /** Tab title when it should differ from the heading (e.g. a greeting). */
  documentTitle?: string;
  description?: ReactNode;
  extra?: ReactNode;
}

/** Title, one-paragraph explanation and the page's main actions; also sets the tab title. */
export function PageHeader({ title, documentTitle, description, extra }: PageHeaderProps) {
  useDocumentTitle(documentTitle ?? title);
  return (
    <div className="tp-page-header">
      <div className="tp-page-header-text">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {description && (
          <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0', maxWidth: 760 }}>
            {description}
          </Typography.Paragraph>
        )}
      </div>
      {extra && <div className="tp-page-header-extra">{extra}</div>}
    </div>
  );
}

import { CheckOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Row, Skeleton, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { journeysApi, type Journey } from '../../api/journeys';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorMessage } from '../../lib/errors';
import { PHASE_COLORS } from './JourneyView';
import { useLoad, useLocalText } from './shared';

/** The journey templates shipped with Touchpoint; applying one creates the journey and the touchpoints it needs. */
export function TemplatesTab({
  journeys,
  canManage,
  onApplied,
}: {
  journeys: Journey[];
  canManage: boolean;
  onApplied: (journey: Journey) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const local = useLocalText();
  const templates = useLoad((signal) => journeysApi.templates(signal), 'templates');
  const [applying, setApplying] = useState<string | null>(null);

  const apply = async (key: string) => {
    setApplying(key);
    try {
      const result = await journeysApi.applyTemplate(key);
      message.success(
        t('journeys.templates.applied', { created: result.created.length, kept: result.kept.length }),
      );
      onApplied(result.journey);
    } catch (err) {
      message.error(messageOf(err));
    } finally {
      setApplying(null);
    }
  };

  if (templates.status === 'loading') return <Skeleton active paragraph={{ rows: 6 }} />;
  if (templates.status === 'error') return <ErrorState error={templates.error} onRetry={templates.reload} />;
  if (templates.data.data.length === 0) return <EmptyState title={t('journeys.templates.empty')} />;

  return (
    <Row gutter={[16, 16]} data-testid="template-gallery">
      {templates.data.data.map((template) => {
        const existing = journeys.find((j) => j.template === template.key || j.key === template.key);
        return (
          <Col xs={24} xl={12} key={template.key}>
            <Card
              title={local(template.name)}
              extra={
                existing ? (
                  <Tag icon={<CheckOutlined />} color="green">
                    {t('journeys.templates.inUse')}
                  </Tag>
                ) : (
                  canManage && (
                    <Button
                      type="primary"
                      loading={applying === template.key}
                      onClick={() => void apply(template.key)}
                      data-testid={`apply-${template.key}`}
                    >
                      {t('journeys.templates.apply')}
                    </Button>
                  )
                )
              }
              data-testid={`template-${template.key}`}
            >
              <Typography.Paragraph type="secondary">{local(template.description)}</Typography.Paragraph>
              <Typography.Paragraph className="tp-small">
                {t('journeys.templates.window', { days: template.conversionWindowDays })}
              </Typography.Paragraph>
              <Steps
                size="small"
                orientation="vertical"
                items={template.touchpoints.map((tp) => ({
                  title: (
                    <Space size={6} wrap>
                      <span>{local(tp.name)}</span>
                      <Tag color={PHASE_COLORS[tp.phase]}>{t(`journeys.phase.${tp.phase}`)}</Tag>
                    </Space>
                  ),
                  content: (
                    <span className="tp-small">
                      {local(tp.coreNeed)}
                      <br />
                      <Typography.Text type="secondary" className="tp-small">
                        {t('journeys.templates.events', { events: tp.events.join(', ') })}
                      </Typography.Text>
                    </span>
                  ),
                  status: 'process' as const,
                }))}
              />
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

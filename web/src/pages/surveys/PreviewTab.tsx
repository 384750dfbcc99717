import { ExportOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SurveyDetail } from '../../api/surveys';
import { useFormatters } from '../../i18n/format';
import { SurveyRenderer, type Answers } from './SurveyRenderer';
import { pickText } from './surveyText';

/**
 * The survey as respondents see it, in every language side by side. Answers given here are shared by both panes
 * so that branching shows the same path; nothing is stored. A live survey links to its hosted page too.
 */
export function PreviewTab({ survey }: { survey: SurveyDetail }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [answers, setAnswers] = useState<Answers>({});
  const hostedUrl = (language: string) => `${survey.publicUrl}?lang=${encodeURIComponent(language)}`;
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('surveys.preview.help')}</Typography.Text>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => setAnswers({})}
          disabled={Object.keys(answers).length === 0}
        >
          {t('surveys.preview.reset')}
        </Button>
      </Space>
      {survey.status === 'live' ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('surveys.preview.hosted')}
          description={
            <Space wrap>
              {survey.languages.map((language) => (
                <a
                  key={language}
                  href={hostedUrl(language)}
                  target="_blank"
                  rel="noreferrer"
                  data-testid={`hosted-${language}`}
                >
                  <ExportOutlined /> {format.languageName(language)}
                </a>
              ))}
            </Space>
          }
        />
      ) : (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('surveys.preview.notLive')} />
      )}
      <Row gutter={[16, 16]}>
        {survey.languages.map((language) => (
          <Col xs={24} xl={survey.languages.length > 1 ? 12 : 24} key={language}>
            <Typography.Text strong>{format.languageName(language)}</Typography.Text>
            <SurveyRenderer
              definition={survey.definition}
              title={pickText(survey.name, language, survey.defaultLanguage)}
              language={language}
              answers={answers}
              onAnswer={(id, value) => setAnswers((a) => ({ ...a, [id]: value }))}
            />
          </Col>
        ))}
      </Row>
    </div>
  );
}

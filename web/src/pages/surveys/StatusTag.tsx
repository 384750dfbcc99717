import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SurveyStatus } from '../../api/surveys';

const COLORS: Record<SurveyStatus, string> = { draft: 'default', live: 'green', closed: 'orange' };

/** A survey's status: draft, live (takes answers) or closed. */
export function StatusTag({ status }: { status: SurveyStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status]} data-testid="survey-status">
      {t(`surveys.status.${status}`)}
    </Tag>
  );
}

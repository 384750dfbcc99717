import type { Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { SurveySettings } from './survey.schema.js';
import type { PrimaryScore } from './survey.scoring.js';

/** The domain event type published when a completed response breaks the workspace's closed-loop rule. */
export const SURVEY_RESPONSE_FLAGGED = 'survey.response.flagged';

/** Payload of `survey.response.flagged` (the cases module turns it into a follow-up case). */
export interface SurveyResponseFlagged {
  surveyId: string;
  responseId: string;
  profileId: string | null;
  touchpointKey: string | null;
  channel: string;
  /** 'nps_detractor' | 'low_csat' | 'high_effort' | 'low_score' | 'negative_comment'. */
  reasons: string[];
  score: number | null;
  metric: 'nps' | 'csat' | 'ces' | null;
  comment: string | null;
  language: string;
  /** Hidden fields of the response, e.g. caseId for a case follow-up survey. */
  hidden: Record<string, string>;
}

/** The reasons (possibly none) why a completed response is flagged under the workspace's closed-loop rule. */
export function evaluateClosedLoop(
  rule: SurveySettings['closedLoop'],
  primary: PrimaryScore,
  negativeComment: boolean,
): string[] {
  if (!rule.enabled) return [];
  const reasons: string[] = [];
  const { metric, score, score100 } = primary;
  if (score !== null) {
    switch (metric) {
      case 'nps':
        if (rule.npsMax !== null && score <= rule.npsMax) reasons.push('nps_detractor');
        break;
      case 'csat':
        if (rule.csatMax !== null && score <= rule.csatMax) reasons.push('low_csat');
        break;
      case 'ces':
        if (rule.cesMax !== null && score <= rule.cesMax) reasons.push('high_effort');
        break;
      case 'rating':
      case 'index':
        if (rule.score100Max !== null && score100 !== null && score100 <= rule.score100Max)
          reasons.push('low_score');
        break;
      case null:
        break;
    }
  }
  if (rule.negativeComment && negativeComment) reasons.push('negative_comment');
  return reasons;
}

/** Publishes `survey.response.flagged` in the response's transaction. */
export async function publishFlagged(
  events: EventBus,
  trx: Db,
  workspaceId: string,
  payload: SurveyResponseFlagged,
  occurredAt?: number,
): Promise<string> {
  return events.publish(trx, {
    type: SURVEY_RESPONSE_FLAGGED,
    workspaceId,
    payload,
    ...(occurredAt !== undefined ? { occurredAt } : {}),
  });
}

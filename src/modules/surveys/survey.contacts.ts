import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import type { Distribution, SurveySettings } from './survey.schema.js';

const DAY = 86_400_000;

/** Why a customer may not be asked a survey now, or null when they may. */
export type ContactBlock = 'answered' | 'asked_before' | 'recontact_period' | 'cooldown';

/**
 * Applies the survey's recontact rule (once / until answered / every N days) and the workspace-wide cooldown (no
 * survey at all within `cooldownDays` of the last ask of any survey, this one included) to one customer.
 */
export async function contactBlock(
  db: Db,
  workspaceId: string,
  profileId: string,
  surveyId: string,
  recontact: Distribution['recontact'],
  settings: Pick<SurveySettings, 'cooldownDays'>,
  now: number,
): Promise<ContactBlock | null> {
  const rows = await db
    .selectFrom('survey_contacts')
    .select(['survey_id', 'last_shown_at', 'answered_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .execute();
  const own = rows.find((r) => r.survey_id === surveyId);
  if (own) {
    switch (recontact.mode) {
      case 'once':
        return 'asked_before';
      case 'until_answered':
        if (own.answered_at !== null) return 'answered';
        break;
      case 'every_n_days':
        if (Math.max(own.last_shown_at, own.answered_at ?? 0) > now - recontact.days * DAY)
          return 'recontact_period';
        break;
    }
  }
  if (settings.cooldownDays > 0) {
    const last = Math.max(0, ...rows.map((r) => r.last_shown_at));
    if (last > now - settings.cooldownDays * DAY) return 'cooldown';
  }
  return null;
}

/** Records that a customer was asked (widget shown, invitation created). */
export async function markAsked(
  db: Db,
  workspaceId: string,
  profileId: string,
  surveyId: string,
  at: number,
) {
  await db
    .insertInto('survey_contacts')
    .values({
      workspace_id: workspaceId,
      profile_id: profileId,
      survey_id: surveyId,
      shown_count: 1,
      last_shown_at: at,
      answered_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'profile_id', 'survey_id']).doUpdateSet({
        shown_count: sql`survey_contacts.shown_count + 1`,
        last_shown_at: at,
      }),
    )
    .execute();
}

/** Records that a customer answered (completed) a survey. */
export async function markAnswered(
  db: Db,
  workspaceId: string,
  profileId: string,
  surveyId: string,
  at: number,
) {
  await db
    .insertInto('survey_contacts')
    .values({
      workspace_id: workspaceId,
      profile_id: profileId,
      survey_id: surveyId,
      shown_count: 0,
      last_shown_at: at,
      answered_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'profile_id', 'survey_id']).doUpdateSet({ answered_at: at }),
    )
    .execute();
}

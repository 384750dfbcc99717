import { sql, type Insertable } from 'kysely';
import { insertRows, type Db, type OnConflict } from '../../platform/db/index.js';
import type { Distribution, SurveySettings } from './survey.schema.js';
import type { SurveyContactsTable } from './surveys.tables.js';

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

/** A customer who completed a survey, and when. */
export interface AnsweredSurvey {
  workspaceId: string;
  profileId: string;
  surveyId: string;
  at: number;
}

/**
 * Records that customers answered (completed) surveys, in multi-row upserts of fixed texts (the batch of a group
 * commit). A customer who answered the same survey twice in the list counts once, at the later time.
 */
export async function markAnswered(db: Db, answers: readonly AnsweredSurvey[]): Promise<void> {
  const rows = new Map<string, Insertable<SurveyContactsTable>>();
  for (const a of answers) {
    const key = `${a.workspaceId}\u0000${a.profileId}\u0000${a.surveyId}`;
    const seen = rows.get(key);
    if (seen && (seen.answered_at ?? 0) >= a.at) continue;
    rows.set(key, {
      workspace_id: a.workspaceId,
      profile_id: a.profileId,
      survey_id: a.surveyId,
      shown_count: 0,
      last_shown_at: a.at,
      answered_at: a.at,
    });
  }
  await insertRows(db, 'survey_contacts', [...rows.values()], { onConflict: ANSWERED });
}

const ANSWERED: OnConflict = { key: ['workspace_id', 'profile_id', 'survey_id'], set: ['answered_at'] };

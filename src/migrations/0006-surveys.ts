import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/**
 * Surveys: definitions and their versions, personal links and deliveries, responses with their open-text analysis,
 * the score rollups that dashboards read, contact history (recontact rules, cooldown) and workspace settings.
 */
export function surveys(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('surveys')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('name', json, (c) => c.notNull())
        .addColumn('default_language', 'text', (c) => c.notNull())
        .addColumn('languages', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text')
        .addColumn('channel', 'text')
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('distribution', json, (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('published_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addPrimaryKeyConstraint('surveys_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('surveys_key_unique', ['workspace_id', 'key'])
        .execute();

      await db.schema
        .createTable('survey_versions')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', json, (c) => c.notNull())
        .addColumn('frozen', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('survey_versions_pk', ['workspace_id', 'survey_id', 'version'])
        .execute();

      await db.schema
        .createTable('survey_links')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('single_use', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('hidden', json, (c) => c.notNull())
        .addColumn('channel', 'text')
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('response_id', 'text')
        .addPrimaryKeyConstraint('survey_links_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('survey_links_survey_idx')
        .on('survey_links')
        .columns(['workspace_id', 'survey_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('survey_deliveries')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addPrimaryKeyConstraint('survey_deliveries_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('survey_deliveries_cause_unique', ['workspace_id', 'survey_id', 'cause'])
        .execute();

      await db.schema
        .createTable('survey_responses')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('respondent_key', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text')
        .addColumn('profile_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text')
        .addColumn('hidden', json, (c) => c.notNull())
        .addColumn('answers', json, (c) => c.notNull())
        .addColumn('metric', 'text')
        .addColumn('score', 'double precision')
        .addColumn('score100', 'double precision')
        .addColumn('last_question_id', 'text')
        .addColumn('flags', json)
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addColumn('rollup_day', 'bigint')
        .addColumn('duration_ms', 'bigint')
        .addPrimaryKeyConstraint('survey_responses_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('survey_responses_respondent_unique', [
          'workspace_id',
          'survey_id',
          'respondent_key',
        ])
        .execute();
      await db.schema
        .createIndex('survey_responses_survey_idx')
        .on('survey_responses')
        .columns(['workspace_id', 'survey_id', 'completed_at'])
        .execute();
      await db.schema
        .createIndex('survey_responses_profile_idx')
        .on('survey_responses')
        .columns(['workspace_id', 'profile_id', 'completed_at'])
        .execute();
      await db.schema
        .createIndex('survey_responses_completed_idx')
        .on('survey_responses')
        .columns(['workspace_id', 'completed_at'])
        .execute();

      await db.schema
        .createTable('survey_answer_texts')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('response_id', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('sentiment', 'text', (c) => c.notNull())
        .addColumn('sentiment_score', 'double precision', (c) => c.notNull())
        .addColumn('topics', json, (c) => c.notNull())
        .addColumn('touchpoint_key', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('survey_answer_texts_pk', ['workspace_id', 'response_id', 'question_id'])
        .execute();
      await db.schema
        .createIndex('survey_answer_texts_survey_idx')
        .on('survey_answer_texts')
        .columns(['workspace_id', 'survey_id', 'completed_at'])
        .execute();

      await db.schema
        .createTable('survey_rollups')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('sum', 'double precision', (c) => c.notNull())
        .addColumn('sum_sq', 'double precision', (c) => c.notNull())
        .addColumn('c_low', 'bigint', (c) => c.notNull())
        .addColumn('c_mid', 'bigint', (c) => c.notNull())
        .addColumn('c_high', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('survey_rollups_pk', [
          'workspace_id',
          'survey_id',
          'question_id',
          'day',
          'touchpoint_key',
          'channel',
        ])
        .execute();
      // perceptionByTouchpoint reads the primary score of every survey by day.
      await db.schema
        .createIndex('survey_rollups_question_day_idx')
        .on('survey_rollups')
        .columns(['workspace_id', 'question_id', 'day'])
        .execute();

      await db.schema
        .createTable('survey_contacts')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('survey_id', 'text', (c) => c.notNull())
        .addColumn('shown_count', 'integer', (c) => c.notNull())
        .addColumn('last_shown_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addPrimaryKeyConstraint('survey_contacts_pk', ['workspace_id', 'profile_id', 'survey_id'])
        .execute();

      await db.schema
        .createTable('survey_settings')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('survey_settings_pk', ['workspace_id'])
        .execute();
    },
  };
}

import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/**
 * Service cases (settings, cases, their timeline, sources, teams, rules, follow-up ratings) and notifications
 * (webhook endpoints, deliveries, e-mail log).
 */
export function cases(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('case_settings')
        .addColumn('workspace_id', 'text', (c) =>
          c.primaryKey().references('workspaces.id').onDelete('cascade'),
        )
        .addColumn('taxonomy', json)
        .addColumn('calendar', json)
        .addColumn('settings', json)
        .addColumn('next_number', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('cases')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text')
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('subcategory', 'text')
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('sentiment_label', 'text')
        .addColumn('sentiment_score', 'double precision')
        .addColumn('topics', json, (c) => c.notNull())
        .addColumn('urgent', 'integer', (c) => c.notNull())
        .addColumn('urgency_reasons', json, (c) => c.notNull())
        .addColumn('assignee_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('tags', json, (c) => c.notNull())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('parent_case_id', 'text')
        .addColumn('duplicate_count', 'integer', (c) => c.notNull())
        .addColumn('reopen_count', 'integer', (c) => c.notNull())
        .addColumn('agent_replies', 'integer', (c) => c.notNull())
        .addColumn('sla_policy_id', 'text')
        .addColumn('fr_status', 'text')
        .addColumn('fr_due_at', 'bigint')
        .addColumn('fr_remaining_ms', 'bigint')
        .addColumn('fr_at', 'bigint')
        .addColumn('res_status', 'text')
        .addColumn('res_due_at', 'bigint')
        .addColumn('res_remaining_ms', 'bigint')
        .addColumn('res_breached_at', 'bigint')
        .addColumn('sla_state', 'text')
        .addColumn('sla_due_at', 'bigint')
        .addColumn('due_sort', 'bigint', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull())
        .addColumn('next_check_at', 'bigint')
        .addColumn('escalations', 'text', (c) => c.notNull())
        .addColumn('resolution', json)
        .addColumn('follow_up_score', 'double precision')
        .addColumn('follow_up_metric', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('first_resolved_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addPrimaryKeyConstraint('cases_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('cases_number_unique', ['workspace_id', 'number'])
        .execute();
      // Queues (my cases, team, unassigned, everything active) walk these in SLA-due order.
      for (const [name, columns] of [
        ['cases_assignee_idx', ['workspace_id', 'assignee_id', 'is_active', 'due_sort', 'id']],
        ['cases_team_idx', ['workspace_id', 'team_id', 'is_active', 'due_sort', 'id']],
        ['cases_status_idx', ['workspace_id', 'status', 'due_sort', 'id']],
        ['cases_resolved_idx', ['workspace_id', 'first_resolved_at']],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('cases')
          .columns([...columns])
          .execute();
      }
      // Every active case in SLA-due order; covering for text search, which then never visits the table rows.
      await db.schema
        .createIndex('cases_active_idx')
        .on('cases')
        .columns(['workspace_id', 'is_active', 'due_sort', 'id', 'search_text'])
        .where(sql.ref('is_active'), '=', 1)
        .execute();
      await db.schema
        .createIndex('cases_profile_idx')
        .on('cases')
        .columns(['workspace_id', 'profile_id', 'category', 'created_at'])
        .execute();
      await db.schema
        .createIndex('cases_check_idx')
        .on('cases')
        .columns(['workspace_id', 'next_check_at'])
        .execute();
      await db.schema
        .createIndex('cases_created_idx')
        .on('cases')
        .columns(['workspace_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('case_entries')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('direction', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('body', 'text')
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_entries_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('case_entries_case_idx')
        .on('case_entries')
        .columns(['workspace_id', 'case_id', 'id'])
        .execute();

      await db.schema
        .createTable('case_sources')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('source_ref', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('linked', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_sources_pk', ['workspace_id', 'source_ref'])
        .execute();

      await db.schema
        .createTable('case_teams')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('supervisor_id', 'text')
        .addColumn('rr_last_user_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_teams_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('case_team_members')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('available', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_team_members_pk', ['workspace_id', 'team_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('case_rules')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('conditions', json, (c) => c.notNull())
        .addColumn('config', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_rules_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('case_rules_kind_idx')
        .on('case_rules')
        .columns(['workspace_id', 'kind', 'position'])
        .execute();

      await db.schema
        .createTable('case_ratings')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('response_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision')
        .addColumn('metric', 'text')
        .addColumn('low', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_ratings_pk', ['workspace_id', 'response_id'])
        .execute();
      await db.schema
        .createIndex('case_ratings_case_idx')
        .on('case_ratings')
        .columns(['workspace_id', 'case_id'])
        .execute();

      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events', json, (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_endpoints_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addPrimaryKeyConstraint('webhook_deliveries_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_endpoint_idx')
        .on('webhook_deliveries')
        .columns(['workspace_id', 'endpoint_id', 'id'])
        .execute();

      await db.schema
        .createTable('email_log')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('email_log_pk', ['workspace_id', 'id'])
        .execute();
    },
  };
}

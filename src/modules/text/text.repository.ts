import type { Db } from '../../platform/db/index.js';
import type { TextCorrectionsTable, TextKeywordsTable, TextTopicsTable } from './text.tables.js';

/** Kysely queries of the text module; every one is scoped by workspace. */

export async function listTopicRows(db: Db, workspaceId: string): Promise<TextTopicsTable[]> {
  return db
    .selectFrom('text_topics')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('key')
    .execute();
}

export async function findTopicRow(
  db: Db,
  workspaceId: string,
  key: string,
): Promise<TextTopicsTable | undefined> {
  return db
    .selectFrom('text_topics')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function insertTopicRow(db: Db, row: TextTopicsTable): Promise<void> {
  await db.insertInto('text_topics').values(row).execute();
}

export async function renameTopicRow(
  db: Db,
  workspaceId: string,
  key: string,
  names: { name_zh: string; name_en: string },
): Promise<void> {
  await db
    .updateTable('text_topics')
    .set({ ...names, updated_at: Date.now() })
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', key)
    .execute();
}

/** Every keyword of a workspace (small: people type them one by one), for compiling its taxonomy. */
export async function allKeywordRows(db: Db, workspaceId: string): Promise<TextKeywordsTable[]> {
  return db
    .selectFrom('text_keywords')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

/** One page of keywords, newest first, optionally of one topic. */
export async function listKeywordRows(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
  topic?: string,
): Promise<TextKeywordsTable[]> {
  let q = db
    .selectFrom('text_keywords')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  if (topic) q = q.where('topic_key', '=', topic);
  return q.execute();
}

export async function findKeywordRow(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<TextKeywordsTable | undefined> {
  return db
    .selectFrom('text_keywords')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findSameKeywordRow(
  db: Db,
  workspaceId: string,
  topic: string,
  language: string,
  keyword: string,
): Promise<TextKeywordsTable | undefined> {
  return db
    .selectFrom('text_keywords')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('topic_key', '=', topic)
    .where('language', '=', language)
    .where('keyword', '=', keyword)
    .executeTakeFirst();
}

export async function insertKeywordRow(db: Db, row: TextKeywordsTable): Promise<void> {
  await db.insertInto('text_keywords').values(row).execute();
}

export async function deleteKeywordRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('text_keywords').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Corrections of the given text hashes (at most one per hash). */
export async function correctionRowsByHash(
  db: Db,
  workspaceId: string,
  hashes: readonly string[],
): Promise<TextCorrectionsTable[]> {
  if (hashes.length === 0) return [];
  return db
    .selectFrom('text_corrections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('text_hash', 'in', [...new Set(hashes)])
    .execute();
}

/** One page of corrections, newest first. */
export async function listCorrectionRows(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
): Promise<TextCorrectionsTable[]> {
  let q = db
    .selectFrom('text_corrections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  return q.execute();
}

export async function findCorrectionRow(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<TextCorrectionsTable | undefined> {
  return db
    .selectFrom('text_corrections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertCorrectionRow(db: Db, row: TextCorrectionsTable): Promise<void> {
  await db.insertInto('text_corrections').values(row).execute();
}

export async function updateCorrectionRow(
  db: Db,
  workspaceId: string,
  id: string,
  values: Pick<TextCorrectionsTable, 'label' | 'topics' | 'text' | 'updated_at'>,
): Promise<void> {
  await db
    .updateTable('text_corrections')
    .set(values)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function deleteCorrectionRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db
    .deleteFrom('text_corrections')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

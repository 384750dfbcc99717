/**
 * Use cases of the text module that involve a workspace: analysis with the workspace's vocabulary and corrections,
 * and managing that vocabulary and those corrections (every change audited in its own transaction).
 */
import {
  fromJson,
  inTransaction,
  isUniqueViolation,
  newId,
  toJson,
  type Db,
} from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import {
  analyze,
  correctionHash,
  cutText,
  type Analysis,
  type CorrectionOverride,
  type Vocabulary,
} from './text.analyze.js';
import { correctionNotFound, invalidField, keywordNotFound } from './text.errors.js';
import { normalizeText, type Language } from './text.features.js';
import * as repo from './text.repository.js';
import type { SentimentLabel } from './text.sentiment.js';
import type { TextCorrectionsTable, TextKeywordsTable } from './text.tables.js';
import {
  compileTaxonomy,
  DEFAULT_TAXONOMY,
  isMatchableKeyword,
  type CustomTopic,
  type TopicName,
  type VocabularyKeyword,
} from './text.taxonomy.js';

export type KeywordLanguage = 'zh' | 'en' | 'any';

async function workspaceTopics(db: Db, workspaceId: string): Promise<CustomTopic[]> {
  return (await repo.listTopicRows(db, workspaceId)).map((r) => ({
    key: r.key,
    name: { 'zh-CN': r.name_zh, en: r.name_en },
  }));
}

function toVocabularyKeyword(row: TextKeywordsTable): VocabularyKeyword {
  return { topic: row.topic_key, keyword: row.keyword, language: row.language as KeywordLanguage };
}

/**
 * The workspace's vocabulary for a set of texts: its taxonomy (defaults + own topics and keywords) and the
 * corrections of exactly those texts (found by keyed hash, so a batch costs one query, not one per text).
 */
export async function loadVocabulary(
  db: Db,
  workspaceId: string,
  texts: readonly string[],
): Promise<Vocabulary> {
  const [topics, keywords] = await Promise.all([
    workspaceTopics(db, workspaceId),
    repo.allKeywordRows(db, workspaceId),
  ]);
  const hashes = texts.map((t) => correctionHash(workspaceId, t));
  const rows = await repo.correctionRowsByHash(db, workspaceId, hashes);
  const byHash = new Map<string, CorrectionOverride>(
    rows.map((r) => [
      r.text_hash,
      {
        label: r.label as SentimentLabel | null,
        topics: r.topics === null ? null : fromJson<string[]>(r.topics),
      },
    ]),
  );
  return {
    taxonomy: compileTaxonomy({ topics, keywords: keywords.map(toVocabularyKeyword) }),
    corrections: { key: workspaceId, byHash },
  };
}

/** Analyses texts with the workspace's keywords, topics and corrections. */
export async function analyzeForWorkspace(
  db: Db,
  workspaceId: string,
  texts: readonly string[],
  language?: Language,
): Promise<Analysis[]> {
  const vocabulary = await loadVocabulary(db, workspaceId, texts);
  return texts.map((t) => analyze(t, language, vocabulary));
}

export interface EffectiveTopic {
  key: string;
  name: TopicName;
  custom: boolean;
  keywords: { zh: string[]; en: string[] };
}

/** The workspace's whole taxonomy: default topics and its own, each with default and added keywords. */
export async function effectiveTaxonomy(db: Db, workspaceId: string): Promise<EffectiveTopic[]> {
  const [custom, keywordRows] = await Promise.all([
    workspaceTopics(db, workspaceId),
    repo.allKeywordRows(db, workspaceId),
  ]);
  const topics: EffectiveTopic[] = DEFAULT_TAXONOMY.map((t) => ({
    key: t.key,
    name: t.name,
    custom: false,
    keywords: { zh: [...t.keywords.zh], en: [...t.keywords.en] },
  }));
  for (const c of custom)
    topics.push({ key: c.key, name: c.name, custom: true, keywords: { zh: [], en: [] } });
  const byKey = new Map(topics.map((t) => [t.key, t]));
  for (const k of keywordRows) {
    const t = byKey.get(k.topic_key);
    if (!t) continue;
    if (k.language !== 'en') t.keywords.zh.push(k.keyword);
    if (k.language !== 'zh') t.keywords.en.push(k.keyword);
  }
  return topics;
}

/** Retries a use case once when a concurrent writer inserted the same unique row between our read and write. */
async function onceMoreOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) return fn();
    throw err;
  }
}

export interface AddKeywordInput {
  topic: string;
  keyword: string;
  language?: KeywordLanguage;
  /** Names of a new custom topic (required when `topic` is neither a default nor an existing custom topic). */
  topicName?: TopicName;
}

/**
 * Adds a keyword to a topic, creating the workspace's custom topic first when it is new. Adding the same keyword
 * again returns the existing one (`created: false`), so clients can retry safely.
 */
export async function addKeyword(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: AddKeywordInput,
): Promise<{ keyword: TextKeywordsTable; created: boolean }> {
  const keyword = normalizeText(input.keyword);
  // "*", "?" or punctuation alone would match nothing (or everything).
  if (!isMatchableKeyword(keyword)) throw invalidField('keyword', 'has no letters to match');
  const language = input.language ?? 'any';
  const isDefault = DEFAULT_TAXONOMY.some((t) => t.key === input.topic);
  if (isDefault && input.topicName) throw invalidField('topicName', 'cannot rename a default topic');

  return onceMoreOnConflict(() =>
    inTransaction(db, async (trx) => {
      if (!isDefault) {
        const topic = await repo.findTopicRow(trx, workspaceId, input.topic);
        const name = input.topicName;
        if (!topic) {
          if (!name) throw invalidField('topicName', 'is required for a new topic');
          const now = Date.now();
          await repo.insertTopicRow(trx, {
            workspace_id: workspaceId,
            key: input.topic,
            name_zh: name['zh-CN'].trim(),
            name_en: name.en.trim(),
            created_by: ctx.actor.id,
            created_at: now,
            updated_at: now,
          });
          await recordAudit(trx, ctx, {
            workspaceId,
            action: 'text_topic.created',
            targetType: 'text_topic',
            targetId: input.topic,
            details: { name },
          });
        } else if (name && (name['zh-CN'].trim() !== topic.name_zh || name.en.trim() !== topic.name_en)) {
          await repo.renameTopicRow(trx, workspaceId, input.topic, {
            name_zh: name['zh-CN'].trim(),
            name_en: name.en.trim(),
          });
          await recordAudit(trx, ctx, {
            workspaceId,
            action: 'text_topic.renamed',
            targetType: 'text_topic',
            targetId: input.topic,
            details: { from: { 'zh-CN': topic.name_zh, en: topic.name_en }, to: name },
          });
        }
      }
      const existing = await repo.findSameKeywordRow(trx, workspaceId, input.topic, language, keyword);
      if (existing) return { keyword: existing, created: false };
      const row: TextKeywordsTable = {
        workspace_id: workspaceId,
        id: newId('tkw'),
        topic_key: input.topic,
        language,
        keyword,
        created_by: ctx.actor.id,
        created_at: Date.now(),
      };
      await repo.insertKeywordRow(trx, row);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'text_keyword.created',
        targetType: 'text_keyword',
        targetId: row.id,
        details: { topic: row.topic_key, keyword: row.keyword, language: row.language },
      });
      return { keyword: row, created: true };
    }),
  );
}

/** Removes a keyword the workspace added (default keywords cannot be removed). 404 for another workspace's. */
export async function removeKeyword(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await repo.findKeywordRow(trx, workspaceId, id);
    if (!row) throw keywordNotFound(id);
    await repo.deleteKeywordRow(trx, workspaceId, id);
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'text_keyword.deleted',
      targetType: 'text_keyword',
      targetId: id,
      details: { topic: row.topic_key, keyword: row.keyword, language: row.language },
    });
  });
}

export async function listKeywords(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
  topic?: string,
): Promise<TextKeywordsTable[]> {
  return repo.listKeywordRows(db, workspaceId, limit, after, topic);
}

export interface CorrectInput {
  text: string;
  label?: SentimentLabel;
  topics?: string[];
}

/**
 * Records how a text should have been analysed. The correction is keyed by the normalised text, so it also applies
 * to the same text arriving again (different case, width or spacing); correcting a text twice updates the one
 * correction (`created: false`).
 */
export async function correctText(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: CorrectInput,
): Promise<{ correction: TextCorrectionsTable; created: boolean }> {
  if (input.label === undefined && input.topics === undefined)
    throw invalidField('label', 'or topics is required');
  if (!normalizeText(input.text)) throw invalidField('text', 'has nothing to analyse');
  const topics = input.topics === undefined ? null : [...new Set(input.topics)];
  if (topics) {
    const known = new Set([
      ...DEFAULT_TAXONOMY.map((t) => t.key),
      ...(await workspaceTopics(db, workspaceId)).map((t) => t.key),
    ]);
    const unknown = topics.filter((t) => !known.has(t));
    if (unknown.length) throw invalidField('topics', `has unknown topics: ${unknown.join(', ')}`);
  }
  const text = cutText(input.text);
  const hash = correctionHash(workspaceId, input.text);
  const label = input.label ?? null;
  const topicsJson = topics === null ? null : toJson(topics);
  // The audit keeps what was decided and a fingerprint of the text, not the text: feedback may hold personal data.
  const details = { label, topics, textHash: hash.slice(0, 16), length: input.text.length };

  return onceMoreOnConflict(() =>
    inTransaction(db, async (trx) => {
      const [existing] = await repo.correctionRowsByHash(trx, workspaceId, [hash]);
      const now = Date.now();
      if (existing) {
        await repo.updateCorrectionRow(trx, workspaceId, existing.id, {
          label,
          topics: topicsJson,
          text,
          updated_at: now,
        });
        await recordAudit(trx, ctx, {
          workspaceId,
          action: 'text_correction.updated',
          targetType: 'text_correction',
          targetId: existing.id,
          details: {
            ...details,
            previous: { label: existing.label, topics: fromJson<string[] | null>(existing.topics) },
          },
        });
        return {
          correction: { ...existing, label, topics: topicsJson, text, updated_at: now },
          created: false,
        };
      }
      const row: TextCorrectionsTable = {
        workspace_id: workspaceId,
        id: newId('tcr'),
        text_hash: hash,
        text,
        label,
        topics: topicsJson,
        created_by: ctx.actor.id,
        created_at: now,
        updated_at: now,
      };
      await repo.insertCorrectionRow(trx, row);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'text_correction.created',
        targetType: 'text_correction',
        targetId: row.id,
        details,
      });
      return { correction: row, created: true };
    }),
  );
}

/** Removes a correction: the model decides for that text again. 404 for another workspace's. */
export async function removeCorrection(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await repo.findCorrectionRow(trx, workspaceId, id);
    if (!row) throw correctionNotFound(id);
    await repo.deleteCorrectionRow(trx, workspaceId, id);
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'text_correction.deleted',
      targetType: 'text_correction',
      targetId: id,
      details: { label: row.label, textHash: row.text_hash.slice(0, 16) },
    });
  });
}

export async function listCorrections(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
): Promise<TextCorrectionsTable[]> {
  return repo.listCorrectionRows(db, workspaceId, limit, after);
}

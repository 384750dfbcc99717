import { fromJson } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import { dependsOnTime, type SegmentCondition } from './segment.rules.js';
import type { SegmentsTable } from './segments.tables.js';

export function presentSegment(s: SegmentsTable) {
  const condition = fromJson<SegmentCondition>(s.condition);
  const total = Number(s.refresh_total);
  const processed = Number(s.refresh_processed);
  return {
    id: s.id,
    key: s.key,
    name: { 'zh-CN': s.name_zh, en: s.name_en },
    description: { 'zh-CN': s.description_zh, en: s.description_en },
    condition,
    status: s.status,
    memberCount: Number(s.member_count),
    version: s.version,
    timeDependent: dependsOnTime(condition),
    refresh: {
      status: s.refresh_status,
      processed,
      total,
      progress: s.refresh_status === 'idle' ? 1 : total ? Math.min(1, processed / total) : 0,
      error: s.refresh_error,
      refreshedAt: s.refreshed_at === null ? null : toIso(s.refreshed_at),
    },
    createdAt: toIso(s.created_at),
    updatedAt: toIso(s.updated_at),
  };
}

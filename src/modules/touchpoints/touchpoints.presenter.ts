import type { Static } from '@sinclair/typebox';
import { fromJson } from '../../platform/db/index.js';
import { toIso } from '../../platform/http/index.js';
import type { MatchRule } from './touchpoint.rules.js';
import type { JourneyView, TouchpointView } from './touchpoints.schema.js';
import type { JourneysTable, TouchpointsTable } from './touchpoints.tables.js';

export function presentTouchpoint(t: TouchpointsTable, journeys: string[]): Static<typeof TouchpointView> {
  return {
    id: t.id,
    key: t.key,
    name: { 'zh-CN': t.name_zh, en: t.name_en },
    description: { 'zh-CN': t.description_zh, en: t.description_en },
    coreNeed: { 'zh-CN': t.core_need_zh, en: t.core_need_en },
    stage: t.stage,
    phase: t.phase,
    channels: fromJson<string[]>(t.channels),
    ownerTeam: t.owner_team,
    targetScore: t.target_score === null ? null : Number(t.target_score),
    targetConversion: t.target_conversion === null ? null : Number(t.target_conversion),
    rule: fromJson<MatchRule>(t.rule),
    priority: t.priority,
    active: Boolean(t.active),
    journeys,
    createdAt: toIso(t.created_at),
    updatedAt: toIso(t.updated_at),
  };
}

export function presentJourney(j: JourneysTable): Static<typeof JourneyView> {
  return {
    id: j.id,
    key: j.key,
    name: { 'zh-CN': j.name_zh, en: j.name_en },
    description: { 'zh-CN': j.description_zh, en: j.description_en },
    steps: fromJson<string[]>(j.steps),
    conversionWindowDays: j.conversion_window_days,
    template: j.template,
    createdAt: toIso(j.created_at),
    updatedAt: toIso(j.updated_at),
  };
}

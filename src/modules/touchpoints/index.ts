import './touchpoints.tables.js';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import type { EventBus } from '../../platform/events/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import { systemActor } from '../audit/index.js';
import { TIME_ZONE_CHANGED } from '../workspaces/index.js';
import type { EventTouchpoints, RecordedEventsHook } from '../profiles/index.js';
import { Catalogue } from './catalogue.service.js';
import { TouchpointMapper } from './touchpoint.mapping.js';
import { REMAP_JOB, remapJobHandler, startRemap } from './touchpoint.remap.js';
import { touchpointRoutes } from './touchpoints.routes.js';
import { touchpointHealth, touchpointHeatmap, type PerceptionSource } from './touchpoint.health.js';
import { funnel } from './journey.funnel.js';
import { paths } from './journey.paths.js';

export { JOURNEY_TEMPLATES, type JourneyTemplate } from './journey.templates.js';
export { validateRule, compileRule, type MatchRule, type Condition } from './touchpoint.rules.js';
export type { PerceptionSource, PerceptionRow } from './touchpoint.health.js';

/** Which touchpoint events map to, for the customer timeline (stored on the event's row when it is recorded). */
const eventTouchpoints: EventTouchpoints = {
  async of(db, workspaceId, eventIds) {
    if (eventIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('events')
      .select(['id', 'touchpoint_key'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', eventIds)
      .where('touchpoint_key', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.id, r.touchpoint_key as string]));
  },
  filter: (_workspaceId, eventIdColumn, key) => {
    // The same row's touchpoint column: `events.id` → `events.touchpoint_key`.
    const table = eventIdColumn.slice(0, eventIdColumn.lastIndexOf('.') + 1);
    return sql<boolean>`${sql.ref(`${table}touchpoint_key`)} = ${key}`;
  },
};

/**
 * The touchpoints module as the app composes it: the ingestion hook that maps events to touchpoints, the routes,
 * and the re-mapping job.
 */
export function touchpointsModule(
  db: Db,
  options: { perception?: PerceptionSource; events?: EventBus } = {},
) {
  const mapper = new TouchpointMapper();
  const catalogue = new Catalogue(db, mapper);
  // The rollups count by local day: a new time zone rebuilds them from the events, as a re-mapping with progress.
  options.events?.subscribe(TIME_ZONE_CHANGED, 'touchpoints.time-zone-changed', async (e) => {
    mapper.invalidate(e.workspaceId);
    await startRemap(db, systemActor('time-zone-change'), e.workspaceId);
  });
  return {
    catalogue,
    hook: mapper.hook satisfies RecordedEventsHook,
    eventTouchpoints,
    routes: touchpointRoutes({ db, catalogue, perception: options.perception }),
    /** The journey analytics the routes serve, for in-process callers (dashboards, benchmarks). */
    analytics: {
      health: (workspaceId: string, query: Parameters<typeof touchpointHealth>[2]) =>
        touchpointHealth(db, workspaceId, query, options.perception),
      heatmap: (workspaceId: string, query: Parameters<typeof touchpointHeatmap>[2]) =>
        touchpointHeatmap(db, workspaceId, query, options.perception),
      funnel: (
        workspaceId: string,
        input: Parameters<typeof funnel>[2],
        options?: Parameters<typeof funnel>[3],
      ) => funnel(db, workspaceId, input, options),
      paths: (workspaceId: string, query: Parameters<typeof paths>[2]) => paths(db, workspaceId, query),
    },
    jobs: { [REMAP_JOB]: remapJobHandler(db, mapper) } satisfies Record<string, JobHandler>,
  };
}

export type { Catalogue };

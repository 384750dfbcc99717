import type { Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import { DAY, localRange } from './analytics.range.js';
import type { PathsQuery, PathsResponse } from './touchpoints.schema.js';

/** Customers followed per request: enough for stable shares, bounded so the query stays fast at any volume. */
export const PATH_SAMPLE = 20_000;
const END = '(end)';
const START = '(start)';
const TOP_PATHS = 20;

/**
 * The most frequent touchpoint sequences after (or before) a touchpoint, as Sankey data. Each customer's first
 * arrival at the touchpoint in the period anchors their path; repeats of the same touchpoint in a row collapse into
 * one step; a path shorter than `depth` ends in an "(end)" (or "(start)") node, so drop-off is visible.
 */
export async function paths(
  db: Db,
  workspaceId: string,
  query: Static<typeof PathsQuery>,
): Promise<Static<typeof PathsResponse>> {
  const range = await localRange(db, workspaceId, query.from, query.to);
  const depth = query.depth ?? 3;
  const windowMs = (query.windowDays ?? 30) * DAY;
  const after = (query.direction ?? 'after') === 'after';

  const anchors = sql`select profile_id as p, min(timestamp) as t from events where workspace_id = ${workspaceId} and touchpoint_key = ${query.touchpoint} and timestamp >= ${range.start} and timestamp < ${range.end} group by profile_id order by profile_id limit ${PATH_SAMPLE}`;
  const total = await sql<{
    n: number | string;
  }>`select count(distinct profile_id) as n from events where workspace_id = ${workspaceId} and touchpoint_key = ${query.touchpoint} and timestamp >= ${range.start} and timestamp < ${range.end}`.execute(
    db,
  );
  const customers = Number(total.rows[0]?.n ?? 0);
  const window = after
    ? sql`x.timestamp > a.t and x.timestamp <= a.t + ${windowMs}`
    : sql`x.timestamp < a.t and x.timestamp >= a.t - ${windowMs}`;
  const { rows } = await sql<{
    p: string;
    k: string;
  }>`with a as (${anchors}) select a.p as p, x.touchpoint_key as k from a join events x on x.workspace_id = ${workspaceId} and x.profile_id = a.p and x.touchpoint_key is not null and ${window} order by a.p, x.timestamp ${after ? sql`asc` : sql`desc`}, x.id ${after ? sql`asc` : sql`desc`}`.execute(
    db,
  );
  const anchorCount = await sql<{ n: number | string }>`select count(*) as n from (${anchors}) a`.execute(db);
  const followed = Number(anchorCount.rows[0]?.n ?? 0);

  const sequences = new Map<string, string[]>();
  for (const r of rows) {
    const seq = sequences.get(r.p) ?? [];
    if (seq.length < depth && seq[seq.length - 1] !== r.k && !(seq.length === 0 && r.k === query.touchpoint))
      seq.push(r.k);
    sequences.set(r.p, seq);
  }
  const links = new Map<string, number>();
  const nodes = new Map<string, { id: string; step: number; touchpoint: string }>();
  const node = (step: number, touchpoint: string) => {
    const id = `${step}:${touchpoint}`;
    if (!nodes.has(id)) nodes.set(id, { id, step, touchpoint });
    return id;
  };
  const topPaths = new Map<string, number>();
  const origin = node(0, query.touchpoint);
  // Anchored customers with nothing in the window have no rows: their path is the touchpoint, then the end.
  const silent = Array.from({ length: Math.max(0, followed - sequences.size) }, (): string[] => []);
  for (const seq of [...sequences.values(), ...silent]) {
    let from = origin;
    const full = seq.length < depth ? [...seq, after ? END : START] : seq;
    full.forEach((k, i) => {
      const to = node(i + 1, k);
      links.set(`${from}\u0000${to}`, (links.get(`${from}\u0000${to}`) ?? 0) + 1);
      from = to;
    });
    const key = [query.touchpoint, ...full].join('\u0000');
    topPaths.set(key, (topPaths.get(key) ?? 0) + 1);
  }
  return {
    customers,
    sampled: customers > followed,
    nodes: [...nodes.values()],
    links: [...links.entries()].map(([k, value]) => {
      const [source, target] = k.split('\u0000') as [string, string];
      return { source, target, value };
    }),
    topPaths: [...topPaths.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_PATHS)
      .map(([k, n]) => ({ path: after ? k.split('\u0000') : k.split('\u0000').reverse(), customers: n })),
  };
}

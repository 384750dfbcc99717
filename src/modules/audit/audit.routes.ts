import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromJson, type Db } from '../../platform/db/index.js';
import { AppError, decodeCursor, toIso, toPage, workspaceIdOf } from '../../platform/http/index.js';
import { AuditPage, AuditQuery } from './audit.schema.js';
import type { AuditLogTable } from './audit.tables.js';

function present(row: AuditLogTable) {
  return {
    id: row.id,
    seq: row.seq,
    createdAt: toIso(row.created_at),
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    requestId: row.request_id,
    ip: row.ip,
    details: fromJson<Record<string, unknown>>(row.details),
  };
}

/** `GET /audit`: the workspace's audit trail, newest first, filterable. */
export function auditRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'List audit entries (newest first)',
          querystring: AuditQuery,
          response: { 200: AuditPage },
        },
        config: { auth: 'workspace', permission: 'audit.read' },
      },
      async (request) => {
        const q = request.query;
        const limit = q.limit ?? 50;
        const after = decodeCursor(q.cursor);
        const afterSeq = after === undefined ? undefined : Number(after);
        if (afterSeq !== undefined && !Number.isSafeInteger(afterSeq))
          throw new AppError('INVALID_CURSOR', 400, 'error.invalid_cursor');
        const from = q.from ? Date.parse(q.from) : undefined;
        const to = q.to ? Date.parse(q.to) : undefined;
        if (from !== undefined && to !== undefined && from >= to) {
          throw new AppError('AUDIT_FILTER_INVALID', 400, 'error.audit_filter_invalid', {
            reason: 'from must be before to',
          });
        }
        let query = db
          .selectFrom('audit_log')
          .selectAll()
          .where('workspace_id', '=', workspaceIdOf(request))
          .orderBy('seq', 'desc')
          .limit(limit + 1);
        if (afterSeq !== undefined) query = query.where('seq', '<', afterSeq);
        if (q.action) query = query.where('action', '=', q.action);
        if (q.actorType) query = query.where('actor_type', '=', q.actorType);
        if (q.actorId) query = query.where('actor_id', '=', q.actorId);
        if (q.targetType) query = query.where('target_type', '=', q.targetType);
        if (q.targetId) query = query.where('target_id', '=', q.targetId);
        if (q.requestId) query = query.where('request_id', '=', q.requestId);
        if (from !== undefined) query = query.where('created_at', '>=', from);
        if (to !== undefined) query = query.where('created_at', '<', to);
        return toPage(await query.execute(), limit, present, (r) => String(r.seq));
      },
    );
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../platform/db/index.js';
import { workspaceIdOf } from '../../platform/http/index.js';
import { actorFromRequest } from '../audit/index.js';
import {
  CalendarBody,
  CalendarView,
  DueQuery,
  IdParam,
  KindIdParam,
  KindParam,
  RuleBody,
  RecheckView,
  RuleView,
  SettingsBody,
  SettingsView,
  TaxonomyBody,
  TaxonomyView,
  TeamBody,
  TeamPatch,
  TeamView,
} from './case.schema.js';
import {
  createTeam,
  deleteRule,
  deleteTeam,
  getRule,
  getTeam,
  listRules,
  listTeams,
  loadConfig,
  saveRule,
  setCalendar,
  setTaxonomy,
  updateSettings,
  updateTeam,
  type RuleKind,
  type RuleRow,
  type TeamView as Team,
} from './case.settings.js';
import { listRechecks } from './case.recheck.js';
import { fromJson } from '../../platform/db/index.js';

const tags = ['case settings'];
const read = { auth: 'workspace' as const, permission: 'cases.read' };
const manage = { auth: 'workspace' as const, permission: 'cases.manage' };
const iso = (t: number) => new Date(t).toISOString();

const presentTeam = (t: Team) => ({ ...t, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt) });
const presentRule = (kind: RuleKind, r: RuleRow<unknown>) => ({
  id: r.id,
  kind,
  name: r.name,
  position: r.position,
  enabled: r.enabled,
  match: r.conditions.match,
  conditions: r.conditions.conditions,
  config: r.config as Record<string, unknown>,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** Case configuration: taxonomy, business calendar, settings, teams and the three kinds of rules. */
export function caseSettingsRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/cases/settings/taxonomy',
      {
        schema: {
          tags,
          summary: 'Case categories and sub-categories (bilingual)',
          response: { 200: TaxonomyView },
        },
        config: read,
      },
      async (request) => ({ categories: (await loadConfig(db, workspaceIdOf(request))).taxonomy }),
    );
    app.put(
      '/cases/settings/taxonomy',
      {
        schema: {
          tags,
          summary: "Replace the taxonomy (must keep 'other')",
          body: TaxonomyBody,
          response: { 200: TaxonomyView },
        },
        config: manage,
      },
      async (request) => ({
        categories: await setTaxonomy(
          db,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.body.categories,
        ),
      }),
    );

    app.get(
      '/cases/settings/calendar',
      {
        schema: { tags, summary: 'Business calendar used by SLA targets', response: { 200: CalendarView } },
        config: read,
      },
      async (request) => (await loadConfig(db, workspaceIdOf(request))).calendar,
    );
    app.put(
      '/cases/settings/calendar',
      {
        schema: {
          tags,
          summary:
            'Replace the business calendar (weekly hours, IANA time zone, holidays, make-up working days)',
          body: CalendarBody,
          response: { 200: CalendarView },
        },
        config: manage,
      },
      async (request) => setCalendar(db, actorFromRequest(request), workspaceIdOf(request), request.body),
    );
    app.get(
      '/cases/settings/calendar/due',
      {
        schema: {
          tags,
          summary: 'When a target of N business minutes from an instant falls due on the calendar',
          querystring: DueQuery,
          response: {
            200: Type.Object({ from: Type.String(), minutes: Type.Integer(), dueAt: Type.String() }),
          },
        },
        config: read,
      },
      async (request) => {
        const { compiled } = await loadConfig(db, workspaceIdOf(request));
        const parsed = request.query.from ? Date.parse(request.query.from) : Date.now();
        const from = Number.isFinite(parsed) ? parsed : Date.now();
        return {
          from: iso(from),
          minutes: request.query.minutes,
          dueAt: iso(compiled.addBusinessMs(from, request.query.minutes * 60_000)),
        };
      },
    );

    app.get(
      '/cases/settings/general',
      {
        schema: {
          tags,
          summary: 'Case settings (complaint events, duplicates window, follow-up rules)',
          response: { 200: SettingsView },
        },
        config: read,
      },
      async (request) => (await loadConfig(db, workspaceIdOf(request))).settings,
    );
    app.patch(
      '/cases/settings/general',
      {
        schema: {
          tags,
          summary: 'Change case settings',
          body: SettingsBody,
          response: { 200: SettingsView },
        },
        config: manage,
      },
      async (request) => updateSettings(db, actorFromRequest(request), workspaceIdOf(request), request.body),
    );

    app.get(
      '/cases/teams',
      {
        schema: {
          tags,
          summary: 'Teams with members and per-agent capacity',
          response: { 200: Type.Object({ data: Type.Array(TeamView) }) },
        },
        config: read,
      },
      async (request) => ({ data: (await listTeams(db, workspaceIdOf(request))).map(presentTeam) }),
    );
    app.post(
      '/cases/teams',
      {
        schema: { tags, summary: 'Create a team', body: TeamBody, response: { 201: TeamView } },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            presentTeam(
              await createTeam(db, actorFromRequest(request), workspaceIdOf(request), request.body),
            ),
          ),
    );
    app.get(
      '/cases/teams/:id',
      { schema: { tags, summary: 'One team', params: IdParam, response: { 200: TeamView } }, config: read },
      async (request) => presentTeam(await getTeam(db, workspaceIdOf(request), request.params.id)),
    );
    app.patch(
      '/cases/teams/:id',
      {
        schema: {
          tags,
          summary: 'Change a team (members replace the list)',
          params: IdParam,
          body: TeamPatch,
          response: { 200: TeamView },
        },
        config: manage,
      },
      async (request) =>
        presentTeam(
          await updateTeam(
            db,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.id,
            request.body,
          ),
        ),
    );
    app.delete(
      '/cases/teams/:id',
      {
        schema: {
          tags,
          summary: 'Delete a team no rule uses (its cases keep their assignee)',
          params: IdParam,
        },
        config: manage,
      },
      async (request, reply) => {
        await deleteTeam(db, actorFromRequest(request), workspaceIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/cases/settings/rechecks',
      {
        schema: {
          tags,
          summary:
            'Recomputations of open cases after escalation rules, an SLA policy or the calendar changed (latest first, with progress)',
          response: { 200: Type.Object({ data: Type.Array(RecheckView) }) },
        },
        config: read,
      },
      async (request) => ({
        data: (await listRechecks(db, workspaceIdOf(request))).map((r) => ({
          id: r.id,
          reason: r.reason,
          details: fromJson<Record<string, unknown>>(r.details),
          status: r.status,
          total: Number(r.total),
          processed: Number(r.processed),
          retargeted: Number(r.retargeted),
          moved: Number(r.moved),
          error: r.error,
          requestedAt: iso(Number(r.requested_at)),
          finishedAt: r.finished_at === null ? null : iso(Number(r.finished_at)),
        })),
      }),
    );

    app.get(
      '/cases/rules/:kind',
      {
        schema: {
          tags,
          summary: 'Routing rules, SLA policies or escalation rules, in evaluation order',
          params: KindParam,
          response: { 200: Type.Object({ data: Type.Array(RuleView) }) },
        },
        config: read,
      },
      async (request) => ({
        data: (await listRules(db, workspaceIdOf(request), request.params.kind)).map((r) =>
          presentRule(request.params.kind, r),
        ),
      }),
    );
    app.post(
      '/cases/rules/:kind',
      {
        schema: {
          tags,
          summary: 'Add a rule (validated: conditions, teams, agents)',
          params: KindParam,
          body: RuleBody,
          response: { 201: RuleView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            presentRule(
              request.params.kind,
              await saveRule(
                db,
                actorFromRequest(request),
                workspaceIdOf(request),
                request.params.kind,
                request.body,
              ),
            ),
          ),
    );
    app.get(
      '/cases/rules/:kind/:id',
      {
        schema: { tags, summary: 'One rule', params: KindIdParam, response: { 200: RuleView } },
        config: read,
      },
      async (request) =>
        presentRule(
          request.params.kind,
          await getRule(db, workspaceIdOf(request), request.params.kind, request.params.id),
        ),
    );
    app.put(
      '/cases/rules/:kind/:id',
      {
        schema: {
          tags,
          summary: 'Replace a rule',
          params: KindIdParam,
          body: RuleBody,
          response: { 200: RuleView },
        },
        config: manage,
      },
      async (request) =>
        presentRule(
          request.params.kind,
          await saveRule(
            db,
            actorFromRequest(request),
            workspaceIdOf(request),
            request.params.kind,
            request.body,
            request.params.id,
          ),
        ),
    );
    app.delete(
      '/cases/rules/:kind/:id',
      { schema: { tags, summary: 'Delete a rule', params: KindIdParam }, config: manage },
      async (request, reply) => {
        await deleteRule(
          db,
          actorFromRequest(request),
          workspaceIdOf(request),
          request.params.kind,
          request.params.id,
        );
        return reply.code(204).send();
      },
    );
  };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, PRIORITIES, raisedPriority, STATUSES, TRANSITIONS } from './case.model.js';
import {
  conditionHolds,
  customerFacts,
  matches,
  RuleError,
  triggerTime,
  validateActions,
  validateConditions,
  validateTarget,
  validateTrigger,
  type CaseFacts,
  type RuleContext,
} from './case.rules.js';
import { NO_SLA, pauseSla, resumeSla, summarize, breachesAt, firstResponse, resolveSla } from './case.sla.js';
import { CompiledCalendar, defaultCalendar } from './business-hours.js';

const ctx: RuleContext = {
  categories: new Set(['billing', 'network_quality', 'other']),
  subcategories: new Set(['billing/refund']),
  teams: new Set(['team_a']),
  isAgent: (u) => u === 'usr_agent',
};

const facts = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  category: 'billing',
  subcategory: 'refund',
  priority: 'normal',
  channel: 'app',
  source: 'api',
  touchpointKey: 'complain',
  language: 'zh',
  tags: ['a'],
  urgent: false,
  sentiment: 'negative',
  ...customerFacts({ vip: 'true', value_tier: 'Gold', arpu: 199 }),
  ...over,
});

describe('case state machine', () => {
  it('allows exactly the documented moves, never into new, and reopen only from resolved/closed', () => {
    for (const from of STATUSES)
      for (const to of STATUSES) {
        expect(canTransition(from, to)).toBe(TRANSITIONS[from].includes(to));
        if (to === 'new') expect(canTransition(from, to)).toBe(false);
      }
    expect(canTransition('resolved', 'open')).toBe(true);
    expect(canTransition('closed', 'open')).toBe(true);
    expect(canTransition('closed', 'resolved')).toBe(false);
  });
  it('raises priority one step and never above urgent', () => {
    expect(PRIORITIES.map((p) => raisedPriority(p))).toEqual(['normal', 'high', 'urgent', 'urgent']);
  });
});

describe('conditions', () => {
  it('evaluate category, subcategory, priority, customer value and traits', () => {
    const f = facts();
    expect(conditionHolds({ type: 'category', values: ['billing/refund'] }, f)).toBe(true);
    expect(conditionHolds({ type: 'category', values: ['network_quality'] }, f)).toBe(false);
    expect(conditionHolds({ type: 'priority', atLeast: 'high' }, f)).toBe(false);
    expect(conditionHolds({ type: 'priority', atLeast: 'normal' }, f)).toBe(true);
    expect(conditionHolds({ type: 'vip', value: true }, f)).toBe(true);
    expect(conditionHolds({ type: 'value_tier', values: ['gold'] }, f)).toBe(true);
    expect(conditionHolds({ type: 'trait', name: 'arpu', op: 'gte', value: 150 }, f)).toBe(true);
    expect(conditionHolds({ type: 'trait', name: 'arpu', op: 'lt', value: '150' }, f)).toBe(false);
    expect(conditionHolds({ type: 'trait', name: 'missing', op: 'neq', value: 'x' }, f)).toBe(false);
    expect(conditionHolds({ type: 'language', values: ['zh-CN'] }, f)).toBe(true);
    expect(
      matches(
        {
          match: 'any',
          conditions: [
            { type: 'urgent', value: true },
            { type: 'channel', values: ['app'] },
          ],
        },
        f,
      ),
    ).toBe(true);
    expect(
      matches(
        {
          match: 'all',
          conditions: [
            { type: 'urgent', value: true },
            { type: 'channel', values: ['app'] },
          ],
        },
        f,
      ),
    ).toBe(false);
    expect(matches({ match: 'all', conditions: [] }, f)).toBe(true);
  });

  it('validation names the failing path and the kind of problem', () => {
    const fail = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as RuleError;
      }
      throw new Error('expected a RuleError');
    };
    expect(
      fail(() => validateConditions('', { conditions: [{ type: 'category', values: ['nope'] }] }, ctx)).code,
    ).toBe('unknown_category');
    expect(
      fail(() => validateConditions('', { conditions: [{ type: 'priority', atLeast: 'mega' }] }, ctx)).path,
    ).toBe('.conditions.0.atLeast');
    expect(fail(() => validateTarget('target', { type: 'team', teamId: 'team_x' }, ctx)).code).toBe(
      'unknown_team',
    );
    expect(fail(() => validateTarget('target', { type: 'agent', userId: 'usr_foreign' }, ctx)).code).toBe(
      'unknown_agent',
    );
    expect(fail(() => validateTrigger('trigger', { type: 'idle_for', minutes: 0 })).path).toBe(
      'trigger.minutes',
    );
    expect(
      fail(() =>
        validateActions('actions', [{ type: 'reassign', teamId: 'team_a', userId: 'usr_agent' }], ctx),
      ).path,
    ).toBe('actions.0');
    expect(
      fail(() => validateActions('actions', [{ type: 'notify', emails: ['not-an-email'] }], ctx)).path,
    ).toBe('actions.0.emails');
    expect(validateActions('actions', [{ type: 'reassign', toSupervisor: true }], ctx)).toEqual([
      { type: 'reassign', toSupervisor: true },
    ]);
  });

  it('validators accept or reject arbitrary JSON with a RuleError, never anything else, and what they accept evaluates', () => {
    const conditionArb = fc.oneof(
      fc.record({
        type: fc.constantFrom(
          'category',
          'channel',
          'tag',
          'language',
          'value_tier',
          'source',
          'touchpoint',
          'sentiment',
        ),
        values: fc.array(
          fc.oneof(
            fc.constantFrom('billing', 'network_quality', 'billing/refund', 'api', 'app'),
            fc.string(),
          ),
          { maxLength: 3 },
        ),
      }),
      fc.record({ type: fc.constant('priority'), atLeast: fc.constantFrom(...PRIORITIES, 'x') }),
      fc.record({ type: fc.constantFrom('vip', 'urgent'), value: fc.oneof(fc.boolean(), fc.string()) }),
      fc.record({
        type: fc.constant('trait'),
        name: fc.string(),
        op: fc.constantFrom('eq', 'gt', 'lte', 'bad'),
        value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.record({
          match: fc.oneof(fc.constantFrom('all', 'any'), fc.anything()),
          conditions: fc.array(conditionArb, { maxLength: 4 }),
        }),
        (input) => {
          let set;
          try {
            set = validateConditions('', input, ctx);
          } catch (err) {
            expect(err).toBeInstanceOf(RuleError);
            return;
          }
          expect(typeof matches(set, facts())).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (trigger, actions) => {
        for (const fn of [() => validateTrigger('t', trigger), () => validateActions('a', actions, ctx)]) {
          try {
            fn();
          } catch (err) {
            expect(err).toBeInstanceOf(RuleError);
          }
        }
      }),
    );
  });
});

describe('SLA columns', () => {
  const cal = new CompiledCalendar(defaultCalendar('Asia/Shanghai'));
  const monday9 = Date.parse('2026-11-23T09:00:00+08:00');
  const base = {
    ...NO_SLA,
    sla_policy_id: 'p',
    fr_status: 'active',
    fr_due_at: cal.addBusinessMs(monday9, 60 * 60_000),
    res_status: 'active',
    res_due_at: cal.addBusinessMs(monday9, 8 * 60 * 60_000),
  };

  it('pausing and resuming preserves the business time left, whatever the pause length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 * 60 }),
        fc.integer({ min: 0, max: 14 * 24 * 60 }),
        (workedMin, pauseMin) => {
          const pauseAt = cal.addBusinessMs(monday9, Math.min(workedMin, 59) * 60_000);
          const paused = { ...base, ...pauseSla(base, cal, pauseAt) };
          expect(paused.fr_status).toBe('paused');
          expect(summarize({ ...paused, status: 'pending_customer' })).toMatchObject({
            sla_state: 'paused',
            sla_due_at: null,
          });
          const resumeAt = pauseAt + pauseMin * 60_000;
          const resumed = { ...paused, ...resumeSla(paused, cal, resumeAt) };
          expect(cal.businessMsBetween(resumeAt, resumed.fr_due_at as number)).toBe(
            cal.businessMsBetween(pauseAt, base.fr_due_at),
          );
          expect(resumed.fr_due_at).toBeGreaterThanOrEqual(base.fr_due_at);
        },
      ),
    );
  });

  it('breaches only running targets that are due, and the summary reports the worst state', () => {
    const at = (base.fr_due_at as number) + 1;
    const { changes, targets } = breachesAt(base, at);
    expect(targets).toEqual(['first_response']);
    const after = { ...base, ...changes, status: 'open' };
    expect(summarize(after)).toMatchObject({ sla_state: 'breached', sla_due_at: base.res_due_at });
    expect(firstResponse(after, at + 5)).toEqual({ fr_at: at + 5 });
    expect(resolveSla(after, (base.res_due_at as number) - 1)).toMatchObject({ res_status: 'met' });
    expect(resolveSla(after, (base.res_due_at as number) + 1)).toMatchObject({
      res_status: 'breached',
      res_breached_at: base.res_due_at,
    });
  });

  it('trigger times follow the case state', () => {
    const s = {
      createdAt: 0,
      updatedAt: 100,
      status: 'open',
      assigneeId: null,
      frStatus: 'active',
      frDueAt: 1000,
      resStatus: 'met',
      resDueAt: 2000,
    };
    expect(triggerTime({ type: 'sla_due_soon', target: 'first_response', minutes: 1 }, s)).toBe(
      1000 - 60_000,
    );
    expect(triggerTime({ type: 'sla_breached', target: 'resolution' }, s)).toBeNull();
    expect(triggerTime({ type: 'unassigned_for', minutes: 2 }, s)).toBe(120_000);
    expect(triggerTime({ type: 'unassigned_for', minutes: 2 }, { ...s, assigneeId: 'u' })).toBeNull();
    expect(triggerTime({ type: 'idle_for', minutes: 1 }, { ...s, status: 'pending_customer' })).toBeNull();
  });
});

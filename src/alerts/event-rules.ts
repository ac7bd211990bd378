import type { BudgetAlertEvent } from '../limits/limit-events.js';
import type { BreakerTransition } from '../routing/breaker-transitions.js';
import { matchesAllowList } from '../tenancy/model-allow-list.js';
import type { BreakerRuleConfig, BudgetRuleConfig } from './alert-config.js';
import { isoOf, roundValue, type AlertNotice } from './alert-payload.js';
import type { SubjectStates } from './subject-states.js';

type BudgetScope = BudgetAlertEvent['scope'];
const allScopes: readonly BudgetScope[] = ['key', 'team', 'route', 'global'];

/**
 * A budget rule: the limits fire `budget_alert` on the one increment that crosses a fraction of
 * a budget (once per scope and period, across instances); this picks the crossings of its
 * fraction and scopes. Nothing resolves: spend only grows until the period ends.
 */
export class BudgetRule {
  readonly threshold: number;
  private readonly scopes: ReadonlySet<BudgetScope>;

  constructor(
    readonly name: string,
    readonly rule: BudgetRuleConfig,
    defaultThreshold: number,
  ) {
    this.threshold = rule.threshold ?? defaultThreshold;
    const named: BudgetScope[] = [...(rule.team ? ['team' as const] : []), ...(rule.route ? ['route' as const] : [])];
    this.scopes = new Set(rule.scope ?? (named.length > 0 ? named : allScopes));
  }

  async consider(event: BudgetAlertEvent, nowMs: number, states: SubjectStates): Promise<AlertNotice | undefined> {
    if (event.threshold !== this.threshold || !this.scopes.has(event.scope)) return undefined;
    if (event.scope === 'team' && this.rule.team && !this.rule.team.includes(event.name) && !this.rule.team.includes(event.id)) return undefined;
    if (event.scope === 'route' && this.rule.route && !this.rule.route.includes(event.name)) return undefined;
    const subject = `${event.scope}:${event.name}`;
    if (!(await states.pulse(this.name, subject, nowMs))) return undefined;
    const share = event.budget_usd > 0 ? event.spend_usd / event.budget_usd : 1;
    return {
      status: 'firing',
      rule: this.name,
      type: 'budget',
      subject,
      value: roundValue(share),
      threshold: this.threshold,
      window_ms: null,
      requests: null,
      fired_at: isoOf(nowMs),
      resolved_at: null,
      summary: `${event.scope} "${event.name}" reached ${Math.round(share * 100)}% of its $${event.budget_usd} ${event.period} budget ($${roundValue(event.spend_usd)} spent in ${event.period_key})`,
      details: {
        scope: event.scope,
        id: event.id,
        name: event.name,
        level: event.level,
        period: event.period,
        period_key: event.period_key,
        budget_usd: event.budget_usd,
        spend_usd: roundValue(event.spend_usd),
      },
    };
  }
}

/**
 * A breaker_open rule: fires when a matching target's breaker opens (and, while it keeps
 * re-opening after failed probes, once per cooldown); resolves when a probe closes it.
 */
export class BreakerRule {
  constructor(
    readonly name: string,
    readonly rule: BreakerRuleConfig,
    private readonly routesOf: (target: string) => string[],
  ) {}

  async consider(transition: BreakerTransition, nowMs: number, states: SubjectStates): Promise<AlertNotice | undefined> {
    const { target } = transition;
    const { rule } = this;
    if (transition.to === 'half_open') return undefined;
    if (rule.target && !matchesAllowList(target, rule.target)) return undefined;
    if (rule.provider && !rule.provider.includes(target.split('/')[0])) return undefined;
    const routes = this.routesOf(target);
    if (rule.route && !routes.some((route) => rule.route!.includes(route))) return undefined;
    const opened = transition.to === 'open';
    const { decision, firedAtMs } = await states.observe(this.name, target, opened, nowMs);
    if (!decision) return undefined;
    const firing = decision === 'fire';
    return {
      status: firing ? 'firing' : 'resolved',
      rule: this.name,
      type: 'breaker_open',
      subject: target,
      value: transition.consecutiveFailures,
      threshold: null,
      window_ms: null,
      requests: null,
      fired_at: isoOf(firedAtMs),
      resolved_at: firing ? null : isoOf(nowMs),
      summary: firing
        ? `circuit breaker opened for ${target} (${transition.consecutiveFailures} consecutive failures)`
        : `circuit breaker closed again for ${target}: resolved`,
      details: { target, routes, from: transition.from, to: transition.to },
    };
  }
}

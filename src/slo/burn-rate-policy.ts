import { durationSeconds } from '../common/validation';
import { AlertSeverity } from '../prometheus/rules';

/**
 * One condition of a burn-rate alert: bad events ran at more than `burnRate` times the rate the error
 * budget allows over the `long` window, and still do over the `short` one (so the alert resets minutes
 * after the problem ends, not hours).
 */
export interface BurnRateCondition {
  readonly long: string;
  readonly short: string;
  readonly burnRate: number;
}

/** An alert of the policy: its name suffix, severity and runbook page, firing when any condition holds. */
export interface BurnRateAlert {
  readonly suffix: string;
  readonly severity: AlertSeverity;
  readonly runbook: string;
  readonly conditions: BurnRateCondition[];
}

/**
 * The multi-window, multi-burn-rate policy of the Google SRE workbook (chapter 5, "Alerting on SLOs"):
 * page when 2% of a 30-day budget burns in 1h or 5% in 6h, open a ticket when 10% burns in 1d or 3d.
 * The burn rates are kept whatever the SLO window, so a burn rate always means the same speed (1 = the
 * whole budget in exactly one window) and a ticket never fires on a budget-neutral error rate; the share
 * of the budget each condition spends is derived from the window in the alert descriptions.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    suffix: 'FastBurn',
    severity: AlertSeverity.CRITICAL,
    runbook: 'SloFastBurn',
    conditions: [{ long: '1h', short: '5m', burnRate: 14.4 }, { long: '6h', short: '30m', burnRate: 6 }],
  },
  {
    suffix: 'SlowBurn',
    severity: AlertSeverity.WARNING,
    runbook: 'SloSlowBurn',
    conditions: [{ long: '1d', short: '2h', burnRate: 3 }, { long: '3d', short: '6h', burnRate: 1 }],
  },
];

/** Every window the alerts read, shortest first (5m ... 3d): each gets one recorded error ratio per SLO. */
export const ALERT_WINDOWS: readonly string[] = [...new Set(BURN_RATE_ALERTS.flatMap((a) => a.conditions.flatMap((c) => [c.short, c.long])))]
  .sort((a, b) => durationSeconds(a) - durationSeconds(b));

/** The longest alerting window (3d): an SLO window must be at least as long. */
export const LONGEST_ALERT_WINDOW = ALERT_WINDOWS[ALERT_WINDOWS.length - 1];

import { Runbooks } from '../common/runbooks';
import { durationSeconds, formatDuration } from '../common/validation';
import { AlertRule, RecordingRule, RuleGroup } from '../prometheus/rules';
import { ALERT_WINDOWS, BURN_RATE_ALERTS, BurnRateAlert, BurnRateCondition } from './burn-rate-policy';
import { ServiceLevelObjective } from './service-level-objective';

/** Whose SLOs the rules are about: the labels every recorded series and alert carries. */
export interface SloRuleTarget {
  /** The application's `job` label (its name). */
  readonly job: string;
  /** The application's namespace: the `namespace` label of the alerts. */
  readonly namespace: string;
  /** Base URL of the runbooks (`<base>/SloFastBurn.md`); undefined: this repository's. */
  readonly runbookBaseUrl?: string;
}

/**
 * The recorded error ratio of an SLO over `window`, named by the `level:metric:operations` convention:
 * aggregated to the job, bad events per request, a ratio of rates over the window.
 */
export function errorRatioRecord(window: string): string {
  return `job:slo_errors_per_request:ratio_rate${window}`;
}

/**
 * The time of the application's latest scrape (its newest `up` sample), recorded per SLO at every evaluation:
 * its earliest value within a window is where the application's data starts in that window.
 */
const LAST_SCRAPE_RECORD = 'job:slo_last_scrape:timestamp';

/**
 * How much further back than its window a coverage reads the scrape times: Prometheus's lookback (5m), longer
 * than any evaluation interval, so that a window the data covers always finds a scrape time at or before its
 * start and its coverage is exactly 1.
 */
const COVERAGE_MARGIN_SECONDS = 300;

/** The series selector of one SLO's recorded series. */
export function sloSelector(job: string, slo: ServiceLevelObjective): string {
  return `{job="${job}", slo="${slo.name}"}`;
}

/** The name of one alert of an SLO: `IrisApiAvailabilityFastBurn` (unique per Prometheus server, as required). */
function burnRateAlertName(job: string, slo: ServiceLevelObjective, alert: BurnRateAlert): string {
  const pascal = (name: string): string => name.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  // An alert name is a metric name, which cannot start with a digit (an application `3d-render`).
  const prefix = /^\d/.test(job) ? 'App' : '';
  return `${prefix}${pascal(job)}${pascal(slo.name)}${alert.suffix}`;
}

/**
 * The share of `window` that the application's data covers, from 0 to 1: the time since its earliest scrape
 * within the window, over the window. Below 1 only while Prometheus has held the application's series for
 * less than the window: after a restart with an emptyDir TSDB (the default), or for a new application. A gap
 * in the middle of the window (a restart that kept its TSDB) costs nothing: the counters kept counting, and
 * `rate()` spans the gap. Without any `up` series for the job (an SLO on series that no scrape job of
 * this Prometheus collects), the coverage cannot be measured and counts as 1.
 */
function coverage(job: string, slo: ServiceLevelObjective, window: string): string {
  const seconds = durationSeconds(window);
  const range = formatDuration(seconds + COVERAGE_MARGIN_SECONDS);
  return `(clamp_max((time() - min_over_time(${LAST_SCRAPE_RECORD}${sloSelector(job, slo)}[${range}])) / ${seconds}, 1) or on() vector(1))`;
}

/**
 * The rules of an application's SLOs, in two groups:
 * - `<job>-slos`: per SLO, the time of the application's latest scrape, then its error ratio over every
 *   alerting window (5m ... 3d), recorded once, then the burn-rate alerts that read them (a group runs in
 *   order, so ratios and alerts see this evaluation's values);
 * - `<job>-slo-windows`: each SLO's error ratio over its whole window (28d), for the budget left. A 28d rate
 *   reads every sample of the window: evaluated every 2m, not every 15s, as budget figures need no more.
 */
export function sloRuleGroups(target: SloRuleTarget, slos: ServiceLevelObjective[]): RuleGroup[] {
  const labels = (slo: ServiceLevelObjective) => ({ job: target.job, slo: slo.name });
  const lastScrape = (slo: ServiceLevelObjective): RecordingRule => ({
    record: LAST_SCRAPE_RECORD,
    expr: `max(timestamp(up{job="${target.job}"}))`,
    labels: labels(slo),
  });
  /*
   * A window's error ratio counts the part of the window that Prometheus holds no data for as good events, at
   * the rate of those it holds: the ratio over the data, times the window's coverage. After a restart with an
   * emptyDir TSDB the 1d and 3d windows hold minutes of data, where one slow request among fourteen is a ratio
   * of 7% (7x a 1% budget); over three minutes of a 1d window it counts 0.015%. So a window only pages or
   * tickets for a burn it holds the data of (the burn it would show had the time before the data been
   * healthy): a burn that begins with the data pages at about the minute a server that held the window all
   * along pages; once the data cover the window, the ratio is the plain one.
   */
  const ratio = (slo: ServiceLevelObjective, window: string): RecordingRule => ({
    record: errorRatioRecord(window),
    expr: `(${slo.errorRatio(target.job, window)}) * on() ${coverage(target.job, slo, window)}`,
    labels: labels(slo),
  });
  const whole = slos.filter((slo) => !ALERT_WINDOWS.includes(slo.window)).map((slo) => ratio(slo, slo.window));
  return [
    {
      name: `${target.job}-slos`,
      rules: [
        ...slos.map(lastScrape),
        ...slos.flatMap((slo) => ALERT_WINDOWS.map((window) => ratio(slo, window))),
        ...slos.flatMap((slo) => BURN_RATE_ALERTS.map((alert) => burnRateAlert(target, slo, alert))),
      ],
    },
    ...(whole.length > 0 ? [{ name: `${target.job}-slo-windows`, interval: '2m', rules: whole }] : []),
  ];
}

/**
 * One alert: any of its conditions holds. `$value` is the burn rate over the long window of the first
 * condition that holds (`and` keeps its left side), so the summary can say how fast the budget burns.
 */
function burnRateAlert(target: SloRuleTarget, slo: ServiceLevelObjective, alert: BurnRateAlert): AlertRule {
  const selector = sloSelector(target.job, slo);
  const burnRate = (window: string): string => `${errorRatioRecord(window)}${selector} / ${slo.errorBudget}`;
  const holds = (c: BurnRateCondition): string => `(${burnRate(c.long)} > ${c.burnRate} and ${burnRate(c.short)} > ${c.burnRate})`;
  // The share of the budget a condition spends over its long window, at exactly its burn rate.
  const spent = (c: BurnRateCondition): string => `${Number(((100 * c.burnRate * durationSeconds(c.long)) / durationSeconds(slo.window)).toFixed(1))}%`;
  const conditions = alert.conditions
    .map((c, i) => `${c.burnRate}x${i === 0 ? ' the budget' : ''} over both ${c.long} and ${c.short} (${spent(c)} of the ${slo.window} budget in ${c.long})`)
    .join(', or above ');
  const budgetLeft = `1 - ${errorRatioRecord(slo.window)}${selector} / ${slo.errorBudget}`;
  return {
    alert: burnRateAlertName(target.job, slo, alert),
    expr: alert.conditions.map(holds).join(' or '),
    severity: alert.severity,
    component: target.job, // the application, as for its other alerts
    labels: { ...slo.labels, job: target.job, namespace: target.namespace, slo: slo.name },
    summary: `${target.job} ${slo.name} SLO: burning its error budget at {{ printf "%.1f" $value }}x`,
    description: `SLO: ${slo.description}. The error ratio is above ${conditions}; `
      + 'it is {{ printf "%.1f" $value }}x the budget over the long window. '
      + `{{ with query \`${budgetLeft}\` }}{{ . | first | value | humanizePercentage }} of the error budget is left`
      + '{{ else }}The error budget left is not known yet{{ end }}.',
    runbookUrl: Runbooks.urlOf(alert.runbook, target.runbookBaseUrl),
  };
}

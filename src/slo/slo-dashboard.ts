import { createHash } from 'crypto';
import { Dashboard } from '../grafana/dashboard';
import { Panel } from '../grafana/panels';
import { ALERT_WINDOWS, BURN_RATE_ALERTS } from './burn-rate-policy';
import { ServiceLevelObjective } from './service-level-objective';
import { errorRatioRecord } from './slo-rules';

/** Options of {@link Dashboards.slo}. */
export interface SloDashboardOptions {
  /** The application's `job` label. */
  readonly job: string;
  /** Its SLOs, one row of panels each. */
  readonly slos: ServiceLevelObjective[];
  /**
   * Unique id of the dashboard.
   * @default '<job>-slos'
   */
  readonly uid?: string;
  /**
   * Title of the dashboard.
   * @default '<job> - SLOs'
   */
  readonly title?: string;
}

/** Panel height, in grid rows. */
const HEIGHT = 8;

/**
 * **`<job>` - SLOs**: per SLO, the SLI over its window, the error budget left and the burn rate over every
 * alerting window. Every query reads the series the SLO recording rules produce, never raw metrics.
 */
export function sloDashboard(options: SloDashboardOptions): Dashboard {
  // The alert thresholds, said once in the burn-rate panel's help text.
  const thresholds = BURN_RATE_ALERTS.map((alert) => `${alert.severity} above ${alert.conditions
    .map((c) => `${c.burnRate} (${c.long} and ${c.short})`).join(' or ')}`).join('; ');
  const panels = options.slos.flatMap((slo, i) => {
    const y = i * HEIGHT;
    const selector = `{job=~"$job", slo="${slo.name}"}`;
    const windowRatio = `${errorRatioRecord(slo.window)}${selector}`;
    return [
      Panel.stat({
        title: `${slo.name}: SLI over ${slo.window}`,
        description: `Share of good events over the last ${slo.window} (time Prometheus holds no data for counts as good). Objective: ${slo.description}.`,
        unit: 'percentunit',
        queries: [{ expr: `1 - ${windowRatio}`, legend: 'SLI' }],
        position: { x: 0, y, width: 5, height: HEIGHT },
      }),
      Panel.timeseries({
        title: `${slo.name}: error budget left`,
        description: `Share of the ${slo.window} error budget (${slo.errorBudget} of all events) not yet spent, time Prometheus holds no data for counting as good; below 0 the objective is missed.`,
        unit: 'percentunit',
        max: 1,
        queries: [{ expr: `1 - ${windowRatio} / ${slo.errorBudget}`, legend: 'budget left' }],
        position: { x: 5, y, width: 9, height: HEIGHT },
      }),
      Panel.timeseries({
        title: `${slo.name}: burn rate`,
        description: `Error ratio / error budget over each alerting window (1 spends the budget in exactly ${slo.window}). Alerts: ${thresholds}.`,
        unit: 'short',
        min: 0,
        queries: ALERT_WINDOWS.map((window) => ({ expr: `${errorRatioRecord(window)}${selector} / ${slo.errorBudget}`, legend: window })),
        position: { x: 14, y, width: 10, height: HEIGHT },
      }),
    ];
  });
  return Dashboard.provisioned({
    title: options.title ?? `${options.job} - SLOs`,
    uid: options.uid ?? sloDashboardUid(options.job),
    tags: ['slo', options.job],
    // The recorded ratios are per job: a job drop-down (this application by default), no instance one.
    variables: [{ name: 'job', selector: errorRatioRecord(ALERT_WINDOWS[0]), defaults: [options.job] }],
    panels,
    timeFrom: 'now-7d',
  });
}

/** Grafana's longest dashboard uid. */
const MAX_UID = 40;

/**
 * `<job>-slos`, or for a job name too long for Grafana's 40-character uid, its start and a hash of the whole
 * name (`<start>-<8 hex digits>-slos`): deterministic, and distinct for jobs that share a long prefix.
 */
export function sloDashboardUid(job: string): string {
  const uid = `${job}-slos`;
  if (uid.length <= MAX_UID) return uid;
  const hash = createHash('sha256').update(job).digest('hex').slice(0, 8);
  return `${job.slice(0, MAX_UID - '-slos'.length - hash.length - 1).replace(/-+$/, '')}-${hash}-slos`;
}

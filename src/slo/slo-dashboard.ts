import { Dashboards, GrafanaDashboard } from '../grafana/dashboard';
import { provisionedDashboard, statPanel, timeseriesPanel } from '../grafana/panels';
import { ALERT_WINDOWS, BURN_RATE_ALERTS } from './burn-rate-policy';
import { ServiceLevelObjective } from './service-level-objective';
import { errorRatioRecord } from './slo-rules';

/** Options of {@link sloDashboard}. */
export interface SloDashboardOptions {
  /** The application's `job` label. */
  readonly job: string;
  /** Its SLOs, one row of panels each. */
  readonly slos: ServiceLevelObjective[];
  /** @default '<job>-slos' */
  readonly uid?: string;
  /** @default '<job> - SLOs' */
  readonly title?: string;
}

/** Panel height, in grid rows. */
const HEIGHT = 8;

/**
 * **`<job>` - SLOs**: per SLO, the SLI over its window, the error budget left and the burn rate over every
 * alerting window. Every query reads the series the SLO recording rules produce, never raw metrics.
 */
export function sloDashboard(options: SloDashboardOptions): GrafanaDashboard {
  // The alert thresholds, said once in the burn-rate panel's help text.
  const thresholds = BURN_RATE_ALERTS.map((alert) => `${alert.severity} above ${alert.conditions
    .map((c) => `${c.burnRate} (${c.long} and ${c.short})`).join(' or ')}`).join('; ');
  // The recorded ratios are per job: a job drop-down (this application by default), no instance one.
  const builder = provisionedDashboard(options.title ?? `${options.job} - SLOs`, options.uid ?? `${options.job}-slos`, ['slo', options.job], [
    { name: 'job', selector: errorRatioRecord(ALERT_WINDOWS[0]), defaults: [options.job] },
  ]).time({ from: 'now-7d', to: 'now' });
  options.slos.forEach((slo, i) => {
    const y = i * HEIGHT;
    const selector = `{job=~"$job", slo="${slo.name}"}`;
    const windowRatio = `${errorRatioRecord(slo.window)}${selector}`;
    builder
      .withPanel(statPanel({
        title: `${slo.name}: SLI over ${slo.window}`,
        description: `Share of good events over the last ${slo.window}. Objective: ${slo.description}.`,
        unit: 'percentunit',
        queries: [{ expr: `1 - ${windowRatio}`, legend: 'SLI' }],
        grid: [0, y, 5, HEIGHT],
      }))
      .withPanel(timeseriesPanel({
        title: `${slo.name}: error budget left`,
        description: `Share of the ${slo.window} error budget (${slo.errorBudget} of all events) not yet spent; below 0 the objective is missed.`,
        unit: 'percentunit',
        max: 1,
        queries: [{ expr: `1 - ${windowRatio} / ${slo.errorBudget}`, legend: 'budget left' }],
        grid: [5, y, 9, HEIGHT],
      }))
      .withPanel(timeseriesPanel({
        title: `${slo.name}: burn rate`,
        description: `Error ratio / error budget over each alerting window (1 spends the budget in exactly ${slo.window}). Alerts: ${thresholds}.`,
        unit: 'short',
        min: 0,
        queries: ALERT_WINDOWS.map((window) => ({ expr: `${errorRatioRecord(window)}${selector} / ${slo.errorBudget}`, legend: window })),
        grid: [14, y, 10, HEIGHT],
      }));
  });
  return Dashboards.fromBuilder(builder);
}

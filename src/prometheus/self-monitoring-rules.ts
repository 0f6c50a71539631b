import { factoryOptions } from '../common/validation';
import { Runbooks } from '../common/runbooks';
import { AlertSeverity, forPhrase, RuleGroup } from './rules';

/** Options of {@link SelfMonitoringAlerts.rules}. */
export interface SelfMonitoringAlertOptions {
  /** Job name of Prometheus scraping itself. */
  readonly prometheusJob: string;
  /** Namespace Prometheus runs in (the `namespace` label of its alerts). */
  readonly namespace: string;
  /**
   * Share of a job's targets that may be down before TargetDown fires.
   * @default 0.1
   */
  readonly targetDownRatio?: number;
  /**
   * Base URL of the runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** The component label of the alerts about the monitoring stack itself. */
export const MONITORING_ALERT_COMPONENT = 'monitoring';

/** The alerts on the monitoring itself. */
export class SelfMonitoringAlerts {
  /** The `component` label of the alerts about the monitoring stack itself. */
  public static readonly COMPONENT = MONITORING_ALERT_COMPONENT;

  /**
   * The alerts that say the monitoring itself is blind or broken, as kube-prometheus has them: Watchdog
   * (always firing: a dead man's switch for an outside heartbeat), TargetDown per job, and Prometheus's
   * config reloads, rule evaluations and alert delivery.
   * @param options the Prometheus job and namespace, and thresholds
   */
  public static rules(options: SelfMonitoringAlertOptions): RuleGroup {
    return selfMonitoringAlertRules(factoryOptions('SelfMonitoringAlerts.rules', options, { prometheusJob: 'string', namespace: 'string' }));
  }

  private constructor() {}
}

/** See {@link SelfMonitoringAlerts.rules}. */
export function selfMonitoringAlertRules(options: SelfMonitoringAlertOptions): RuleGroup {
  const job = `job="${options.prometheusJob}"`;
  const labels = { namespace: options.namespace };
  const targetDown = options.targetDownRatio ?? 0.1;
  const runbook = (alert: string) => Runbooks.urlOf(alert, options.runbookBaseUrl);
  const base = { component: MONITORING_ALERT_COMPONENT };
  return {
    name: 'monitoring-self-alerts',
    rules: [
      {
        ...base,
        alert: 'Watchdog',
        expr: 'vector(1)',
        severity: AlertSeverity.NONE,
        labels,
        summary: 'The alerting pipeline works',
        description: 'Always firing. Its receiver pings an outside heartbeat (dead man\'s switch) that pages when the pings stop: then Prometheus, Alertmanager or the path between them is down.',
        runbookUrl: runbook('Watchdog'),
      },
      {
        ...base,
        alert: 'TargetDown',
        // Per job: one replica of several down (a crash loop, a failing readiness probe) is a warning
        // after a wait that a rolling update never reaches.
        expr: `count by (job, namespace) (up == 0) / count by (job, namespace) (up) > ${targetDown}`,
        forDuration: '10m',
        severity: AlertSeverity.WARNING,
        summary: '{{ $value | humanizePercentage }} of the {{ $labels.job }} targets are down',
        description: `More than ${targetDown * 100}% of the targets of job {{ $labels.job }}{{ with $labels.namespace }} (namespace {{ . }}){{ end }} have failed their scrapes for 10m: their metrics, and the alerts built on them, are missing.`,
        runbookUrl: runbook('TargetDown'),
      },
      {
        ...base,
        alert: 'PrometheusConfigReloadFailed',
        expr: `max_over_time(prometheus_config_last_reload_successful{${job}}[5m]) == 0`,
        forDuration: '10m',
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: 'Prometheus could not load its configuration',
        description: 'The last reload of prometheus.yml or the rule files failed for 10m: Prometheus runs on the previous configuration, and the edits (new rules, jobs) are not applied.',
        runbookUrl: runbook('PrometheusConfigReloadFailed'),
      },
      {
        ...base,
        alert: 'PrometheusRuleEvaluationFailures',
        expr: `increase(prometheus_rule_evaluation_failures_total{${job}}[5m]) > 0`,
        forDuration: '15m',
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: 'Rule group {{ $labels.rule_group }} failed {{ $value | humanize }} evaluations in 5 minutes',
        description: 'Rule group {{ $labels.rule_group }} keeps failing to evaluate for 15m: the alerts and recorded series it holds are not computed.',
        runbookUrl: runbook('PrometheusRuleEvaluationFailures'),
      },
      {
        ...base,
        alert: 'PrometheusNotConnectedToAlertmanagers',
        expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${job}}[5m]) < 1`,
        forDuration: '10m',
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: 'Prometheus has no Alertmanager to send alerts to',
        description: 'Prometheus has discovered no Alertmanager for 10m: alerts fire but nobody is notified.',
        runbookUrl: runbook('PrometheusNotConnectedToAlertmanagers'),
      },
      {
        ...base,
        alert: 'PrometheusAlertDeliveryFailing',
        expr: `min without (alertmanager) (rate(prometheus_notifications_errors_total{${job}}[5m]) / rate(prometheus_notifications_sent_total{${job}}[5m])) > 0.03`,
        forDuration: '15m',
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: 'Prometheus fails to send {{ $value | humanizePercentage }} of its alerts to Alertmanager',
        description: `More than 3% of the alerts sent to every Alertmanager failed (over 5m)${forPhrase('15m')}: alerts may never reach a receiver.`,
        runbookUrl: runbook('PrometheusAlertDeliveryFailing'),
      },
    ],
  };
}

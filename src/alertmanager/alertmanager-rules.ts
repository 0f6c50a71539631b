import { factoryOptions } from '../common/validation';
import { Runbooks } from '../common/runbooks';
import { AlertSeverity, RuleGroup } from '../prometheus/rules';
import { MONITORING_ALERT_COMPONENT } from '../prometheus/self-monitoring-rules';

/** Options of {@link AlertmanagerAlerts.rules}. */
export interface AlertmanagerAlertOptions {
  /** Job name under which Prometheus scrapes Alertmanager. */
  readonly job: string;
  /** Namespace Alertmanager runs in (the `namespace` label of its alerts). */
  readonly namespace: string;
  /**
   * Share of notifications that may fail, per integration, before AlertmanagerNotificationsFailing fires.
   * @default 0.01
   */
  readonly failedNotificationRatio?: number;
  /**
   * Base URL of the runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** Alerts on Alertmanager itself: a configuration it could not load, notifications it could not send. */
export class AlertmanagerAlerts {
  /** The rule group `alertmanager-alerts`: AlertmanagerConfigReloadFailed and AlertmanagerNotificationsFailing. */
  public static rules(options: AlertmanagerAlertOptions): RuleGroup {
    return alertmanagerAlertRules(factoryOptions('AlertmanagerAlerts.rules', options, { job: 'string', namespace: 'string' }));
  }

  private constructor() {}
}

function alertmanagerAlertRules(options: AlertmanagerAlertOptions): RuleGroup {
  const job = `job="${options.job}"`;
  const failed = options.failedNotificationRatio ?? 0.01;
  const byIntegration = 'sum by (job, namespace, integration)';
  const base = { component: MONITORING_ALERT_COMPONENT, labels: { namespace: options.namespace } };
  return {
    name: 'alertmanager-alerts',
    rules: [
      {
        ...base,
        alert: 'AlertmanagerConfigReloadFailed',
        expr: `max_over_time(alertmanager_config_last_reload_successful{${job}}[5m]) == 0`,
        forDuration: '10m',
        severity: AlertSeverity.CRITICAL,
        summary: 'Alertmanager could not load its configuration',
        description: 'The last reload of alertmanager.yml failed for 10m: Alertmanager routes with the previous configuration, and the edits (receivers, routes) are not applied.',
        runbookUrl: Runbooks.urlOf('AlertmanagerConfigReloadFailed', options.runbookBaseUrl),
      },
      {
        ...base,
        alert: 'AlertmanagerNotificationsFailing',
        expr: `${byIntegration} (rate(alertmanager_notifications_failed_total{${job}}[5m])) / ${byIntegration} (rate(alertmanager_notifications_total{${job}}[5m])) > ${failed}`,
        forDuration: '5m',
        severity: AlertSeverity.WARNING,
        summary: 'Alertmanager fails {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications',
        description: `More than ${failed * 100}% of the notifications through {{ $labels.integration }} failed (over 5m) for 5m: a receiver's credentials, URL or network path is broken, and its alerts reach nobody.`,
        runbookUrl: Runbooks.urlOf('AlertmanagerNotificationsFailing', options.runbookBaseUrl),
      },
    ],
  };
}

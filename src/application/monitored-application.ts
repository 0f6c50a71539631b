import { IConstruct } from 'constructs';
import { validateDnsLabel, validateHttpPath, validateScrapeInterval } from '../common/validation';

/**
 * An application whose metrics the stack collects: a Kubernetes Service with a metrics port. Plain data, so
 * the same description feeds the scrape job, the ServiceMonitor, the alerts and the dashboards.
 */
export interface MonitoredApplication {
  /** Name of the application: the `job` label of its series and its `app` label. */
  readonly name: string;
  /**
   * Namespace it runs in.
   * @default - the namespace of the monitoring stack
   */
  readonly namespace?: string;
  /** Name of its Service. */
  readonly serviceName: string;
  /**
   * Name of the Service port serving metrics.
   * @default 'http'
   */
  readonly portName?: string;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * Scrape interval.
   * @default - the Prometheus server's scrape interval
   */
  readonly scrapeInterval?: string;
  /**
   * Labels of its Service, for a ServiceMonitor's selector.
   * @default - { app: name }
   */
  readonly serviceLabels?: Record<string, string>;
}

/**
 * Changes to a {@link MonitoredApplication} that the library describes itself (the Iris API): every field
 * optional, each replacing the one of the description.
 */
export interface MonitoredApplicationOverrides {
  /** @default - unchanged */
  readonly name?: string;
  /** @default - unchanged */
  readonly namespace?: string;
  /** @default - unchanged */
  readonly serviceName?: string;
  /** @default - unchanged */
  readonly portName?: string;
  /** @default - unchanged */
  readonly metricsPath?: string;
  /** @default - unchanged */
  readonly scrapeInterval?: string;
  /** @default - unchanged */
  readonly serviceLabels?: Record<string, string>;
}

/** Checks an application description; `field` prefixes the error fields. */
export function validateApplication(scope: IConstruct, field: string, app: MonitoredApplication): void {
  validateDnsLabel(scope, `${field}.name`, app.name);
  validateDnsLabel(scope, `${field}.serviceName`, app.serviceName);
  if (app.namespace !== undefined) validateDnsLabel(scope, `${field}.namespace`, app.namespace);
  if (app.portName !== undefined) validateDnsLabel(scope, `${field}.portName`, app.portName);
  if (app.metricsPath !== undefined) validateHttpPath(scope, `${field}.metricsPath`, app.metricsPath);
  if (app.scrapeInterval !== undefined) validateScrapeInterval(scope, `${field}.scrapeInterval`, app.scrapeInterval);
}

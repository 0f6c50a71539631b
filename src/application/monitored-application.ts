import { ErrorScope, fail } from '../common/errors';
import { definedFields } from '../common/serialize';
import { expectType, validateDnsLabel, validateHttpPath, validateKubernetesLabels, validatePortName, validatePortNumber, validateScrapeInterval } from '../common/validation';

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
   * Name of the Service port serving metrics (not a number: give a number as `port`).
   * @default - 'http', unless `port` is given
   */
  readonly portName?: string;
  /**
   * Number of the pods' port serving metrics (the Service's target port), for a Service whose ports have no
   * name; exclusive with `portName`. The ServiceMonitor selects it as `targetPort`, which the Prometheus
   * Operator finds among the ports the pods' containers declare.
   * @default - the port named `portName`
   */
  readonly port?: number;
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
   * Labels of its Service, for a ServiceMonitor's selector; at least one (no label would select every Service).
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
  /** @default - unchanged (given alone, it replaces the description's `portName`) */
  readonly port?: number;
  /** @default - unchanged */
  readonly metricsPath?: string;
  /** @default - unchanged */
  readonly scrapeInterval?: string;
  /** @default - unchanged */
  readonly serviceLabels?: Record<string, string>;
}

/** Checks an application description; `field` prefixes the error fields. */
export function validateApplication(scope: ErrorScope, field: string, app: MonitoredApplication): void {
  expectType(scope, field, app, 'object');
  validateDnsLabel(scope, `${field}.name`, app.name);
  validateDnsLabel(scope, `${field}.serviceName`, app.serviceName);
  if (app.namespace !== undefined) validateDnsLabel(scope, `${field}.namespace`, app.namespace);
  if (app.portName !== undefined && app.port !== undefined) fail(scope, `${field}.port`, `give the port by its name (portName "${app.portName}") or by its number (port ${app.port}), not both`);
  if (app.portName !== undefined) validatePortName(scope, `${field}.portName`, app.portName);
  if (app.port !== undefined) validatePortNumber(scope, `${field}.port`, app.port);
  if (app.serviceLabels !== undefined) validateKubernetesLabels(scope, `${field}.serviceLabels`, app.serviceLabels, { nonEmpty: true });
  if (app.metricsPath !== undefined) validateHttpPath(scope, `${field}.metricsPath`, app.metricsPath);
  if (app.scrapeInterval !== undefined) validateScrapeInterval(scope, `${field}.scrapeInterval`, app.scrapeInterval);
}

/**
 * A description with overrides applied; a `port` number given alone replaces the description's `portName`
 * (the two are exclusive).
 */
export function withOverrides(app: MonitoredApplication, overrides: MonitoredApplicationOverrides = {}): MonitoredApplication {
  const { portName, ...rest } = app;
  // A field set to undefined (None in Python) keeps the description's value.
  const changes = definedFields(overrides ?? {});
  const byNumber = changes.port !== undefined && changes.portName === undefined;
  return { ...rest, ...(byNumber || portName === undefined ? {} : { portName }), ...changes };
}

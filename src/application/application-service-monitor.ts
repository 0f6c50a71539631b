import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction, ServiceMonitorSpecEndpointsTargetPort } from '../../imports/monitoring.coreos.com';
import { MONITORING_COMPONENT, PART_OF } from '../common/labels';
import { validateDnsLabel, validateKubernetesLabels } from '../common/validation';
import { MonitoredApplication, validateApplication } from './monitored-application';
import { checkUniqueObjects } from '../common/unique-objects';

/** Props of {@link ApplicationServiceMonitor}. */
export interface ApplicationServiceMonitorProps {
  /** The application to scrape. */
  readonly application: MonitoredApplication;
  /**
   * Namespace of the ServiceMonitor.
   * @default - the application's namespace, else the chart's, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Labels of the ServiceMonitor, in place of the default ones (what a Prometheus's `serviceMonitorSelector`
   * must find, such as kube-prometheus-stack's `release: <name>`).
   * @default - app, component and the app.kubernetes.io labels
   */
  readonly labels?: Record<string, string>;
}

/**
 * A `monitoring.coreos.com/v1` ServiceMonitor for one application, for clusters that run the Prometheus
 * Operator. Its `job` label is the application's name, as with the stack's own scrape job, so the same
 * alerts and dashboards work either way.
 */
export class ApplicationServiceMonitor extends Construct {
  public readonly serviceMonitor: ServiceMonitor;

  constructor(scope: Construct, id: string, props: ApplicationServiceMonitorProps) {
    super(scope, id);
    checkUniqueObjects(this);
    const app = props.application;
    validateApplication(this, 'application', app);
    const appNamespace = app.namespace ?? Chart.of(this).namespace ?? 'mlops';
    const namespace = validateDnsLabel(this, 'namespace', props.namespace ?? appNamespace);
    const serviceLabels = app.serviceLabels ?? { app: app.name };
    const jobFromLabel = serviceLabels.app === app.name;
    if (props.labels !== undefined) validateKubernetesLabels(this, 'labels', props.labels, { nonEmpty: true });
    const labels = props.labels ?? {
      'app': app.name,
      'component': MONITORING_COMPONENT,
      'app.kubernetes.io/name': app.name,
      'app.kubernetes.io/component': 'service-monitor',
      'app.kubernetes.io/part-of': PART_OF,
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name: app.name, namespace, labels },
      spec: {
        // The job must be the application's name, like the plain scrape job's, which the rules select by. The
        // Operator names it after the Service label `jobLabel` names, else after the Service: when no label
        // holds the name, a relabeling sets it.
        jobLabel: jobFromLabel ? 'app' : undefined,
        selector: { matchLabels: serviceLabels },
        namespaceSelector: { matchNames: [appNamespace] },
        endpoints: [{
          ...(app.port !== undefined ? { targetPort: ServiceMonitorSpecEndpointsTargetPort.fromNumber(app.port) } : { port: app.portName ?? 'http' }),
          path: app.metricsPath ?? '/metrics',
          ...(app.scrapeInterval ? { interval: app.scrapeInterval } : {}),
          // The CRD's default action is written out: a defaulted field in a list makes every later client-side
          // `kubectl apply` report the object `configured`.
          ...(jobFromLabel ? {} : { relabelings: [{ action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: app.name }] }),
        }],
      },
    });
  }
}

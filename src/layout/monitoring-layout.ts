import { MonitoringStack } from '../stack';
import { FileLayout } from './file-layout';

/**
 * The ten-file layout of the original hand-written stack, for a {@link MonitoringStack}:
 * prometheus-rbac.yaml, prometheus-configmap.yaml, ..., grafana-deployment.yaml. NetworkPolicies, PVCs and
 * Ingresses go with their program's Deployment.
 *
 * Prometheus's ServiceAccount is the first object of prometheus-deployment.yaml, not in prometheus-rbac.yaml:
 * `kubectl apply -f <folder>` goes through the files alphabetically, and a Deployment applied before its
 * ServiceAccount exists gets its first Pods refused (a FailedCreate event, then a retry).
 */
export class MonitoringStackLayout extends FileLayout {
  /** The ten files for `stack`, plus one `servicemonitor-<application>.yaml` per ServiceMonitor. */
  constructor(stack: MonitoringStack) {
    super();
    const { prometheus, alertRouter, grafana } = stack;
    this
      .assign(prometheus, 'prometheus-deployment.yaml')
      .assign(prometheus.rbac, 'prometheus-rbac.yaml')
      .assign(prometheus.rbac.serviceAccount, 'prometheus-deployment.yaml')
      .assign(prometheus.configMap, 'prometheus-configmap.yaml')
      .assign(prometheus.rules, 'prometheus-rules.yaml')
      .assign(alertRouter, 'alertmanager-deployment.yaml')
      .assign(alertRouter.configMap, 'alertmanager-configmap.yaml')
      .assign(grafana, 'grafana-deployment.yaml')
      .assign(grafana.configMap, 'grafana-configmap.yaml')
      .assign(grafana.dashboardFiles, 'grafana-dashboards-configmap.yaml');
    // Beyond the default stack: many applications' scrape jobs, and sharded servers' own rules.
    prometheus.scrapeConfigFiles.forEach((files) => this.assign(files, 'prometheus-configmap.yaml'));
    Object.values(prometheus.shardRules).forEach((rules) => this.assign(rules, 'prometheus-rules.yaml'));
    for (const [name, monitor] of Object.entries(stack.serviceMonitors)) {
      this.assign(monitor, `servicemonitor-${name}.yaml`);
    }
  }
}

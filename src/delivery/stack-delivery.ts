import { AlertRouter } from '../alertmanager/alert-router';
import { MatchOperator } from '../alertmanager/matchers';
import { ApplicationMonitoring } from '../content/application-monitoring';
import { GrafanaWithDashboards } from '../grafana/grafana-with-dashboards';
import { PrometheusServer } from '../prometheus/prometheus-server';
import { ScrapeJobs } from '../prometheus/scrape-jobs';
import { requireSloRetention } from '../slo/application-slos';

/** The stack's own programs an application's content is written into. */
export interface StackPrograms {
  readonly prometheus: PrometheusServer;
  readonly grafana: GrafanaWithDashboards;
  readonly alertRouter: AlertRouter;
}

/**
 * The stack delivery: an application's content written into the stack's own Prometheus (a scrape job through
 * Kubernetes service discovery, its rule files, the retention its SLOs read), Grafana (its dashboards) and
 * Alertmanager (its receivers, and its routes scoped to its namespace, as the Prometheus Operator scopes an
 * AlertmanagerConfig's).
 */
export function deliverToStack(monitoring: ApplicationMonitoring, stack: StackPrograms): void {
  const app = monitoring.application;
  stack.prometheus.addScrapeJob(ScrapeJobs.kubernetesService({
    jobName: app.name,
    namespace: monitoring.namespace,
    serviceName: app.serviceName,
    portName: app.portName,
    port: app.port,
    metricsPath: app.metricsPath,
    interval: app.scrapeInterval,
  }));
  if (monitoring.slos.length) requireSloRetention(stack.prometheus, app.name, monitoring.slos);
  for (const file of monitoring._ruleFiles) file.groups.forEach((group) => stack.prometheus.addRuleGroup(group, file.fileName));
  monitoring.dashboards.forEach((dashboard) => stack.grafana.addDashboard(dashboard));
  stack.alertRouter.addReceivers(...monitoring.receivers);
  stack.alertRouter.addRoutes(...monitoring.routes.map((route) => ({
    ...route,
    matchers: [...(route.matchers ?? []), { label: 'namespace', operator: MatchOperator.EQUAL, value: monitoring.namespace }],
  })));
}

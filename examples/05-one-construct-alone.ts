import { App, Chart } from 'cdk8s';
import { AlertRouter, GrafanaWithDashboards, PrometheusServer } from 'cdk8s-mlops-monitoring';

/** Only Alertmanager, for a Prometheus you already run. */
export function alertRouterAlone(app: App): Chart {
  const chart = new Chart(app, 'alerting', { namespace: 'alerting' });
  new AlertRouter(chart, 'alertmanager', {
    receivers: [
      { name: 'default' },
      { name: 'oncall', pagerDuty: [{ routingKeySecretKey: 'pagerduty-routing-key' }] },
    ],
    routes: [{ receiver: 'oncall', match: { severity: 'critical' } }],
    // No `critical`/`warning` receivers here: criticals page `oncall`, everything else goes to `default`.
    severityRoutes: false,
  });
  return chart;
}

/** Only Grafana, pointed at an existing Prometheus. */
export function grafanaAlone(app: App): Chart {
  const chart = new Chart(app, 'dashboards', { namespace: 'dashboards' });
  new GrafanaWithDashboards(chart, 'grafana', {
    prometheus: PrometheusServer.fromUrl('http://prometheus-operated.monitoring.svc:9090'),
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  alertRouterAlone(app);
  grafanaAlone(app);
  app.synth();
}

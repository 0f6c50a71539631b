import { App, Chart } from 'cdk8s';
import { AlertSeverity, Dashboard, MonitoringStack, Panel } from 'cdk8s-mlops-monitoring';

/** More alert rules, recording rules, dashboards and receivers on the stack. */
export function rulesDashboardsReceivers(app: App): MonitoringStack {
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'monitoring');

  // Recording rules and alerts, in a rule file of their own (a key of the prometheus-rules ConfigMap).
  stack.prometheus.addRuleGroup({
    name: 'iris-api-recording',
    interval: '1m',
    rules: [
      { record: 'job:model_predictions:rate5m', expr: 'sum by (job) (rate(model_predictions_total[5m]))' },
    ],
  }, 'recording-rules.yml');
  stack.prometheus.addRuleGroup({
    name: 'iris-api-traffic',
    rules: [{
      alert: 'NoPredictions',
      expr: 'job:model_predictions:rate5m{job="iris-api"} == 0',
      forDuration: '15m',
      severity: AlertSeverity.WARNING,
      component: 'iris-api',
      summary: 'The Iris API serves no predictions',
      description: 'No prediction in the last 15 minutes.',
      labels: { team: 'ml' },
    }],
  });

  // A dashboard of typed panels, with the stack's conventions (a datasource drop-down, read-only)...
  stack.grafana.addDashboard(Dashboard.provisioned({
    uid: 'predictions-recorded',
    title: 'Predictions (recorded)',
    panels: [Panel.timeseries({
      title: 'Predictions per second',
      unit: 'reqps',
      queries: [{ expr: 'job:model_predictions:rate5m', legend: '{{job}}' }],
      position: { x: 0, y: 0, width: 24, height: 8 },
    })],
  }));
  // ...or from JSON exported from Grafana.
  stack.grafana.addDashboard(Dashboard.fromJson({
    uid: 'scrape-health',
    title: 'Scrape health',
    panels: [{ type: 'stat', title: 'Targets up', targets: [{ expr: 'sum(up)' }] }],
  }));

  // A receiver and the route that sends it the ML team's alerts; the webhook URL stays in a Secret. Your
  // routes come before the built-in severity routes, so NoPredictions (a warning) reaches ml-team.
  stack.alertRouter.addReceiver({
    name: 'ml-team',
    slack: [{ channel: '#ml-alerts', apiUrlSecretKey: 'slack-ml-webhook-url' }],
  });
  stack.alertRouter.addRoute({ receiver: 'ml-team', match: { team: 'ml' } });
  // Every other critical alert pages on-call (the PagerDuty routing key is a key of the Secret too).
  stack.alertRouter.addReceiver({ name: 'oncall', pagerDuty: [{ routingKeySecretKey: 'pagerduty-routing-key' }] });
  stack.alertRouter.addRoute({ receiver: 'oncall', match: { severity: 'critical' } });
  return stack;
}

if (require.main === module) {
  const app = new App();
  rulesDashboardsReceivers(app);
  app.synth();
}

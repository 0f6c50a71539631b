import { App, Chart } from 'cdk8s';
import { AlertSeverity, MonitoredApplication, MonitoringStack, RuleGroup } from 'cdk8s-mlops-monitoring';

/** Any application with a Service and a metrics port. */
const checkout: MonitoredApplication = {
  name: 'checkout', // the `job` label of its series
  namespace: 'shop',
  serviceName: 'checkout-service',
  portName: 'metrics',
  metricsPath: '/prometheus',
  scrapeInterval: '30s',
  serviceLabels: { app: 'checkout' }, // for the ServiceMonitor's selector
};

const checkoutAlerts: RuleGroup = {
  name: 'checkout',
  rules: [
    {
      alert: 'CheckoutDown',
      expr: 'up{job="checkout"} == 0',
      forDuration: '2m',
      severity: AlertSeverity.CRITICAL,
      component: 'checkout',
      summary: 'Checkout instance {{ $labels.pod }} is down',
      description: 'Prometheus has not scraped {{ $labels.pod }} for 2 minutes.',
    },
    {
      alert: 'CheckoutSlow',
      expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout"}[5m]))) > 1',
      forDuration: '10m',
      severity: AlertSeverity.WARNING,
      component: 'checkout',
      summary: 'Checkout p95 latency above 1s',
      description: 'The 95th percentile of checkout requests took {{ $value }}s.',
    },
  ],
};

/** The stack without the Iris API, monitoring another application: scrape job, alerts, ServiceMonitor. */
export function anotherApplication(app: App): MonitoringStack {
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'monitoring', { irisApi: { enabled: false } });
  stack.monitorApplication(checkout, { alerts: [checkoutAlerts] });
  return stack;
}

if (require.main === module) {
  const app = new App();
  anotherApplication(app);
  app.synth();
}

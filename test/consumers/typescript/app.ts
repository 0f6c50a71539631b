import { App, Chart } from 'cdk8s';
import { AlertSeverity, MonitoredApplication, MonitoringStack, RuleGroup } from 'cdk8s-mlops-monitoring';

// The TypeScript twin of test/consumers/python/app.py and test/consumers/go/main.go: the same constructs with the
// same ids, so the same objects. test/consumers.test.ts synthesizes it and compares; bench/consumers.js times it.

const checkout: MonitoredApplication = {
  name: 'checkout',
  namespace: 'shop',
  serviceName: 'checkout-service',
  portName: 'metrics',
  metricsPath: '/prometheus',
  scrapeInterval: '30s',
  serviceLabels: { app: 'checkout' },
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
  ],
};

/** The Iris API (the stack's default) and `checkout`, in the chart `monitoring`. */
export function consumerApp(app: App): Chart {
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'monitoring'); // with the Iris API, as by default
  stack.monitorApplication(checkout, { alerts: [checkoutAlerts] });
  return chart;
}

if (require.main === module) {
  const app = new App({ outdir: process.argv[2] });
  consumerApp(app);
  app.synth();
}

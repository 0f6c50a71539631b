import { App, Chart } from 'cdk8s';
import { AvailabilitySlo, LatencySlo, MonitoredApplication, MonitoringStack } from 'cdk8s-mlops-monitoring';

const checkout: MonitoredApplication = { name: 'checkout', namespace: 'shop', serviceName: 'checkout-service', portName: 'metrics' };

/**
 * The stack with the Iris API's SLOs (on by default) and a checkout service's: 99.9% of its requests
 * succeed, and 95% of `/cart` and `/pay` requests take at most 250ms, over 30 days.
 */
export function slosForAnotherApplication(app: App): MonitoringStack {
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'monitoring');
  stack.monitorApplication(checkout, {
    slos: [
      new AvailabilitySlo({
        name: 'availability',
        objectivePercent: 99.9,
        window: '30d',
        requestCounters: ['http_requests_total'],
        errorCounter: 'http_requests_total{code=~"5.."}',
      }),
      new LatencySlo({
        name: 'latency',
        objectivePercent: 95,
        window: '30d',
        histogram: 'http_request_duration_seconds',
        thresholdSeconds: 0.25, // must be a bucket bound (`le`) of the histogram
        handlers: ['/cart', '/pay'],
      }),
    ],
  });
  return stack;
}

if (require.main === module) {
  const app = new App();
  slosForAnotherApplication(app);
  app.synth();
}

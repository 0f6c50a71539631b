import { App, Chart } from 'cdk8s';
import { MonitoringStack } from 'cdk8s-mlops-monitoring';

/** The whole stack, in its own chart: `app.synth()` writes it as one file, dist/monitoring.k8s.yaml. */
export function wholeStack(app: App): Chart {
  const chart = new Chart(app, 'monitoring');
  new MonitoringStack(chart, 'monitoring');
  return chart;
}

if (require.main === module) {
  const app = new App();
  wholeStack(app);
  app.synth();
}

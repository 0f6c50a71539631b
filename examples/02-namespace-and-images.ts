import { App, Chart } from 'cdk8s';
import { MonitoringStack } from 'cdk8s-mlops-monitoring';

/** Another namespace, other images and versions, other settings. */
export function namespaceAndImages(app: App): Chart {
  const chart = new Chart(app, 'monitoring');
  new MonitoringStack(chart, 'monitoring', {
    namespace: 'observability',
    prometheus: {
      image: 'quay.io/prometheus/prometheus:v2.54.1',
      retention: '30d',
      scrapeInterval: '30s',
      externalLabels: { cluster: 'prod-eu' },
    },
    alertmanager: { image: 'quay.io/prometheus/alertmanager:v0.27.0' },
    grafana: { image: 'docker.io/grafana/grafana:11.4.0', adminSecretName: 'grafana-admin' },
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  namespaceAndImages(app);
  app.synth();
}

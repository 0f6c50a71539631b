import { App, Chart } from 'cdk8s';
import { MonitoringStack, Versions } from 'cdk8s-mlops-monitoring';

/** Another namespace, images from other registries (at the versions the library is tested with), other settings. */
export function namespaceAndImages(app: App): Chart {
  const chart = new Chart(app, 'monitoring');
  new MonitoringStack(chart, 'monitoring', {
    namespace: 'observability',
    prometheus: {
      image: `quay.io/prometheus/prometheus:v${Versions.PROMETHEUS}`,
      retention: '30d',
      scrapeInterval: '30s',
      externalLabels: { cluster: 'prod-eu' },
    },
    alertmanager: { image: `quay.io/prometheus/alertmanager:v${Versions.ALERTMANAGER}` },
    grafana: { image: `docker.io/grafana/grafana:${Versions.GRAFANA}`, adminSecretName: 'grafana-admin' },
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  namespaceAndImages(app);
  app.synth();
}

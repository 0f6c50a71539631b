import { App, Chart } from 'cdk8s';
import { IrisApiMonitoring, OperatorTarget, PrometheusOperatorDelivery } from 'cdk8s-mlops-monitoring';

/**
 * The Iris API added to a cluster's existing kube-prometheus-stack (Helm release `kube-prometheus-stack`): a
 * ServiceMonitor and a PrometheusRule labelled `release: kube-prometheus-stack`, its dashboards as ConfigMaps for
 * the chart's Grafana sidecar, and an AlertmanagerConfig paging the ML team on its critical alerts (the webhook
 * URL is read from the Secret `iris-api-alertmanager-receivers`, created out of band).
 */
export function kubePrometheusStack(app: App): PrometheusOperatorDelivery {
  const chart = new Chart(app, 'iris-api-monitoring', { namespace: 'iris' });
  const iris = new IrisApiMonitoring(chart, 'IrisApi', {
    receivers: [{ name: 'ml-oncall', webhook: [{ urlSecretKey: 'ml-oncall-url' }] }],
    routes: [{ receiver: 'ml-oncall', match: { severity: 'critical' } }],
  });
  return new PrometheusOperatorDelivery(chart, 'KubePrometheusStack', {
    monitoring: iris,
    target: OperatorTarget.kubePrometheusStack('kube-prometheus-stack'),
    dashboardFolder: 'ML',
  });
}

if (require.main === module) {
  const app = new App();
  kubePrometheusStack(app);
  app.synth();
}

import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { AlertRouter, GrafanaWithDashboards, MonitoringStack, PrometheusServer } from '../src';

interface K8sObject { kind: string; metadata: { name: string; namespace?: string }; [key: string]: any }

/** Synthesizes an app's charts; validation errors surface as the thrown message. */
function synth(build: (app: App) => void): K8sObject[] {
  const app = Testing.app();
  build(app);
  app.synth();
  return app.charts.flatMap((c) => c.toJson() as K8sObject[]);
}

const identity = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('stacks that coexist in one app', () => {
  test('two stacks in two namespaces: every object unique, each Prometheus bound to its own ClusterRole', () => {
    const objects = synth((app) => {
      new MonitoringStack(new Chart(app, 'team-a'), 'stack', { namespace: 'team-a' });
      new MonitoringStack(new Chart(app, 'team-b'), 'stack', { namespace: 'team-b' });
    });
    const ids = objects.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.metadata.name, b.roleRef.name, b.subjects[0].namespace])).toEqual([
      ['prometheus-team-a', 'prometheus-team-a', 'team-a'],
      ['prometheus-team-b', 'prometheus-team-b', 'team-b'],
    ]);
    // Both discover kube-state-metrics in kube-system, each through its own Role there.
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.namespace === 'kube-system').map((o) => o.metadata.name))
      .toEqual(['prometheus-team-a', 'prometheus-team-b']);
  });

  test('the default stack keeps the seed\'s names for its cluster-scoped objects', () => {
    const objects = synth((app) => new MonitoringStack(new Chart(app, 'monitoring'), 'stack'));
    expect(objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.metadata.name)).toEqual(['prometheus', 'prometheus']);
  });

  test('two stacks in one namespace: a synth error names the colliding objects and the fix', () => {
    expect(() => synth((app) => {
      new MonitoringStack(new Chart(app, 'one'), 'stack', { namespace: 'shared' });
      new MonitoringStack(new Chart(app, 'two'), 'stack', { namespace: 'shared' });
    })).toThrow('[two/stack] objects: Deployment.apps shared/prometheus (two/stack/Prometheus/Workload/Deployment/Resource) is also defined at one/stack/Prometheus/Workload/Deployment/Resource: applied, one would replace the other. Give one of them another name or namespace.');
  });

  test('a user object with the name of one of the stack\'s, before or after it, is reported once', () => {
    for (const userFirst of [true, false]) {
      const build = (app: App) => {
        const chart = new Chart(app, 'monitoring', { namespace: 'mlops' });
        const user = () => new k8s.KubeConfigMap(chart, 'MyConfig', { metadata: { name: 'prometheus-config' }, data: { a: 'b' } });
        if (userFirst) user();
        new MonitoringStack(chart, 'stack');
        if (!userFirst) user();
      };
      let message = '';
      try {
        synth(build);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.match(/ConfigMap mlops\/prometheus-config \([^)]*\) is also defined/g)).toHaveLength(1);
    }
  });

  test('objects of other kinds or namespaces may share a name', () => {
    expect(() => synth((app) => {
      const chart = new Chart(app, 'monitoring');
      new MonitoringStack(chart, 'stack');
      new k8s.KubeConfigMap(chart, 'Elsewhere', { metadata: { name: 'prometheus-config', namespace: 'other' } });
      ApiObject.of(new k8s.KubeServiceAccount(chart, 'SameNameOtherKind', { metadata: { name: 'prometheus-config', namespace: 'mlops' } }));
    })).not.toThrow();
  });
});

describe('components in different namespaces, wired together', () => {
  const objects = synth((app) => {
    const metrics = new Chart(app, 'metrics', { namespace: 'metrics' });
    const alerting = new Chart(app, 'alerting', { namespace: 'alerting' });
    const dashboards = new Chart(app, 'dashboards', { namespace: 'dashboards' });
    const router = new AlertRouter(alerting, 'alertmanager');
    const prometheus = new PrometheusServer(metrics, 'prometheus', { alertmanagers: [router] });
    router.allowAccessFrom(prometheus.podSelector, prometheus.namespace);
    const grafana = new GrafanaWithDashboards(dashboards, 'grafana', { prometheus });
    prometheus.allowAccessFrom(grafana.podSelector, grafana.namespace);
  });
  const policy = (namespace: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace)!.spec;
  const configMap = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!.data;
  const peer = (app: string, namespace: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { app, component: 'monitoring' } },
  });

  test('URLs are namespace-qualified across namespaces', () => {
    expect(configMap('grafana-config')['datasources.yaml']).toContain('url: http://prometheus-service.metrics.svc:9090');
    expect(configMap('prometheus-config')['prometheus.yml']).toContain('- alertmanager-service.alerting.svc:9093');
  });

  test('NetworkPolicies admit the peers in their own namespaces, and Grafana may reach Prometheus there', () => {
    expect(policy('metrics').ingress[0].from).toContainEqual(peer('grafana', 'dashboards'));
    expect(policy('alerting').ingress[0].from).toContainEqual(peer('prometheus', 'metrics'));
    expect(policy('dashboards').egress).toContainEqual({ to: [peer('prometheus', 'metrics')], ports: [{ protocol: 'TCP', port: 9090 }] });
  });

  test('a standalone AlertRouter admits the Prometheus you already run, named by props', () => {
    const alone = synth((app) => new AlertRouter(new Chart(app, 'alerting', { namespace: 'alerting' }), 'alertmanager', {
      allowedClients: [{ podLabels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'monitoring' }],
    }));
    expect(alone.find((o) => o.kind === 'NetworkPolicy')!.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    });
  });
});

import { parse } from 'yaml';
import { configMapData, find, Manifest, synthStack } from './support/synth';
import { AvailabilitySlo, MonitoringStack, MonitoringStackProps, RemoteWrite, ShardRuleEvaluation } from '../src';

const TEN_FILES = [
  'alertmanager-configmap.yaml',
  'alertmanager-deployment.yaml',
  'grafana-configmap.yaml',
  'grafana-dashboards-configmap.yaml',
  'grafana-deployment.yaml',
  'prometheus-configmap.yaml',
  'prometheus-deployment.yaml',
  'prometheus-rbac.yaml',
  'prometheus-rules.yaml',
  'servicemonitor-iris-api.yaml',
];

const { files, objects } = synthStack();
const kindsIn = (file: string) => files.get(file)!.split(/^---$/m).map((doc) => {
  const o = parse(doc) as Manifest;
  return `${o.kind}/${o.metadata.name}`;
});

describe('the ten files', () => {
  test('are exactly the SPEC table', () => {
    expect([...files.keys()]).toEqual(TEN_FILES);
  });

  test.each(TEN_FILES)('%s matches its snapshot', (file) => {
    expect(files.get(file)).toMatchSnapshot();
  });

  test.each([
    ['prometheus-rbac.yaml', [
      'ClusterRole/prometheus', 'ClusterRoleBinding/prometheus',
      'Role/prometheus', 'RoleBinding/prometheus', 'Role/prometheus', 'RoleBinding/prometheus',
    ]],
    ['prometheus-configmap.yaml', ['ConfigMap/prometheus-config']],
    ['prometheus-rules.yaml', ['ConfigMap/prometheus-rules']],
    // The ServiceAccount before the Deployment: `kubectl apply -f <folder>` reads prometheus-deployment.yaml before
    // prometheus-rbac.yaml, and a Pod cannot be created before its ServiceAccount exists.
    ['prometheus-deployment.yaml', ['ServiceAccount/prometheus', 'Deployment/prometheus', 'Service/prometheus-service', 'NetworkPolicy/prometheus']],
    ['servicemonitor-iris-api.yaml', ['ServiceMonitor/iris-api']],
    ['alertmanager-configmap.yaml', ['ConfigMap/alertmanager-config']],
    ['alertmanager-deployment.yaml', ['Deployment/alertmanager', 'Service/alertmanager-service', 'NetworkPolicy/alertmanager']],
    ['grafana-configmap.yaml', ['ConfigMap/grafana-config']],
    ['grafana-dashboards-configmap.yaml', ['ConfigMap/grafana-dashboards']],
    ['grafana-deployment.yaml', ['Deployment/grafana', 'Service/grafana-service', 'NetworkPolicy/grafana']],
  ])('%s holds %j', (file, expected) => {
    expect(kindsIn(file)).toEqual(expected);
  });

  test('every namespaced object is in mlops; cluster-scoped ones have no namespace', () => {
    for (const o of objects) {
      const clusterScoped = o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding';
      // kube-state-metrics is discovered in kube-system too: a Role there, bound to the mlops ServiceAccount.
      const namespaces: (string | undefined)[] = clusterScoped ? [undefined] : o.kind === 'Role' || o.kind === 'RoleBinding' ? ['mlops', 'kube-system'] : ['mlops'];
      expect([`${o.kind}/${o.metadata.name}`, namespaces.includes(o.metadata.namespace)]).toEqual([`${o.kind}/${o.metadata.name}`, true]);
    }
  });

  test('no hashed names: every object name is the human-readable one of the SPEC', () => {
    expect(objects.map((o) => o.metadata.name).sort()).toEqual([
      'alertmanager', 'alertmanager', 'alertmanager-config', 'alertmanager-service',
      'grafana', 'grafana', 'grafana-config', 'grafana-dashboards', 'grafana-service',
      'iris-api',
      'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus', 'prometheus-config', 'prometheus-rules', 'prometheus-service',
    ]);
  });
});

describe.each([
  ['prometheus', 9090],
  ['alertmanager', 9093],
  ['grafana', 3000],
])('%s workload', (app, port) => {
  const deployment = find(objects, 'Deployment', app);
  const service = find(objects, 'Service', `${app}-service`);
  const podLabels = deployment.spec.template.metadata.labels;

  test('carries app, component: monitoring and the recommended labels', () => {
    for (const labels of [deployment.metadata.labels, podLabels, service.metadata.labels]) {
      expect(labels).toMatchObject({
        'app': app,
        'component': 'monitoring',
        'app.kubernetes.io/name': app,
        'app.kubernetes.io/part-of': 'mlops-monitoring',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  test('selectors are stable labels that match its pods (not the construct path)', () => {
    const selector = deployment.spec.selector.matchLabels;
    expect(selector).toEqual({ app, component: 'monitoring' });
    expect(podLabels).toMatchObject(selector);
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(JSON.stringify(deployment)).not.toContain('cdk8s.io/metadata.addr');
  });

  test(`exposes port ${port} under the name http`, () => {
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ containerPort: port, name: 'http' }]);
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: port }]);
  });

  test('mounts nothing inside a read-only mount (its mount point could not be created)', () => {
    const mounts: { mountPath: string; readOnly?: boolean; subPath?: string }[] = deployment.spec.template.spec.containers[0].volumeMounts;
    for (const parent of mounts.filter((m) => m.readOnly && !m.subPath)) {
      expect(mounts.filter((m) => m.mountPath.startsWith(`${parent.mountPath}/`)).map((m) => m.mountPath)).toEqual([]);
    }
  });

  test('runs one replica', () => {
    expect(deployment.spec.replicas).toBe(1);
  });
});

describe('Prometheus', () => {
  const config = parse(configMapData(objects, 'prometheus-config')['prometheus.yml']);
  const jobs = new Map<string, any>(config.scrape_configs.map((job: any) => [job.job_name, job]));

  test('scrapes every 15s, keeps 28 days (the SLOs\' window) within 85% of its 10Gi volume, reloads edits by itself', () => {
    expect(config.global.scrape_interval).toBe('15s');
    expect(config.storage).toEqual({ tsdb: { retention: { time: '28d', size: '8704MB' } } });
    const pod = find(objects, 'Deployment', 'prometheus').spec.template;
    expect(pod.spec.containers[0].args).toEqual([
      '--config.file=/etc/prometheus/config/prometheus.yml', '--storage.tsdb.path=/prometheus',
      '--config.auto-reload', '--config.auto-reload-interval=30s', '--web.listen-address=:9090',
    ]);
    expect(pod.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
    // Nothing Prometheus reloads itself rolls the pod.
    expect(pod.metadata.annotations).toBeUndefined();
  });

  test.each([
    ['no SLO', { irisApiSlos: [] }, undefined, '15d'],
    ['the Iris API\'s SLOs (28d)', {}, undefined, '28d'],
    ['an application\'s 30d SLO besides', {}, (stack: MonitoringStack) => stack.monitorApplication({ name: 'checkout', serviceName: 'checkout' }, {
      slos: [new AvailabilitySlo({ name: 'availability', objectivePercent: 99.9, window: '30d', requestCounters: ['http_requests_total'], errorCounter: 'http_requests_total{code=~"5.."}' })],
    }), '30d'],
    ['an explicit retention longer than the SLO windows', { prometheus: { retention: '90d' } }, undefined, '90d'],
    ['an explicit shorter one, accepted', { prometheus: { retention: '15d', acceptShortRetention: true } }, undefined, '15d'],
    ['the rules in the long-term store\'s ruler', {
      prometheus: { shards: 2, remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', queryUrl: 'http://mimir/prometheus' })], shardRuleEvaluation: ShardRuleEvaluation.LONG_TERM_STORE },
    }, undefined, '15d'],
  ] as [string, MonitoringStackProps, ((stack: MonitoringStack) => void) | undefined, string][])('the retention covers the longest SLO window it evaluates: %s', (_name, props, customize, retention) => {
    const { objects: synthesized } = synthStack(props, customize);
    const files = configMapData(synthesized, 'prometheus-config');
    for (const file of Object.values(files)) expect(parse(file).storage.tsdb.retention.time).toBe(retention);
  });

  test('with persistence, the retention size follows the claim', () => {
    const { objects: persistent } = synthStack({ prometheus: { persistence: { size: '50Gi' } } });
    expect(parse(configMapData(persistent, 'prometheus-config')['prometheus.yml']).storage.tsdb.retention.size).toBe('43520MB');
  });

  test('has the scrape jobs of the SPEC', () => {
    expect([...jobs.keys()]).toEqual(['prometheus', 'kubernetes-cadvisor', 'kube-state-metrics', 'iris-api', 'alertmanager', 'grafana']);
  });

  test('finds the Iris API through Kubernetes service discovery, without the Operator', () => {
    const iris = jobs.get('iris-api');
    expect(iris.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['mlops'] } }]);
    expect(iris.relabel_configs).toEqual(expect.arrayContaining([
      { source_labels: ['__meta_kubernetes_service_name'], regex: 'iris-api-service', action: 'keep' },
      { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'http', action: 'keep' },
    ]));
    expect(iris.metrics_path).toBe('/metrics');
  });

  test('reads cAdvisor from each kubelet (nodes/metrics), not through the API server proxy', () => {
    const cadvisor = jobs.get('kubernetes-cadvisor');
    expect(cadvisor.kubernetes_sd_configs).toEqual([{ role: 'node' }]);
    expect(cadvisor).toMatchObject({ scheme: 'https', metrics_path: '/metrics/cadvisor', track_timestamps_staleness: true });
    expect(JSON.stringify(cadvisor)).not.toContain('/proxy/');
  });

  test('looks for kube-state-metrics only in kube-system and its own namespace (its series name other pods)', () => {
    const ksm = jobs.get('kube-state-metrics');
    expect(ksm).toMatchObject({ honor_labels: true, kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['kube-system', 'mlops'] } }] });
  });

  test('sends alerts to alertmanager-service:9093 and loads rules from /etc/prometheus/rules', () => {
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager-service:9093']);
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    const mounts = find(objects, 'Deployment', 'prometheus').spec.template.spec.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ mountPath: '/etc/prometheus/rules', name: 'rules', readOnly: true });
  });

  test('uses the prometheus ServiceAccount with its token mounted (service discovery needs it)', () => {
    const pod = find(objects, 'Deployment', 'prometheus').spec.template.spec;
    expect(pod.serviceAccountName).toBe('prometheus');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'ClusterRoleBinding', 'prometheus').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'mlops' }]);
  });
});

describe('alert rules', () => {
  const rules = configMapData(objects, 'prometheus-rules');
  const alerts = Object.values(rules).flatMap((file) => parse(file).groups.flatMap((g: any) => g.rules));

  test('are in api-alerts.yml, infrastructure-alerts.yml and monitoring-alerts.yml; the Iris API\'s SLO rules in iris-api-slos.yml', () => {
    expect(Object.keys(rules)).toEqual(['api-alerts.yml', 'infrastructure-alerts.yml', 'iris-api-slos.yml', 'monitoring-alerts.yml']);
  });

  // The SPEC's eight with the seed's severities, the model's health (test/model-health.test.ts), then the stack watching itself.
  test.each([
    ['IrisAPIDown', 'critical', 'iris-api', 'mlops'],
    ['HighErrorRate', 'warning', 'iris-api', 'mlops'],
    ['HighLatency', 'warning', 'iris-api', 'mlops'],
    ['ModelNotLoaded', 'critical', 'iris-api', 'mlops'],
    ['LowPredictionRate', 'info', 'iris-api', 'mlops'],
    ['PredictionDistributionShift', 'warning', 'iris-api', 'mlops'],
    ['ModelConfidenceCollapse', 'warning', 'iris-api', 'mlops'],
    ['PodCrashLooping', 'warning', 'infrastructure', undefined],
    ['HighCPUUsage', 'warning', 'infrastructure', undefined],
    ['HighMemoryUsage', 'warning', 'infrastructure', undefined],
    ['CPUThrottlingHigh', 'warning', 'infrastructure', undefined],
    ['KubeStateMetricsAbsent', 'warning', 'infrastructure', undefined],
    ['Watchdog', 'none', 'monitoring', 'mlops'],
    ['TargetDown', 'warning', 'monitoring', undefined],
    ['PrometheusConfigReloadFailed', 'critical', 'monitoring', 'mlops'],
    ['PrometheusRuleEvaluationFailures', 'critical', 'monitoring', 'mlops'],
    ['PrometheusNotConnectedToAlertmanagers', 'critical', 'monitoring', 'mlops'],
    ['PrometheusAlertDeliveryFailing', 'critical', 'monitoring', 'mlops'],
    ['AlertmanagerConfigReloadFailed', 'critical', 'monitoring', 'mlops'],
    ['AlertmanagerNotificationsFailing', 'warning', 'monitoring', 'mlops'],
  ])('%s is %s, component %s, with summary, description and runbook', (alert, severity, component, namespace) => {
    const rule = alerts.find((r: any) => r.alert === alert);
    expect(rule.labels).toEqual({ severity, component, ...(namespace ? { namespace } : {}) });
    expect(rule.annotations).toEqual({
      summary: expect.any(String),
      description: expect.any(String),
      runbook_url: `https://github.com/iris-mlops/cdk8s-mlops-monitoring/blob/main/docs/runbooks/${alert}.md`,
    });
  });

  test('are those twenty and the four SLO burn-rate alerts (test/slo.test.ts), no more', () => {
    expect(alerts.filter((r: any) => r.alert && !r.labels.slo)).toHaveLength(20);
    expect(alerts.filter((r: any) => r.alert && r.labels.slo).map((r: any) => r.alert)).toEqual([
      'IrisApiAvailabilityFastBurn', 'IrisApiAvailabilitySlowBurn', 'IrisApiLatencyFastBurn', 'IrisApiLatencySlowBurn',
    ]);
  });
});

describe('Alertmanager', () => {
  const config = parse(configMapData(objects, 'alertmanager-config')['alertmanager.yml']);

  test('groups by alertname, severity, component and repeats every 12h', () => {
    expect(config.route).toMatchObject({ receiver: 'default', group_by: ['alertname', 'severity', 'component'], repeat_interval: '12h' });
  });

  test('sends the Watchdog to its own receiver every minute, then routes by severity', () => {
    expect(config.receivers.map((r: any) => r.name)).toEqual(['default', 'critical', 'warning', 'watchdog']);
    expect(config.route.routes).toEqual([
      { receiver: 'watchdog', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '1m' },
      { receiver: 'critical', matchers: ['severity="critical"'] },
      { receiver: 'warning', matchers: ['severity="warning"'] },
    ]);
  });

  test('a critical alert about an application mutes its warning and info alerts (same job and namespace)', () => {
    expect(config.inhibit_rules).toEqual([{
      source_matchers: ['severity="critical"', 'job=~".+"'], target_matchers: ['severity=~"warning|info"'], equal: ['namespace', 'job'],
    }]);
  });
});

describe('Grafana', () => {
  const config = configMapData(objects, 'grafana-config');
  const dashboards = configMapData(objects, 'grafana-dashboards');

  test('provisions the Prometheus datasource at http://prometheus-service:9090 with a fixed uid', () => {
    const datasources = parse(config['datasources.yaml']).datasources;
    expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-service:9090', isDefault: true })]);
  });

  test('reads dashboards from the grafana-dashboards ConfigMap mounted at /var/lib/grafana/dashboards', () => {
    expect(parse(config['dashboards.yaml']).providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const pod = find(objects, 'Deployment', 'grafana').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.configMap?.name === 'grafana-dashboards');
    expect(pod.containers[0].volumeMounts).toContainEqual({ mountPath: '/var/lib/grafana/dashboards', name: volume.name, readOnly: true });
  });

  const panelsOf = (key: string): any[] => JSON.parse(dashboards[key]).panels;
  const exprOf = (key: string, title: string): string => panelsOf(key).find((p) => p.title === title).targets[0].expr;

  test.each([
    ['iris-api-overview.json', 'Iris API - Overview', ['Prediction rate by class', 'Confidence distribution', 'Error rate', 'Model status', 'Total predictions'], ['namespace', 'job', 'instance']],
    ['kubernetes-infrastructure.json', 'Kubernetes - Infrastructure', ['CPU usage by pod', 'Memory working set by pod', 'Pods by phase'], ['namespace', 'pod']],
  ])('%s is "%s" with its panels, each query filtered by every variable', (key, title, panels, variables) => {
    const dashboard = JSON.parse(dashboards[key]);
    expect(dashboard.title).toBe(title);
    expect(dashboard.templating.list.map((v: any) => v.name)).toEqual(['datasource', ...variables]);
    const titles = dashboard.panels.map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining(panels));
    for (const panel of dashboard.panels) {
      expect(panel.id).toEqual(expect.any(Number));
      expect(panel.description).toEqual(expect.any(String));
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      panel.targets.forEach((t: any) => {
        expect(t.refId).toMatch(/^[A-Z]$/);
        expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        // Recorded per job (the model-health row's `job:...` series) have no instance to filter on.
        const perJob = /\bjob[a-z_]*:/.test(t.expr);
        for (const variable of variables.filter((v) => !(perJob && v === 'instance'))) expect(t.expr).toContain(`=~"$${variable}"`);
      });
    }
    expect(new Set(dashboard.panels.map((p: any) => p.id)).size).toBe(dashboard.panels.length);
  });

  test('every dashboard\'s datasource variable selects the provisioned Prometheus by its fixed uid', () => {
    const { uid } = parse(config['datasources.yaml']).datasources[0];
    for (const json of Object.values(dashboards)) {
      expect(JSON.parse(json).templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus', current: { value: uid } });
    }
  });

  test('time series have a legend at the bottom and a tooltip listing every series; stats show the last non-null value', () => {
    for (const panel of Object.keys(dashboards).flatMap(panelsOf)) {
      if (panel.type === 'timeseries') {
        expect(panel.options.legend).toMatchObject({ showLegend: true, placement: 'bottom' });
        expect(panel.options.tooltip).toEqual({ mode: 'multi', sort: 'desc' });
      } else {
        expect(panel.options.reduceOptions.calcs).toEqual(['lastNotNull']);
      }
    }
  });

  test('the error ratio and the errors per second are on panels of their own, each in its unit', () => {
    const units = Object.fromEntries(panelsOf('iris-api-overview.json').map((p) => [p.title, p.fieldConfig.defaults.unit]));
    expect(units).toMatchObject({ 'Error rate': 'percentunit', 'Errors by type and endpoint': 'reqps', 'Request latency (p50, p95)': 's' });
  });

  test('total predictions are an increase over the dashboard range, which a restart does not reset', () => {
    expect(exprOf('iris-api-overview.json', 'Total predictions')).toMatch(/^sum\(increase\(model_predictions_total\{.*\}\[\$__range\]\)\) or /);
  });

  test('request latency reads the inference routes only', () => {
    const latency = panelsOf('iris-api-overview.json').find((p) => p.title === 'Request latency (p50, p95)');
    for (const t of latency.targets) expect(t.expr).toContain('handler=~"/predict"');
  });

  test('the crash-looping stat says kube-state-metrics is missing instead of a reassuring 0', () => {
    const crashLoops = panelsOf('kubernetes-infrastructure.json').find((p) => p.title === 'Crash-looping containers');
    expect(crashLoops.targets[0].expr).not.toContain('vector(0)');
    expect(crashLoops.fieldConfig.defaults.noValue).toBe('kube-state-metrics not scraped');
  });

  test('takes admin credentials from Secret grafana-secrets, never from a literal', () => {
    const env = find(objects, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'admin-password' } } },
      { name: 'GF_SECURITY_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'secret-key' } } },
    ]);
  });

  test('keeps anonymous access off', () => {
    expect(config['grafana.ini']).toMatch(/\[auth\.anonymous\]\nenabled = false\n/);
  });
});

describe('Iris API ServiceMonitor', () => {
  const monitor = find(objects, 'ServiceMonitor', 'iris-api');

  test('selects the iris-api Service port http at /metrics, job named iris-api', () => {
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toEqual({
      jobLabel: 'app',
      selector: { matchLabels: { app: 'iris-api' } },
      namespaceSelector: { matchNames: ['mlops'] },
      // The rules' rate windows assume the stack's interval, not the Operator's 30s default.
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }],
    });
  });
});

import { parse } from 'yaml';
import { AlertRouterProps, IngressAuthentication, KubernetesSdRole, MonitoringStackProps, Scheme } from '../src';
import { configMapData, find, Manifest, synthStack } from './support/synth';

const defaults = synthStack();
const selector = (app: string) => ({ app, component: 'monitoring' });

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

describe('least-privilege RBAC for Prometheus', () => {
  const rbacObjects = (objects: Manifest[]) => objects.filter((o) => ['ClusterRole', 'Role'].includes(o.kind));
  const rulesOf = (objects: Manifest[], kind: string, namespace?: string) =>
    objects.find((o) => o.kind === kind && o.metadata.namespace === namespace)?.rules as Rule[] | undefined;
  const discovery: Rule[] = [
    { apiGroups: [''], resources: ['pods', 'services'], verbs: ['list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
  ];

  test('read-only verbs, no wildcard, no secrets, configmaps or nodes/proxy', () => {
    for (const role of rbacObjects(defaults.objects)) {
      for (const rule of role.rules as Rule[]) {
        expect(['get', 'list', 'watch']).toEqual(expect.arrayContaining(rule.verbs));
        for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
        for (const forbidden of ['secrets', 'configmaps', 'nodes/proxy', 'endpoints']) expect(rule.resources).not.toContain(forbidden);
      }
    }
  });

  test('cluster-wide only what is cluster-wide: nodes, and the kubelet\'s own metrics', () => {
    expect(rulesOf(defaults.objects, 'ClusterRole')).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
  });

  test('EndpointSlice discovery in a Role per namespace the jobs name: mlops (Iris API), kube-system (kube-state-metrics)', () => {
    expect(rulesOf(defaults.objects, 'Role', 'mlops')).toEqual(discovery);
    expect(rulesOf(defaults.objects, 'Role', 'kube-system')).toEqual(discovery);
    const bindings = defaults.objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.kind, b.metadata.namespace, b.roleRef.name, b.subjects])).toEqual([
      ['ClusterRoleBinding', undefined, 'prometheus', [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'mlops' }]],
      ['RoleBinding', 'kube-system', 'prometheus', [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'mlops' }]],
      ['RoleBinding', 'mlops', 'prometheus', [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'mlops' }]],
    ]);
  });

  test('without Kubernetes monitoring (no cAdvisor, no kube-state-metrics) there is no ClusterRole at all', () => {
    const { objects } = synthStack({ prometheus: { kubernetesMonitoring: false } });
    expect(rbacObjects(objects).map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(['Role/mlops']);
  });

  test('rules follow every kind of job: cluster-wide discovery, the kubelet directly, the node and service proxies', () => {
    const { objects } = synthStack({}, (stack) => {
      stack.prometheus.addScrapeJob({ jobName: 'all-pods', kubernetesSdConfigs: [{ role: KubernetesSdRole.POD }] });
      stack.prometheus.addScrapeJob({ jobName: 'kubelet', scheme: Scheme.HTTPS, kubernetesSdConfigs: [{ role: KubernetesSdRole.NODE }] });
      stack.prometheus.addScrapeJob({
        jobName: 'node-exporter-via-proxy', kubernetesSdConfigs: [{ role: KubernetesSdRole.NODE }],
        relabelConfigs: [{ sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics' }],
      });
      stack.prometheus.addScrapeJob({ jobName: 'svc-proxy', metricsPath: '/api/v1/namespaces/shop/services/cart:8080/proxy/metrics', staticConfigs: [{ targets: ['kubernetes.default.svc:443'] }] });
    });
    expect(rulesOf(objects, 'ClusterRole')).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics', 'nodes/proxy'], verbs: ['get'] },
    ]);
    expect(rulesOf(objects, 'Role', 'shop')).toEqual([{ apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }]);
  });

  test('bound to the Prometheus ServiceAccount only, whose token only the Prometheus pod mounts', () => {
    expect(find(defaults.objects, 'ServiceAccount', 'prometheus').automountServiceAccountToken).toBe(false);
    const pods = defaults.objects.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.automountServiceAccountToken]);
    expect(Object.fromEntries(pods)).toEqual({ prometheus: true, alertmanager: false, grafana: false });
  });
});

describe('NetworkPolicies', () => {
  const policy = (objects: Manifest[], name: string) => find(objects, 'NetworkPolicy', name).spec;
  const dnsEgress = {
    // CoreDNS/kube-dns pods anywhere, and NodeLocal DNSCache (host network, so an address).
    to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, { ipBlock: { cidr: '169.254.20.10/32' } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };

  test('only Grafana and Prometheus\'s own peers reach Prometheus; Prometheus may reach any scrape target', () => {
    expect(policy(defaults.objects, 'prometheus')).toEqual({
      podSelector: { matchLabels: selector('prometheus') },
      // Ingress only: egress stays open so Prometheus reaches its targets (any namespace) and DNS.
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: selector('prometheus') } }, { podSelector: { matchLabels: selector('grafana') } }], ports: [{ protocol: 'TCP', port: 9090 }] }],
    });
  });

  test('only Prometheus (and Alertmanager\'s own peers) reach Alertmanager', () => {
    expect(policy(defaults.objects, 'alertmanager')).toEqual({
      podSelector: { matchLabels: selector('alertmanager') },
      // Egress open: receivers (Slack, SMTP, PagerDuty, webhooks) live outside the cluster.
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: selector('alertmanager') } }, { podSelector: { matchLabels: selector('prometheus') } }], ports: [{ protocol: 'TCP', port: 9093 }] }],
    });
  });

  test('only Prometheus (which scrapes it) and Grafana\'s own peers reach Grafana; it may reach only DNS and Prometheus', () => {
    // Users come through `kubectl port-forward` (which no NetworkPolicy sees) or an Ingress.
    expect(policy(defaults.objects, 'grafana')).toEqual({
      podSelector: { matchLabels: selector('grafana') },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: selector('grafana') } }, { podSelector: { matchLabels: selector('prometheus') } }], ports: [{ protocol: 'TCP', port: 3000 }] }],
      egress: [dnsEgress, { to: [{ podSelector: { matchLabels: selector('prometheus') } }], ports: [{ protocol: 'TCP', port: 9090 }] }],
    });
  });

  test('networkPolicy: false turns them off', () => {
    const { objects } = synthStack({
      prometheus: { networkPolicy: false },
      alertmanager: { networkPolicy: false },
      grafana: { networkPolicy: false },
    });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('with an Ingress, the program\'s port is opened to the ingress controller\'s namespace, not the world', () => {
    // Every pod of that namespace: `podSelector: {}` (the API server would drop an empty `matchLabels`).
    const controller = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: {} });
    const { objects } = synthStack({
      prometheus: { ingress: { host: 'prometheus.mlops.local', tlsSecretName: 'tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } } },
      grafana: { ingress: { host: 'grafana.mlops.local', tlsSecretName: 'tls', controllerNamespace: 'traefik' } },
    });
    expect(policy(objects, 'prometheus').ingress[0].from).toEqual([
      { podSelector: { matchLabels: selector('prometheus') } }, { podSelector: { matchLabels: selector('grafana') } }, controller('ingress-nginx'),
    ]);
    expect(policy(objects, 'grafana').ingress[0].from).toContainEqual(controller('traefik'));
    expect(policy(objects, 'alertmanager').ingress[0].from).toHaveLength(2); // the others stay closed
  });
});

describe('Grafana credentials and anonymous access', () => {
  const iniOf = (objects: Manifest[]) => configMapData(objects, 'grafana-config')['grafana.ini'];

  test('admin user and password come from Secret grafana-secrets, which the output does not contain', () => {
    const env = find(defaults.objects, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'admin-password' } } },
      // Grafana's own encryption key, not its public built-in default.
      { name: 'GF_SECURITY_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'grafana-secrets', key: 'secret-key' } } },
    ]);
    expect(defaults.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('no admin credential literal anywhere in the output', () => {
    const output = [...defaults.files.values()].join('\n');
    expect(output).not.toMatch(/admin\/admin/);
    expect(output).not.toMatch(/admin_(user|password)\s*=/); // grafana.ini would otherwise override the env
    expect(output).not.toMatch(/GF_SECURITY_ADMIN_PASSWORD\s*\n\s*value:/);
  });

  test('anonymous access is off by default', () => {
    expect(iniOf(defaults.objects)).toContain('[auth.anonymous]\nenabled = false\n');
  });

  test('anonymousAccess: true lets visitors in as Viewers only', () => {
    const ini = iniOf(synthStack({ grafana: { anonymousAccess: true } }).objects);
    expect(ini).toContain('[auth.anonymous]\nenabled = true\norg_role = Viewer\n');
    expect(ini).toContain('allow_sign_up = false');
  });

  test('behind a TLS Ingress, cookies are Secure and the root URL https', () => {
    const ini = iniOf(synthStack({ grafana: { ingress: { host: 'grafana.mlops.local', tlsSecretName: 'grafana-tls' } } }).objects);
    expect(ini).toContain('cookie_secure = true');
    expect(ini).toContain('root_url = https://grafana.mlops.local/');
    expect(iniOf(defaults.objects)).not.toContain('cookie_secure');
  });

  test('anonymous access through a plain-HTTP Ingress takes a second opt-in', () => {
    const plain = { host: 'grafana.mlops.local', allowPlainHttp: true };
    expect(() => synthStack({ grafana: { anonymousAccess: true, ingress: plain } })).toThrow(
      '[monitoring/stack/Grafana] anonymousAccess: anonymous access through a plain-HTTP Ingress shows every dashboard, in clear text, to whoever reaches the host: serve TLS (ingress.tlsSecretName), or also set anonymousAccessOverPlainHttp: true');
    const ini = iniOf(synthStack({ grafana: { anonymousAccess: true, anonymousAccessOverPlainHttp: true, ingress: plain } }).objects);
    expect(ini).toContain('root_url = http://grafana.mlops.local/');
    expect(ini).not.toContain('cookie_secure');
  });
});

describe('a safe Ingress', () => {
  test.each([
    ['no TLS without an explicit opt-out', { grafana: { ingress: { host: 'grafana.mlops.local' } } },
      '[monitoring/stack/Grafana] ingress.tlsSecretName: an Ingress serves TLS: name the certificate\'s Secret (cert-manager can create it), or set allowPlainHttp: true to serve plain HTTP'],
    ['Prometheus without a choice of authentication', { prometheus: { ingress: { host: 'p.mlops.local', tlsSecretName: 'tls' } } },
      '[monitoring/stack/Prometheus] ingress.authentication: this UI has no login of its own: set IngressAuthentication.ANNOTATIONS with your controller\'s auth annotations (e.g. nginx.ingress.kubernetes.io/auth-url), or IngressAuthentication.NONE to open it to whoever reaches the host'],
    ['authentication by annotations without any', { alertmanager: { ingress: { host: 'a.mlops.local', tlsSecretName: 'tls', authentication: IngressAuthentication.ANNOTATIONS } } },
      '[monitoring/stack/Alertmanager] ingress.annotations: authentication by annotations needs an annotation that configures it (got none)'],
  ] as const)('%s is refused', (_name, props, message) => {
    expect(() => synthStack(props as MonitoringStackProps)).toThrow(message);
  });

  test('an explicit open UI, annotations for cert-manager and auth reach the Ingress', () => {
    const { objects } = synthStack({
      alertmanager: { ingress: { host: 'a.mlops.local', tlsSecretName: 'a-tls', authentication: IngressAuthentication.NONE } },
      prometheus: { ingress: { host: 'p.mlops.local', tlsSecretName: 'p-tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } } },
      grafana: { ingress: { host: 'g.mlops.local', tlsSecretName: 'g-tls', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } } },
    });
    const ingress = (name: string) => find(objects, 'Ingress', name);
    expect(ingress('alertmanager').metadata.annotations).toBeUndefined();
    expect(ingress('prometheus').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' });
    expect(ingress('grafana').metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
  });
});

describe('Alertmanager receivers read their credentials from the mounted Secret', () => {
  const SECRETS_DIR = '/etc/alertmanager/secrets';
  const receivers: AlertRouterProps['receivers'] = [
    { name: 'default' },
    { name: 'critical', pagerDuty: [{ routingKeySecretKey: 'pagerduty-routing-key' }], slack: [{ channel: '#oncall', apiUrlSecretKey: 'slack-webhook-url' }] },
    {
      name: 'warning',
      email: [{ to: 'team@example.org', fromAddress: 'alertmanager@example.org', smarthost: 'smtp.example.org:587', authUsername: 'alertmanager', authPasswordSecretKey: 'smtp-password' }],
      webhook: [{ url: 'https://hooks.example.org/alerts', bearerTokenSecretKey: 'webhook-token' }, { urlSecretKey: 'heartbeat-url' }],
    },
  ];
  const { objects } = synthStack({ alertmanager: { receivers } });
  const configYaml = configMapData(objects, 'alertmanager-config')['alertmanager.yml'];
  const config = parse(configYaml);

  test('every credential is a *_file path into the Secret mount, one per Secret key', () => {
    const byName = Object.fromEntries(config.receivers.map((r: { name: string }) => [r.name, r]));
    expect(byName.critical.pagerduty_configs[0].routing_key_file).toBe(`${SECRETS_DIR}/pagerduty-routing-key`);
    expect(byName.critical.slack_configs[0].api_url_file).toBe(`${SECRETS_DIR}/slack-webhook-url`);
    expect(byName.warning.email_configs[0].auth_password_file).toBe(`${SECRETS_DIR}/smtp-password`);
    expect(byName.warning.webhook_configs[0].http_config.authorization.credentials_file).toBe(`${SECRETS_DIR}/webhook-token`);
    expect(byName.warning.webhook_configs[1]).toEqual({ send_resolved: true, url_file: `${SECRETS_DIR}/heartbeat-url` });
  });

  test('no inline credential field in any ConfigMap', () => {
    // The inline twins of the *_file fields: a value under any of these keys would be a secret in git.
    const INLINE = /^\s*-?\s*(api_url|auth_password|auth_secret|routing_key|service_key|credentials|bearer_token|password):/m;
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
    expect(configMaps.map((c) => c.metadata.name)).toContain('alertmanager-config');
    for (const configMap of configMaps) {
      for (const value of Object.values<string>(configMap.data)) expect(value).not.toMatch(INLINE);
    }
  });

  test('the Secret is mounted read-only at the path the *_file fields point into', () => {
    const pod = find(objects, 'Deployment', 'alertmanager').spec.template.spec;
    // Required: a receiver reads from it, so a missing Secret stops the pod instead of the first notification.
    expect(pod.volumes).toContainEqual({ name: 'secrets', secret: { secretName: 'alertmanager-secrets' } });
    const defaultPod = find(defaults.objects, 'Deployment', 'alertmanager').spec.template.spec;
    expect(defaultPod.volumes).toContainEqual({ name: 'secrets', secret: { secretName: 'alertmanager-secrets', optional: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secrets', mountPath: SECRETS_DIR, readOnly: true });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('optional Ingress with TLS for the three UIs', () => {
  const HOSTS = { prometheus: ['prometheus.mlops.local', 9090], alertmanager: ['alertmanager.mlops.local', 9093], grafana: ['grafana.mlops.local', 3000] } as const;
  const { objects } = synthStack({
    prometheus: { ingress: { host: HOSTS.prometheus[0], tlsSecretName: 'monitoring-tls', ingressClassName: 'nginx', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } } },
    alertmanager: { ingress: { host: HOSTS.alertmanager[0], tlsSecretName: 'monitoring-tls', ingressClassName: 'nginx', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } } },
    grafana: { ingress: { host: HOSTS.grafana[0], tlsSecretName: 'monitoring-tls', ingressClassName: 'nginx' } },
  });

  test('no Ingress unless asked for', () => {
    expect(defaults.objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test.each(Object.entries(HOSTS))('%s gets its host, routed to its Service, with TLS from the Secret', (program, [host, port]) => {
    expect(find(objects, 'Ingress', program).spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: [host], secretName: 'monitoring-tls' }],
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${program}-service`, port: { number: port } } } }] } }],
    });
  });

  test('Grafana knows its public https URL (redirects and links)', () => {
    expect(configMapData(objects, 'grafana-config')['grafana.ini']).toContain('root_url = https://grafana.mlops.local/');
  });
});

test('DNS egress can name the cluster\'s own DNS servers and the port their pods listen on (OpenShift)', () => {
  const { objects } = synthStack({
    grafana: {
      dnsEgress: {
        podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' },
        namespaceLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' },
        ipBlocks: [],
        ports: [5353],
      },
    },
  });
  const dns = find(objects, 'NetworkPolicy', 'grafana').spec.egress[0];
  expect(dns.to).toEqual([{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } },
    podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } },
  }]);
  // The policy sees the pod's port, after the Service's translation of 53: the real cluster suite found that a
  // DNS server listening elsewhere is unreachable with a rule on 53.
  expect(dns.ports).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }]);
});

test('the receivers Secret is required in an Alertmanager cluster too (its data volumes come from claim templates)', () => {
  const receivers: AlertRouterProps['receivers'] = [{ name: 'default', pagerDuty: [{ routingKeySecretKey: 'pd-key' }] }, { name: 'critical' }, { name: 'warning' }];
  for (const persistence of [undefined, { size: '1Gi' }]) {
    const { objects } = synthStack({ alertmanager: { replicas: 3, persistence, receivers } });
    const pod = find(objects, 'StatefulSet', 'alertmanager').spec.template.spec;
    expect(pod.volumes.find((v: { name: string }) => v.name === 'secrets')).toEqual({ name: 'secrets', secret: { secretName: 'alertmanager-secrets' } });
  }
});

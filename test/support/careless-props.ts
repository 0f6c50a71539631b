/*
 * fast-check arbitraries of MonitoringStackProps as a careless user writes them: mostly plausible values,
 * mixed with the mistakes people make (units, percent for ratio, regexes from another dialect, templates with
 * a missing brace, PromQL that type-checks only in their head, IP addresses for hosts...).
 */
import * as fc from 'fast-check';
import {
  AlertRule, AvailabilitySlo, Dashboard, IngressAuthentication, LatencySlo, MatchOperator, MonitoringStackProps, Panel, RecordingRule, RemoteWrite,
  RuleGroup, ServiceLevelObjective, ShardBy, ShardRuleEvaluation,
} from '../../src';
import { RelabelConfig, ScrapeConfig } from '../../src/prometheus/config-model';

const HEX64 = 'a'.repeat(64);

/**
 * Some valid values, some invalid ones, and a few random strings. The first value of each list is a valid one
 * and is drawn more often, so that a case is not always refused for its first mistake.
 */
function careless<T>(values: readonly T[], random?: fc.Arbitrary<T>): fc.Arbitrary<T> {
  const choices: fc.WeightedArbitrary<T>[] = [{ weight: 3, arbitrary: fc.constant(values[0]) }, { weight: 4, arbitrary: fc.constantFrom(...values) }];
  return fc.oneof(...choices, ...(random ? [{ weight: 1, arbitrary: random }] : []));
}

const shortString = fc.string({ maxLength: 8 });
export const durations = careless(['15s', '30s', '1m', '2m', '3m', '5m', '10m', '1h', '1h30m', '0s', '15x', '-1d', '', ' 15s', '15S', '1.5m', '30', '5m30s', '1ms', '2d'], shortString);
export const ratios = careless([0.05, 0.5, 0.999, 0, 1, 5, 50, 95, -1, NaN, Infinity, -Infinity, 1e-9]);
export const positives = careless([1, 0.5, 10, 0, -1, NaN, Infinity, 1e21]);
export const names = careless(['my-app', 'app1', 'MyApp', 'x_y', '-a', 'a.b', '', 'a'.repeat(64), 'a1-b2'], shortString);
export const labelNames = careless(['team', 'x-y', '__name__', '__x', '1abc', 'severity', 'component', '_ok', 'é', 'alertname', ''], shortString);
export const labelValues = careless(['ops', '', 'a"b', '{{ $labels.job }}', '{{ $labels.job }', 'line\nbreak', 'x'.repeat(300), '{{ .Bad'], fc.string({ maxLength: 6 }));
export const regexes = careless(['.*', '(', 'a(?=b)', '(a)\\1', '[a-z]+', 'a{2,3}', '\\d+', '(?i)foo', '(?P<n>x)', '(?<n>x)', 'a**', '\\Q', '[[:alpha:]]', 'a{1001}', '\\p{L}', 'x$', '^x', '\\', 'a|', '(?!x)', '\\b', '[z-a]']);
export const templates = careless([
  'plain text', '{{ $labels.x }}', '{{ $labels.x }', '{{ .Labels.x }}', '{{ $value | humanize }}', '{{ if }}', '{{ end }}', '}} {{',
  '{{ humanizePercentage $value }}', '{{ $labels.x | printf "%s" }}', '{{{ x }}}', '{{ $value }', '{{', 'a }} b', '{{ $labels.instance }} is down',
  '{{ if gt $value 1.0 }}high{{ end }}', '{{ if gt $value 1.0 }}high', '{{ nosuchfunc $value }}', '{{ $nosuchvar }}', '{{/* comment */}}',
]);
export const promql = careless([
  'up == 0', 'rate(up)', 'rate(up[5m]) > 1', 'sum(', 'up{job="x"', 'increase(x_total[5m])', 'irate(http_requests_total)', 'increase(x_total)',
  'rate(sum(x)[5m:])', 'rate(x[5m:1m])', 'histogram_quantile(0.9, rate(x_bucket[5m]))', 'up = 0', 'absent(up)', 'rate(x offset 5m)',
  'avg_over_time(up)', 'avg_over_time(up[5m])', 'rate(sum(x))', 'sum(rate(x[5m])) by (job)', 'up{job=~"("}', 'up{job=~"a(?=b)"}',
  'rate(up[5m] offset 1m)', 'rate((up))', 'rate(up @ 100)', 'deriv(up)', 'delta(up[5m])', 'label_replace(up, "x", "$1", "job", "(")', '',
]);
export const urls = careless(['https://example.com/runbooks', 'http://x', 'example.com', 'ftp://x', 'https://exa mple.com', '', 'https://', 'http://[::1]:9090']);
export const quantities = careless(['10Gi', '0', '1e21', '10 GB', '512Mi', '-1Gi', '1.5Gi', '0.5Ki', '100m', '10gi', '1Ei', '', '5Ti', '8388608Gi', '8388609Gi', '99999999999999999999Ti']);
export const images = careless([
  'prom/prometheus:v3.13.5', 'prom/prometheus', 'prom/prometheus:latest', 'prom/prometheus: v3', 'prom/prometheus@sha256:abc', `prom/prometheus@sha256:${HEX64}`,
  'Prom/Prometheus:v1', 'registry:5000/prom:v1', `prom/prometheus:v3@sha256:${HEX64}`, 'prom/prometheus:-bad', 'quay.io/prometheus/prometheus:v3.13.5',
  'prom/prometheus:v3 ', 'prom//prometheus:v1', `prom/prometheus:${'v'.repeat(129)}`, 'localhost:5000/a/b:1.0',
]);
export const hosts = careless(['prometheus.example.com', '*.example.com', '10.0.0.1', 'Prom.example.com', 'a..b', '*', 'foo.*.com', 'example.com.', 'localhost', '::1', 'a_b.example.com', `${'a'.repeat(64)}.com`]);
export const storageClassNames = careless(['', 'fast-ssd', 'Fast_SSD', 'standard']);
export const groupBys = careless([['...'], ['alertname'], ['x-y'], [], ['alertname', 'alertname'], ['alertname', 'severity', 'component'], ['...', 'alertname']]);

/** Mostly absent (the default), sometimes a value: one or two set fields per case is the common case. */
function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const labelMap = fc.dictionary(labelNames, labelValues, { maxKeys: 2 });
const alertRule: fc.Arbitrary<AlertRule> = fc.record({
  alert: careless(['MyAlert', 'Other', 'Third', 'Fourth', 'bad name', 'IrisAPIDown']),
  expr: promql,
  forDuration: maybe(durations),
  severity: careless(['critical', 'warning', 'info', 'none', 'warning', 'page'] as any[]),
  component: careless(['my-app', 'my-app', 'other', '', 'x y']),
  summary: templates,
  description: templates,
  labels: maybe(labelMap),
  runbookUrl: maybe(urls),
}, { requiredKeys: ['alert', 'expr', 'severity', 'component', 'summary', 'description'] });
const recordingRule: fc.Arbitrary<RecordingRule> = fc.record({
  record: careless(['job:up:sum', 'job:x:rate5m', 'bad name', 'x']),
  expr: promql,
  labels: maybe(labelMap),
}, { requiredKeys: ['record', 'expr'] });
const ruleGroup: fc.Arbitrary<RuleGroup> = fc.record({
  name: careless(['my-group', 'g2', 'g3', '']),
  interval: maybe(durations),
  rules: fc.uniqueArray(fc.oneof({ weight: 3, arbitrary: alertRule }, { weight: 1, arbitrary: recordingRule }), { minLength: 1, maxLength: 2, selector: (r) => (r as AlertRule).alert ?? (r as RecordingRule).record }),
}, { requiredKeys: ['name', 'rules'] });

const relabel = fc.record({
  sourceLabels: maybe(fc.array(careless(['__meta_kubernetes_pod_name', 'job', 'x-y']), { maxLength: 2 })),
  regex: maybe(regexes),
  targetLabel: maybe(careless(['pod', 'x-y', '__tmp', '1x'])),
  action: maybe(careless(['replace', 'keep', 'drop', 'labeldrop'] as any[])),
}, { requiredKeys: [] }) as fc.Arbitrary<RelabelConfig>;
const scrapeJob: fc.Arbitrary<ScrapeConfig> = fc.record({
  jobName: careless(['my-job', 'other', '', 'x y']),
  scrapeInterval: maybe(durations),
  scrapeTimeout: maybe(durations),
  metricsPath: maybe(careless(['/metrics', 'metrics', '/a b'])),
  staticConfigs: fc.constant([{ targets: ['my-app.default.svc:8080'] }]),
  relabelConfigs: maybe(fc.array(relabel, { maxLength: 2 })),
}, { requiredKeys: ['jobName', 'staticConfigs'] });

const matcher = fc.record({
  label: labelNames,
  operator: maybe(careless(Object.values(MatchOperator) as MatchOperator[])),
  value: fc.oneof(labelValues, regexes),
}, { requiredKeys: ['label', 'value'] });
const receiverName = careless(['team-a', 'default', 'Team A']);
const ingress = fc.record({
  host: hosts, tlsSecretName: careless(['tls', 'Bad_Name']), authentication: fc.constant(IngressAuthentication.NONE),
}, { requiredKeys: ['host', 'tlsSecretName', 'authentication'] });

/** Values of the wrong type, as JavaScript or Python callers pass them: null, a number for a string, a map for a list. */
const wrongTypes = fc.constantFrom<any>(null, 42, 'x', {}, [], true);
/** Mostly `arb`, now and then a value of the wrong type. */
function orWrongType<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 12, arbitrary: arb }, { weight: 1, arbitrary: wrongTypes });
}

/** An Ingress as people write one: auth annotations of one controller or another, a cert-manager issuer taken for auth, a class in capitals. */
const anyIngress = fc.record({
  host: hosts,
  tlsSecretName: maybe(careless(['tls', 'Bad_Name', ''])),
  allowPlainHttp: maybe(fc.boolean()),
  ingressClassName: maybe(careless(['nginx', 'NGINX', 'traefik', 'nginx_public', 'a.b'])),
  authentication: maybe(careless([IngressAuthentication.ANNOTATIONS, IngressAuthentication.NONE, 'basic' as any])),
  annotations: maybe(orWrongType(careless<Record<string, string>>([
    { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' },
    { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    { 'nginx.ingress.kubernetes.io/auth-type': 'basic' },
    { 'nginx.ingress.kubernetes.io/auth-type': 'basic', 'nginx.ingress.kubernetes.io/auth-secret': 'users' },
    { 'traefik.ingress.kubernetes.io/router.middlewares': 'auth-forward@kubernetescrd' },
    { 'alb.ingress.kubernetes.io/auth-type': 'oidc' },
    { 'nginx.ingress.kubernetes.io/auth-url': '' },
    { 'bad key!': 'x' },
    {},
  ]))),
  controllerNamespace: maybe(careless(['ingress-nginx', 'Ingress'])),
}, { requiredKeys: ['host'] });

/** Panel queries as written in Grafana: variables and macros, and the same mistakes as in rules. */
const panelPromql = careless([
  'sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))', 'up{instance=~"${instance:regex}"}', 'rate(x[$__interval])',
  'sum(rate(x{pod=~"[[pod]]"}[5m])) by (pod)', 'rate(x{job="$job"})', 'sum(rate(x[$__rate_interval])', '$__range', 'max_over_time(up[$__range])',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))', 'up{job=~"("}', '', 'up offset $shift',
]);
const position = careless([{ x: 0, y: 0, width: 12, height: 8 }, { x: 0, y: 0, width: 0, height: 8 }, { x: -1, y: 0, width: 6, height: 4 }, { x: 1.5, y: 0, width: 6, height: 4 }]);
const panel = fc.oneof(
  fc.record({ title: careless(['Rate', '']), queries: orWrongType(fc.array(fc.record({ expr: orWrongType(panelPromql), legend: maybe(careless(['{{job}}'])) }, { requiredKeys: ['expr'] }), { maxLength: 2 })), position }, { requiredKeys: ['title', 'queries', 'position'] })
    .map((options) => Panel.timeseries(options as any)),
  fc.record({ title: careless(['Up']), queries: fc.array(fc.record({ expr: panelPromql }), { maxLength: 1 }), position, thresholds: maybe(orWrongType(careless([[{ value: 1, color: 'red' }]]))) }, { requiredKeys: ['title', 'queries', 'position'] })
    .map((options) => Panel.stat(options as any)),
  fc.record({ type: careless(['timeseries', 'row']), targets: maybe(orWrongType(fc.array(fc.record({ expr: orWrongType(panelPromql) }), { maxLength: 2 }))), datasource: maybe(careless([{ type: 'prometheus', uid: 'prometheus' }, { type: 'loki', uid: 'loki' }, 'Prometheus', '-- Grafana --'])) }, { requiredKeys: ['type'] })
    .map((json) => Panel.fromJson(json)),
);
const dashboard = fc.oneof(
  fc.record({
    uid: careless(['mine', 'other', '', 'a'.repeat(41), 'has space']), title: careless(['Mine', '']),
    panels: maybe(orWrongType(fc.array(panel, { maxLength: 3 }))),
    variables: maybe(fc.array(fc.record({ name: careless(['job', '1x', 'a b']), selector: careless(['up', 'up{job=~"$job"}']) }), { maxLength: 1 })),
  }, { requiredKeys: ['uid', 'title'] }).map((options) => Dashboard.provisioned(options as any)),
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ uid: careless(['json-dash', 'iris-api-overview']), title: careless(['From JSON']), panels: orWrongType(fc.array(fc.oneof(fc.record({ type: fc.constant('timeseries'), targets: fc.array(fc.record({ expr: orWrongType(panelPromql) }), { maxLength: 2 }) }), wrongTypes), { maxLength: 2 })) }) },
    { weight: 1, arbitrary: wrongTypes },
  ).map((json) => Dashboard.fromJson(json)),
);

/** Remote-write targets: credentials in the URL, relabeling from another dialect, back-offs the wrong way round. */
const relabelForWrite = fc.record({
  sourceLabels: maybe(fc.array(careless(['__name__', 'job', 'pod']), { maxLength: 2 })),
  regex: maybe(regexes),
  targetLabel: maybe(careless(['pod', 'x-y'])),
  action: maybe(careless(['drop', 'keep', 'replace', 'labeldrop', 'nope'] as any[])),
}, { requiredKeys: [] });
const remoteWriteUrls = careless([
  'http://mimir.example:8080/api/v1/push', 'https://user:pass@mimir.example.com/api/v1/push', 'https://mimir.example.com/api/v1/push?token=x',
  'https://mimir.example.com/api/v1/push?api_key=x', 'mimir:8080/api/v1/push', 'http://mimir.example:8080/api/v1/push?tenant=a', '',
]);
const remoteWriteOptions = fc.record({
  url: orWrongType(remoteWriteUrls),
  name: maybe(careless(['Mimir-EU', 'eu', '', ' padded ', 'line\nbreak'])),
  tenant: maybe(careless(['mlops', 'a b', ''])),
  queryUrl: maybe(careless(['http://mimir.example:8080/prometheus', 'https://u:p@mimir.example.com/prometheus', 'https://q.example.com/prometheus?access_token=x'])),
  bearerTokenSecretKey: maybe(careless(['token', 'bad key'])),
  queue: maybe(orWrongType(fc.record({ minBackoff: maybe(durations), maxBackoff: maybe(durations), minShards: maybe(careless([1, 10, 0])), maxShards: maybe(careless([5, 1])) }, { requiredKeys: [] }))),
  writeRelabelConfigs: maybe(orWrongType(fc.array(relabelForWrite, { maxLength: 2 }))),
}, { requiredKeys: ['url'] });
const remoteWrite = fc.tuple(fc.constantFrom('mimir', 'thanosReceive', 'victoriaMetrics'), remoteWriteOptions)
  .map(([store, options]) => (RemoteWrite as any)[store](options) as RemoteWrite);

/** Receivers with every integration: SMTP servers without a port, Slack webhook URLs given as plain webhooks. */
const email = fc.record({
  to: careless(['ops@example.com', '', 'ops', 'a@x.com, b@y.com']), fromAddress: careless(['am@example.com', '']),
  smarthost: careless(['smtp.example.com:587', 'smtp.example.com', 'smtp.example.com:0', '[::1]:25', 'smtp.example.com:99999', ':587']),
  authUsername: maybe(careless(['am'])), authPasswordSecretKey: maybe(careless(['smtp-password', ''])), requireTls: maybe(fc.boolean()),
}, { requiredKeys: ['to', 'fromAddress', 'smarthost'] });
const slack = fc.record({ channel: careless(['#ops', '']), apiUrlSecretKey: careless(['slack-url', '', 'bad key']), title: maybe(templates), text: maybe(templates) }, { requiredKeys: ['channel', 'apiUrlSecretKey'] });
const webhook = fc.record({
  url: maybe(careless(['https://example.com/hook', 'https://hooks.slack.com/services/T0/B0/XXXX', 'https://example.com/hook?token=x', 'https://discord.com/api/webhooks/1/abc', 'ftp://x'])),
  urlSecretKey: maybe(careless(['webhook-url'])), bearerTokenSecretKey: maybe(careless(['token'])),
}, { requiredKeys: [] });
const pagerDuty = fc.record({ routingKeySecretKey: careless(['pd-key', '']), severity: maybe(templates) }, { requiredKeys: ['routingKeySecretKey'] });
const anyReceiverName = careless(['team-a', 'team_a', 'Team A', '', ' padded', 'default']);
const receiver = orWrongType(fc.record({
  name: anyReceiverName,
  email: maybe(orWrongType(fc.array(email, { maxLength: 1 }))),
  slack: maybe(fc.array(slack, { maxLength: 1 })),
  webhook: maybe(fc.array(webhook, { maxLength: 1 })),
  pagerDuty: maybe(fc.array(pagerDuty, { maxLength: 1 })),
}, { requiredKeys: ['name'] }));
/** Matchers on the severity label as people write them: capitals, a line break, a regex of several. */
const severityMatcher = fc.record({
  label: fc.constant('severity'),
  operator: maybe(careless(Object.values(MatchOperator) as MatchOperator[])),
  value: careless(['critical', 'Critical', 'warning\n', 'warning|info', 'page', '', ' critical', 'crit.*']),
}, { requiredKeys: ['label', 'value'] });
const route = fc.record({
  receiver: anyReceiverName,
  matchers: maybe(orWrongType(fc.array(fc.oneof(matcher, severityMatcher), { maxLength: 2 }))),
  match: maybe(orWrongType(labelMap)),
  continueMatching: maybe(fc.boolean()),
  repeatInterval: maybe(durations),
}, { requiredKeys: ['receiver'] });

/** SLOs as written: objectives as ratios, histograms with their suffix, thresholds in milliseconds. */
const sloBase = {
  name: careless(['availability', 'latency', 'Bad Name', '']),
  objectivePercent: careless([99.5, 99.9, 0.999, 40, 100, 0, NaN, 50]),
  lowObjective: maybe(fc.boolean()),
  window: maybe(careless(['28d', '30d', '1d', '4w', '28x'])),
};
const slo: fc.Arbitrary<ServiceLevelObjective> = fc.oneof(
  fc.record({ ...sloBase, requestCounters: orWrongType(careless([['model_predictions_total', 'api_errors_total'], [], ['x{a="b"}'], ['sum(x)']])), errorCounter: careless(['api_errors_total', 'rate(x[5m])']) },
    { requiredKeys: ['name', 'objectivePercent', 'requestCounters', 'errorCounter'] }).map((props) => new AvailabilitySlo(props as any)),
  fc.record({
    ...sloBase,
    histogram: maybe(careless(['http_request_duration_seconds', 'http_request_duration_seconds_bucket', 'x_count', 'bad-name'])),
    thresholdSeconds: careless([1, 0.25, 250, 0, -1, 60, 61, NaN]),
    handlers: maybe(orWrongType(careless([['/predict'], [], [''], ['/a.b', '/c']]))),
    handlerLabel: maybe(careless(['handler', 'x-y'])),
  }, { requiredKeys: ['name', 'objectivePercent', 'thresholdSeconds'] }).map((props) => new LatencySlo(props as any)),
);

/** The Iris API's description and metric names, changed: port numbers given as names, empty selectors and route lists. */
const irisApplication = fc.record({
  name: maybe(careless(['iris-api', '3d-render', 'a'.repeat(36), 'a'.repeat(60)])),
  portName: maybe(careless(['http', '8080', 'metrics', 'Bad_Port', 'a'.repeat(64)])),
  port: maybe(careless([8000, 0, 65536, 1.5])),
  serviceLabels: maybe(orWrongType(careless<Record<string, string>>([{ app: 'iris-api' }, {}, { 'my app': 'x' }, { 'app.kubernetes.io/name': 'iris' }, { app: 'a b' }]))),
  scrapeInterval: maybe(durations),
}, { requiredKeys: [] });
const irisMetrics = fc.record({
  requestDuration: maybe(careless(['http_request_duration_seconds', 'http_request_duration_seconds_bucket', 'x_sum'])),
  inferenceHandlers: maybe(orWrongType(careless([['/predict'], [], ['/v1/predict', '/predict']]))),
  handlerLabel: maybe(careless(['handler', 'route', 'x-y'])),
  predictions: maybe(careless(['model_predictions_total', 'bad name'])),
}, { requiredKeys: [] });
const amounts = careless([1, 100, 500, 2048, 0, -1, 1.5, NaN, Infinity, 1e21, 2 ** 53, 1e15]);
const resources = fc.record({ cpuRequestMillis: amounts, cpuLimitMillis: amounts, memoryRequestMebibytes: amounts, memoryLimitMebibytes: amounts });
const persistence = fc.record({ size: maybe(quantities), storageClassName: maybe(storageClassNames) }, { requiredKeys: [] });

/** Props across the public API; each field is often absent, so one bad value at a time is common too. */
const everything: fc.Arbitrary<MonitoringStackProps> = fc.record({
  namespace: maybe(names),
  prometheus: maybe(fc.record({
    image: maybe(images),
    scrapeInterval: maybe(durations),
    evaluationInterval: maybe(durations),
    retention: maybe(durations),
    externalLabels: maybe(labelMap),
    scrapeJobs: maybe(fc.array(scrapeJob, { maxLength: 2 })),
    ruleGroups: maybe(fc.array(ruleGroup, { maxLength: 2 })),
    runbookBaseUrl: maybe(urls),
    persistence: maybe(persistence),
    ingress: maybe(ingress),
    infrastructureAlerts: maybe(fc.record({ cpuLimitRatio: maybe(ratios), memoryLimitRatio: maybe(ratios), forDuration: maybe(durations) }, { requiredKeys: [] })),
  }, { requiredKeys: [] })) as any,
  alertmanager: maybe(fc.record({
    image: maybe(images),
    groupBy: maybe(groupBys),
    groupWait: maybe(durations),
    repeatInterval: maybe(durations),
    receivers: maybe(fc.array(fc.record({ name: receiverName, webhook: maybe(fc.array(fc.record({ url: urls }), { maxLength: 1 })) }, { requiredKeys: ['name'] }), { maxLength: 1 })),
    routes: maybe(fc.array(fc.record({ receiver: receiverName, matchers: maybe(fc.array(matcher, { maxLength: 2 })), match: maybe(labelMap) }, { requiredKeys: ['receiver'] }), { maxLength: 2 })),
    persistence: maybe(persistence),
    ingress: maybe(ingress),
  }, { requiredKeys: [] })) as any,
  grafana: maybe(fc.record({ image: maybe(images), scrapeInterval: maybe(durations), persistence: maybe(persistence), ingress: maybe(ingress) }, { requiredKeys: [] })) as any,
  irisApi: maybe(fc.oneof(fc.constant(false as const), fc.record({
    errorRatio: maybe(ratios),
    latencySeconds: maybe(positives),
    slowRequestRatio: maybe(ratios),
    minPredictionsPerSecond: maybe(positives),
    downFor: maybe(durations),
    runbookBaseUrl: maybe(urls),
    application: maybe(fc.record({ scrapeInterval: maybe(durations), namespace: maybe(names) }, { requiredKeys: [] })),
    modelHealth: maybe(fc.record({
      enabled: maybe(fc.boolean()),
      maxClassShift: maybe(ratios),
      confidenceQuantile: maybe(ratios),
      maxConfidenceDrop: maybe(ratios),
      minPredictionsPerHour: maybe(positives),
      minBaselineAge: maybe(careless(['1d', '6h', '7d', '8d', '2w', '0s', '1 day'])),
      forDuration: maybe(durations),
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] }))) as any,
}, { requiredKeys: [] }) as fc.Arbitrary<MonitoringStackProps>;

/** Rules as written for a sharded Prometheus: some name the jobs they read, some forget, some span shards. */
const shardedPromql = careless([
  'absent(up{job="iris-api"})', 'up{job="iris-api"} == 0', 'absent(up)', 'absent(up{namespace="mlops"})', 'up == 0',
  'sum(up{job="iris-api"}) + sum(up{job="kube-state-metrics"}) < 2', 'absent(up{job="my-job"} == 1)', 'vector(1)',
  'absent_over_time(up{job="grafana"}[5m])', 'sum(up{job="alertmanager"}) < 3 or absent(up{job="alertmanager"})',
]);
const shardedRuleGroup: fc.Arbitrary<RuleGroup> = fc.record({
  name: careless(['sharded-group', 'g2']),
  rules: fc.uniqueArray(fc.record({
    alert: careless(['ShardedAlert', 'Other']), expr: shardedPromql, severity: fc.constant('warning' as any), component: fc.constant('my-app'),
    summary: fc.constant('summary'), description: fc.constant('description'),
  }), { minLength: 1, maxLength: 2, selector: (r) => r.alert }),
}, { requiredKeys: ['name', 'rules'] });
const store = RemoteWrite.mimir({ url: 'http://mimir.example:8080/api/v1/push', queryUrl: 'http://mimir.example:8080/prometheus' });

/**
 * Props across the whole API, or one area at a time with the rest at its defaults (so a mistake in one area
 * is not hidden behind a refusal of another): rule groups, scrape jobs, Alertmanager routing, workloads.
 */
export const carelessProps: fc.Arbitrary<MonitoringStackProps> = fc.oneof(
  everything,
  // Dashboards.
  fc.record({ grafana: fc.record({ dashboards: orWrongType(fc.array(dashboard, { minLength: 1, maxLength: 2 })) }) }) as fc.Arbitrary<MonitoringStackProps>,
  // Remote write (one or two long-term stores), with or without HA replicas.
  fc.record({
    prometheus: fc.record({
      remoteWrite: orWrongType(fc.array(remoteWrite, { minLength: 1, maxLength: 2 })),
      replicas: maybe(careless([2, 1])),
      replicaLabel: maybe(careless(['replica', '__replica__', 'severity', 'job', 'x-y', 'prometheus_replica'])),
    }, { requiredKeys: ['remoteWrite'] }),
  }) as fc.Arbitrary<MonitoringStackProps>,
  // Ingresses of the three UIs.
  fc.record({
    prometheus: fc.record({ ingress: anyIngress }, { requiredKeys: [] }),
    alertmanager: fc.record({ ingress: anyIngress }, { requiredKeys: [] }),
    grafana: fc.record({ ingress: anyIngress, anonymousAccess: maybe(fc.boolean()), dnsEgress: maybe(fc.record({ ipBlocks: fc.array(careless(['169.254.20.10/32', '10.0.0.300/32', 'fd00::/8', '10.0.0.0', '10.0.0.0/33']), { maxLength: 2 }) })) }, { requiredKeys: [] }),
  }, { requiredKeys: [] }) as fc.Arbitrary<MonitoringStackProps>,
  // Receivers and routes.
  fc.record({
    alertmanager: fc.record({
      receivers: orWrongType(fc.tuple(fc.array(receiver, { maxLength: 2 }), fc.boolean()).map(([mine, withBuiltIns]) => [...mine, ...(withBuiltIns ? [{ name: 'default' }, { name: 'critical' }, { name: 'warning' }] : [])])),
      routes: maybe(orWrongType(fc.array(route, { maxLength: 2 }))),
      defaultReceiver: maybe(anyReceiverName),
    }, { requiredKeys: ['receivers'] }),
  }) as fc.Arbitrary<MonitoringStackProps>,
  // High availability: replicas, long names, the replica label.
  fc.record({
    prometheus: fc.record({
      name: maybe(careless(['prometheus', 'p'.repeat(45), 'p'.repeat(52), 'p'.repeat(53)])),
      replicas: careless([2, 3, 1]),
      replicaLabel: maybe(careless(['replica', '__replica__', 'severity', 'instance', 'shard'])),
      externalLabels: maybe(careless<Record<string, string>>([{ cluster: 'eu' }, { replica: 'x' }, { shard: 'x' }])),
      persistence: maybe(persistence),
      remoteWrite: maybe(fc.constant([store])),
    }, { requiredKeys: ['replicas'] }),
    alertmanager: fc.record({ name: maybe(careless(['alertmanager', 'a'.repeat(52), 'a'.repeat(53)])), replicas: careless([3, 2, 1]), persistence: maybe(persistence) }, { requiredKeys: ['replicas'] }),
  }, { requiredKeys: [] }) as fc.Arbitrary<MonitoringStackProps>,
  // SLOs and the Iris API's description.
  fc.record({
    irisApiSlos: orWrongType(fc.array(slo, { maxLength: 2 })),
    irisApi: maybe(fc.record({ application: maybe(irisApplication), metrics: maybe(irisMetrics), latencySeconds: maybe(careless([1, 0.5, 250, 61])) }, { requiredKeys: [] })),
    prometheus: maybe(fc.record({ kubeStateMetricsNamespaces: maybe(orWrongType(careless([['kube-system'], [], ['Kube']]))) }, { requiredKeys: [] })),
  }, { requiredKeys: [] }) as fc.Arbitrary<MonitoringStackProps>,
  fc.record({ prometheus: fc.record({ ruleGroups: fc.uniqueArray(ruleGroup, { minLength: 1, maxLength: 2, selector: (g) => g.name }) }) }),
  fc.record({ prometheus: fc.record({ scrapeInterval: durations, scrapeJobs: fc.uniqueArray(scrapeJob, { minLength: 1, maxLength: 2, selector: (j) => j.jobName }) }, { requiredKeys: ['scrapeJobs'] }) }),
  fc.record({
    alertmanager: fc.record({
      groupBy: groupBys,
      inhibitRules: fc.array(fc.record({ sourceMatchers: fc.array(matcher, { maxLength: 2 }), targetMatchers: fc.array(matcher, { maxLength: 2 }), equal: fc.array(labelNames, { maxLength: 2 }) }), { maxLength: 1 }),
      routes: fc.array(fc.record({ receiver: fc.constantFrom('critical', 'warning'), matchers: fc.array(matcher, { minLength: 1, maxLength: 2 }), continueMatching: fc.constant(true) }), { maxLength: 2 }),
    }, { requiredKeys: [] }),
  }) as fc.Arbitrary<MonitoringStackProps>,
  fc.record({
    prometheus: fc.record({ image: images, persistence: persistence, ingress: ingress, resources, dataSizeLimit: quantities, retention: durations }, { requiredKeys: [] }),
    grafana: fc.record({ image: images, persistence: persistence, ingress: ingress, scrapeInterval: durations, resources }, { requiredKeys: [] }),
    alertmanager: fc.record({ image: images, resources, configReloaderImage: images, receivers: fc.constant([{ name: 'default' }, { name: 'critical' }, { name: 'warning', webhook: [{ url: 'https://example.com/hook' }] }]) }, { requiredKeys: [] }),
  }, { requiredKeys: [] }) as fc.Arbitrary<MonitoringStackProps>,
  fc.record({
    prometheus: fc.record({
      shards: careless([3, 2, 8, 1, 0, -1, 1.5, NaN]),
      shardBy: maybe(fc.constantFrom(ShardBy.JOB, ShardBy.TARGET)),
      shardRuleEvaluation: maybe(fc.constantFrom(ShardRuleEvaluation.OWNING_SHARD, ShardRuleEvaluation.LONG_TERM_STORE)),
      replicas: maybe(careless([2, 1, 0])),
      externalLabels: maybe(careless<Record<string, string>>([{ cluster: 'eu' }, { shard: 'eu' }])),
      remoteWrite: careless([[store], []]),
      scrapeJobs: maybe(fc.uniqueArray(scrapeJob, { minLength: 1, maxLength: 2, selector: (j) => j.jobName })),
      ruleGroups: maybe(fc.uniqueArray(shardedRuleGroup, { minLength: 1, maxLength: 2, selector: (g) => g.name })),
    }, { requiredKeys: ['shards', 'remoteWrite'] }),
  }) as fc.Arbitrary<MonitoringStackProps>,
);

/*
 * fast-check arbitraries of MonitoringStackProps as a careless user writes them: mostly plausible values,
 * mixed with the mistakes people make (units, percent for ratio, regexes from another dialect, templates with
 * a missing brace, PromQL that type-checks only in their head, IP addresses for hosts...).
 */
import * as fc from 'fast-check';
import { AlertRule, IngressAuthentication, MatchOperator, MonitoringStackProps, RecordingRule, RemoteWrite, RuleGroup, ShardBy, ShardRuleEvaluation } from '../../src';
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
      remoteWrite: careless([[store], []]),
      scrapeJobs: maybe(fc.uniqueArray(scrapeJob, { minLength: 1, maxLength: 2, selector: (j) => j.jobName })),
      ruleGroups: maybe(fc.uniqueArray(shardedRuleGroup, { minLength: 1, maxLength: 2, selector: (g) => g.name })),
    }, { requiredKeys: ['shards', 'remoteWrite'] }),
  }) as fc.Arbitrary<MonitoringStackProps>,
);

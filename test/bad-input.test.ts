import { AlertSeverity } from '../src/index';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  AlertRouter, AlertRule, AvailabilitySlo, Dashboard, InferenceApiAlerts, IngressAuthentication, LatencySlo, MatchOperator, MonitoringStackLayout, MonitoringStack, MonitoringStackProps, FileLayout, Panel,
  RelabelAction, RemoteWrite, RuleGroup, ShardBy, ShardRuleEvaluation,
} from '../src';

const STORE = RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', queryUrl: 'http://mimir/prometheus' });
import { synthStack } from './support/synth';
import { removeDir, tempDir } from './support/tools';

/** A valid alert, to be made invalid one field at a time. */
const alert = (overrides: Partial<AlertRule>): AlertRule => ({
  alert: 'MyAlert', expr: 'up == 0', severity: AlertSeverity.WARNING, component: 'my-app', summary: 'summary', description: 'description', ...overrides,
});

/**
 * Each case: the props (and later additions) of a bad stack, and the exact error. Every message starts with
 * `[construct path] field:` and quotes the bad value, so the failing prop is found from the error alone.
 */
const CASES: { case: string; props?: MonitoringStackProps; customize?: (stack: MonitoringStack) => void; message: string }[] = [
  {
    case: 'duration with an unknown unit (15x)',
    props: { prometheus: { scrapeInterval: '15x' } },
    message: '[monitoring/stack/Prometheus] scrapeInterval: "15x" is not a Prometheus duration (e.g. 30s, 5m, 1h30m, 15d)',
  },
  {
    case: 'negative duration (-1d)',
    props: { prometheus: { retention: '-1d' } },
    message: '[monitoring/stack/Prometheus] retention: "-1d" is not a Prometheus duration (e.g. 30s, 5m, 1h30m, 15d)',
  },
  {
    case: 'a retention shorter than the SLOs\' 28d window',
    props: { prometheus: { retention: '15d' } },
    message: '[monitoring/stack/Prometheus] retention: "15d" is shorter than the 28d window of SLO "availability" of iris-api, whose error budget would be counted over 15d only: '
      + 'set it to at least 28d, or acceptShortRetention: true to accept that',
  },
  {
    case: 'a retention shorter than the 3d window of the burn-rate alerts, even accepted short',
    props: { prometheus: { retention: '2d', acceptShortRetention: true } },
    message: '[monitoring/stack/Prometheus] retention: "2d" is shorter than 3d, the longest window of the burn-rate alerts of iris-api: set it to at least 3d',
  },
  {
    case: 'replicas < 1',
    props: { grafana: { replicas: 0 } },
    message: '[monitoring/stack/Grafana] replicas: 0 must be an integer >= 1',
  },
  {
    case: 'replicas > 1 on one ReadWriteOnce volume',
    props: { grafana: { replicas: 2, persistence: {} } },
    message: '[monitoring/stack/Grafana] replicas: 2 pods cannot share the ReadWriteOnce volume of `persistence`: use 1',
  },
  {
    case: 'namespace that is not a DNS-1123 label',
    props: { namespace: 'MLOps_NS' },
    message: '[monitoring/stack] namespace: "MLOps_NS" is not a valid DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
  },
  {
    case: 'resource name that is not a DNS-1123 label',
    props: { prometheus: { name: 'Prometheus' } },
    message: '[monitoring/stack/Prometheus] name: "Prometheus" is not a valid DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
  },
  {
    case: 'resource name too long for its Service name',
    props: { alertmanager: { name: 'a'.repeat(60) } },
    message: `[monitoring/stack/Alertmanager] name: "${'a'.repeat(60)}" cannot name the Service "${'a'.repeat(60)}-service" (a DNS-1035 label: starting with a letter, at most 63 characters)`,
  },
  {
    case: 'PromQL that does not parse',
    props: { prometheus: { ruleGroups: [{ name: 'my-app', rules: [alert({ expr: 'rate(http_requests_total[5m]' })] }] } },
    message: '[monitoring/stack/Prometheus] ruleGroups[my-app].MyAlert.expr: "rate(http_requests_total[5m]" is not valid PromQL (syntax error at character 29)',
  },
  {
    case: 'duplicate alert name (one of the built-in Iris API alerts)',
    customize: (stack) => stack.prometheus.addRuleGroup({ name: 'my-app', rules: [alert({ alert: 'IrisAPIDown' })] }),
    message: '[monitoring/stack/Prometheus] ruleGroups[my-app].alert: duplicate alert name "IrisAPIDown"',
  },
  {
    case: 'route to an unknown receiver (checked at synth, as receivers may be added later)',
    props: { alertmanager: { routes: [{ receiver: 'ops', match: { severity: AlertSeverity.CRITICAL } }] } },
    message: 'Validation failed:\n  - [monitoring/stack/Alertmanager] routes[0].receiver: route to unknown receiver "ops" (known: default, critical, warning, watchdog)',
  },
  {
    case: 'an error ratio that is not a number (NaN never compares true: the alert could never fire)',
    props: { irisApi: { errorRatio: NaN } },
    message: '[monitoring/stack] irisApi.errorRatio: NaN must be a finite number, 0 < value < 1',
  },
  {
    case: 'an error ratio given in percent',
    props: { irisApi: { errorRatio: 5 } },
    message: '[monitoring/stack] irisApi.errorRatio: 5 must be a finite number, 0 < value < 1',
  },
  {
    case: 'an infinite latency threshold',
    props: { irisApi: { latencySeconds: Infinity } },
    message: '[monitoring/stack] irisApi.latencySeconds: Infinity must be a positive number of seconds, a bucket bound of the histogram',
  },
  {
    case: 'a negative CPU ratio',
    props: { prometheus: { infrastructureAlerts: { cpuLimitRatio: -1 } } },
    message: '[monitoring/stack/Prometheus] infrastructureAlerts.cpuLimitRatio: -1 must be a finite number, 0 < value <= 1',
  },
  {
    case: 'an empty namespace list (namespace=~"" matches nothing the stack watches)',
    props: { prometheus: { infrastructureAlerts: { namespaces: [] } } },
    message: '[monitoring/stack/Prometheus] infrastructureAlerts.namespaces: must name at least one namespace',
  },
  {
    case: 'credentials in a webhook URL (user and password)',
    props: { alertmanager: { receivers: [{ name: 'default', webhook: [{ url: 'https://user:pass@hooks.example.org/alerts' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].webhook.url: the URL carries a user name or password, which would be written into a ConfigMap: put the URL in the receivers Secret and name its key in urlSecretKey (or send a token with bearerTokenSecretKey)',
  },
  {
    case: 'a token in a webhook URL\'s query',
    props: { alertmanager: { receivers: [{ name: 'default', webhook: [{ url: 'https://hooks.example.org/alerts?channel=ops&token=s3cr3t' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].webhook.url: the URL carries the query parameter "token", which would be written into a ConfigMap: put the URL in the receivers Secret and name its key in urlSecretKey (or send a token with bearerTokenSecretKey)',
  },
  {
    case: 'a Slack title that Alertmanager cannot parse',
    props: { alertmanager: { receivers: [{ name: 'default', slack: [{ channel: '#ops', apiUrlSecretKey: 'slack-url', title: '{{ .GroupLabels.alertname }' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].slack.title: "{{ .GroupLabels.alertname }" is not a valid Go template: unclosed action \"{{ .GroupLabels.aler\" (no matching }})',
  },
  {
    case: 'a Slack text calling a Prometheus-only function',
    props: { alertmanager: { receivers: [{ name: 'default', slack: [{ channel: '#ops', apiUrlSecretKey: 'slack-url', text: '{{ humanizePercentage 0.5 }}' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].slack.text: "{{ humanizePercentage 0.5 }}" is not a valid Go template: function "humanizePercentage" not defined in "{{ humanizePercentage 0.5 }}"',
  },
  {
    case: 'a webhook with both a URL and a URL from the Secret',
    props: { alertmanager: { receivers: [{ name: 'default', webhook: [{ url: 'https://hooks.example.org/a', urlSecretKey: 'url' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].webhook: give exactly one of url and urlSecretKey',
  },
  {
    case: 'a route that an earlier one makes unreachable',
    props: { alertmanager: { routes: [{ receiver: 'warning', match: { team: 'ml' } }, { receiver: 'critical', match: { team: 'ml', severity: AlertSeverity.CRITICAL } }] } },
    message: '[monitoring/stack/Alertmanager] routes[1]: can never match: routes[0] (team="ml" → warning) already catches every alert it would. Put it first, narrow it, or set continueMatching: true on routes[0]',
  },
  {
    case: 'a route after a catch-all route',
    props: { alertmanager: { routes: [{ receiver: 'warning' }, { receiver: 'critical', matchers: [{ label: 'team', operator: MatchOperator.REGEX, value: 'ml|data' }] }] } },
    message: '[monitoring/stack/Alertmanager] routes[1]: can never match: routes[0] (no matchers → warning) already catches every alert it would. Put it first, narrow it, or set continueMatching: true on routes[0]',
  },
  {
    case: 'a regex route after an equality route it contains',
    props: { alertmanager: { routes: [{ receiver: 'warning', matchers: [{ label: 'team', operator: MatchOperator.REGEX, value: 'ml|data' }] }, { receiver: 'critical', match: { team: 'ml' } }] } },
    message: '[monitoring/stack/Alertmanager] routes[1]: can never match: routes[0] (team=~"ml|data" → warning) already catches every alert it would. Put it first, narrow it, or set continueMatching: true on routes[0]',
  },
  {
    case: 'a matcher with an invalid regular expression',
    props: { alertmanager: { routes: [{ receiver: 'warning', matchers: [{ label: 'team', operator: MatchOperator.REGEX, value: '(ml' }] }] } },
    message: '[monitoring/stack/Alertmanager] routes[0].matchers[0].value: "(ml" is not an RE2 regular expression: Unterminated group',
  },
  {
    case: 'built-in severity routes without their receivers',
    props: { alertmanager: { receivers: [{ name: 'default' }] } },
    message: 'Validation failed:\n  - [monitoring/stack/Alertmanager] severityRoutes: route to unknown receiver "critical" (known: default, watchdog); add that receiver or set severityRoutes: false\n  - [monitoring/stack/Alertmanager] severityRoutes: route to unknown receiver "warning" (known: default, watchdog); add that receiver or set severityRoutes: false',
  },
  {
    case: 'duplicate dashboard uid (one of the built-in dashboards)',
    props: { grafana: { dashboards: [Dashboard.fromJson({ uid: 'iris-api-overview', title: 'My overview' })] } },
    message: '[monitoring/stack/Grafana] dashboards[My overview].uid: duplicate dashboard uid "iris-api-overview"',
  },
  {
    case: 'receiver integration with no credential source',
    props: { alertmanager: { receivers: [{ name: 'default' }, { name: 'critical', slack: [{ channel: '#oncall', apiUrlSecretKey: '' }] }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[critical].slack.apiUrlSecretKey: no credential source (got ""): name the key of the receivers Secret that holds it',
  },
  {
    case: 'an emptyDir size limit that is not a size',
    props: { alertmanager: { dataSizeLimit: '1 GB' } },
    message: '[monitoring/stack/Alertmanager] dataSizeLimit: "1 GB" is not a size in bytes (e.g. 512Mi, 10Gi, 10G)',
  },
  {
    case: 'PVC size that is not a Kubernetes quantity',
    props: { prometheus: { persistence: { size: '10 GB' } } },
    message: '[monitoring/stack/Prometheus] persistence.size: "10 GB" is not a Kubernetes quantity (e.g. 10Gi, 512Mi, 500m)',
  },
  {
    case: 'rules on the shards with shards that split jobs by target',
    props: { prometheus: { shards: 2, remoteWrite: [STORE], shardBy: ShardBy.TARGET, shardRuleEvaluation: ShardRuleEvaluation.OWNING_SHARD } },
    message: '[monitoring/stack/Prometheus] shardRuleEvaluation: "owning-shard" does not go with shardBy "target": no shard holds all of a job\'s targets, so its rules would judge a share; use LONG_TERM_STORE',
  },
  {
    case: 'a rule group reading the jobs of two shards',
    props: { prometheus: { shards: 2, remoteWrite: [STORE] } },
    // iris-api's hashmod is 1 (Sharding.hashmod, the same as Prometheus's: see ha-e2e.test.ts); the cluster's jobs are on shard 0
    customize: (stack) => stack.prometheus.addRuleGroup({ name: 'both', rules: [alert({ expr: 'sum(up{job="iris-api"}) + sum(up{job="kube-state-metrics"}) < 2' })] }),
    message: '[monitoring/stack/Prometheus] ruleGroups[both]: reads jobs of several shards (iris-api on shard 1; kube-state-metrics on shard 0): no shard can evaluate it. Split the group per job, or set shardRuleEvaluation: LONG_TERM_STORE',
  },
  {
    case: 'an absent() on a sharded Prometheus that no job matcher places',
    props: { prometheus: { shards: 2, remoteWrite: [STORE] } },
    customize: (stack) => stack.prometheus.addRuleGroup({ name: 'gone', rules: [alert({ expr: 'absent(model_loaded)' })] }),
    message: '[monitoring/stack/Prometheus] ruleGroups[gone]: alert MyAlert: "absent(model_loaded)" has an absent() of series that no job="..." matcher places on a shard, so every shard would run it and those without the series would fire it: add the job\'s matcher',
  },
  {
    case: 'a configuration too large for one ConfigMap (checked at synth)',
    props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', writeRelabelConfigs: Array.from({ length: 12000 }, (_, i) => ({ sourceLabels: ['__name__'], regex: `metric_${i}`, action: RelabelAction.DROP })) })] } },
    message: 'Validation failed:\n  - [monitoring/stack/Prometheus] prometheus-config: 1107769 bytes do not fit in one ConfigMap (1 MiB), though the scrape jobs are in files of their own: shorten remoteWrite\'s writeRelabelConfigs or externalLabels',
  },

  // ---- Slips of an adversarial run: accepted silently, a stack that never alerts. ----
  {
    case: 'a port name that is a number (no Service port is named so: nothing is scraped)',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app', portName: '8080' }),
    message: '[monitoring/stack] applications[my-app].portName: "8080" is a port number, not a port name: give it as `port` (a number) instead',
  },
  {
    case: 'a port given both by name and by number',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app', portName: 'http', port: 8080 }),
    message: '[monitoring/stack] applications[my-app].port: give the port by its name (portName "http") or by its number (port 8080), not both',
  },
  {
    case: 'a port number out of range',
    props: { irisApi: { application: { port: 80800 } } },
    message: '[monitoring/stack] applications[iris-api].port: 80800 must be at most 65535',
  },
  {
    case: 'an SLO objective given as a ratio (0.999 is 0.999%: a budget that never burns)',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app' }, { slos: [new AvailabilitySlo({ name: 'availability', objectivePercent: 0.999, requestCounters: ['http_requests_total'], errorCounter: 'http_requests_total{code=~"5.."}' })] }),
    message: '[monitoring/stack/Monitoring-my-app/Slos] slos[availability].objectivePercent: 0.999 is read as 0.999%, an error budget of 99.001% that never burns: give a percentage (99.9 for 0.999), or set lowObjective: true if 0.999% is meant',
  },
  {
    case: 'a histogram named with its _bucket suffix (queries ..._bucket_bucket)',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app' }, { slos: [new LatencySlo({ name: 'latency', objectivePercent: 99, histogram: 'http_request_duration_seconds_bucket', thresholdSeconds: 0.5 })] }),
    message: '[monitoring/stack/Monitoring-my-app/Slos] slos[latency].histogram: "http_request_duration_seconds_bucket" ends with _bucket: give the histogram\'s base name ("http_request_duration_seconds"), to which the queries add _bucket and _count',
  },
  {
    case: 'the Iris API\'s request-duration histogram with its _bucket suffix',
    props: { irisApi: { metrics: { requestDuration: 'http_request_duration_seconds_bucket' } } },
    message: '[monitoring/stack] irisApi.metrics.requestDuration: "http_request_duration_seconds_bucket" ends with _bucket: give the histogram\'s base name ("http_request_duration_seconds"), to which the queries add _bucket and _count',
  },
  {
    case: 'a latency threshold in milliseconds (250)',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app' }, { slos: [new LatencySlo({ name: 'latency', objectivePercent: 99, thresholdSeconds: 250 })] }),
    message: '[monitoring/stack/Monitoring-my-app/Slos] slos[latency].thresholdSeconds: 250 seconds is longer than any HTTP request lasts behind a proxy (at most 60): the threshold is in seconds, a bucket bound of the histogram (250ms is 0.25)',
  },
  {
    case: 'the Iris API latency alert threshold in milliseconds',
    props: { irisApi: { latencySeconds: 500 } },
    message: '[monitoring/stack] irisApi.latencySeconds: 500 seconds is longer than any HTTP request lasts behind a proxy (at most 60): the threshold is in seconds, a bucket bound of the histogram (500ms is 0.5)',
  },
  // ---- Inputs the real tools refuse. ----
  {
    case: 'a dashboard panel query that is not PromQL (was never checked)',
    props: { grafana: { dashboards: [Dashboard.provisioned({ uid: 'mine', title: 'Mine', panels: [Panel.timeseries({ title: 'Rate', queries: [{ expr: 'rate(http_requests_total{job=~"$job"})' }], position: { x: 0, y: 0, width: 12, height: 8 } })] })] } },
    message: '[monitoring/stack/Grafana] dashboards[Mine].panels[0].targets[A].expr: "rate(http_requests_total{job=~"$job"})" is not valid PromQL: rate() needs a range vector (such as x[5m]), got "http_requests_total{job=~"job"}"',
  },
  {
    case: 'a dashboard query from JSON with a syntax error, nested in a row',
    props: { grafana: { dashboards: [Dashboard.fromJson({ uid: 'mine', title: 'Mine', panels: [{ type: 'row', panels: [{ type: 'timeseries', targets: [{ expr: 'sum(rate(x[${__rate_interval}])' }] }] }] })] } },
    message: '[monitoring/stack/Grafana] dashboards[Mine].panels[0].panels[0].targets[A].expr: "sum(rate(x[${__rate_interval}])" is not valid PromQL (syntax error at character 16 of "sum(rate(x[5m])", as Grafana sends it)',
  },
  {
    case: 'a Grafana variable in an alert expression (Prometheus never substitutes it)',
    props: { prometheus: { ruleGroups: [{ name: 'my-app', rules: [alert({ expr: 'sum(rate(http_requests_total{job="$job"}[5m])) > 1' })] }] } },
    message: '[monitoring/stack/Prometheus] ruleGroups[my-app].MyAlert.expr: "sum(rate(http_requests_total{job="$job"}[5m])) > 1" has the Grafana variable "$job": Prometheus evaluates rules as written and never substitutes it (dashboards do)',
  },
  {
    case: 'Grafana\'s $__rate_interval in a recording rule',
    props: { prometheus: { ruleGroups: [{ name: 'my-app', rules: [{ record: 'job:x:rate', expr: 'rate(x[$__rate_interval])' }] }] } },
    message: '[monitoring/stack/Prometheus] ruleGroups[my-app].job:x:rate.expr: "rate(x[$__rate_interval])" has the Grafana variable "$__rate_interval": Prometheus evaluates rules as written and never substitutes it (dashboards do)',
  },
  {
    case: 'a remote-write relabel regex that does not compile (was not validated)',
    props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_(', action: RelabelAction.DROP }] })] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0].writeRelabelConfigs[0].regex: "go_(" is not an RE2 regular expression: Unterminated group',
  },
  {
    case: 'a remote-write replace step without targetLabel',
    props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', writeRelabelConfigs: [{ sourceLabels: ['pod'], regex: '(.*)-[a-z0-9]+' }] })] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0].writeRelabelConfigs[0].targetLabel: the replace action needs a targetLabel',
  },
  {
    case: 'a remote-write minBackoff longer than maxBackoff',
    props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', queue: { minBackoff: '10s', maxBackoff: '1s' } })] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0].queue.minBackoff: "10s" is longer than maxBackoff "1s"',
  },
  {
    case: 'an email smarthost without a port (amtool: missing port in address)',
    props: { alertmanager: { receivers: [{ name: 'default', email: [{ to: 'ops@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].email.smarthost: "smtp.example.com" is not an SMTP server as host:port (e.g. smtp.example.com:587)',
  },
  {
    case: 'an empty email recipient (amtool: missing to address)',
    props: { alertmanager: { receivers: [{ name: 'default', email: [{ to: '', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].email.to: "" is not an email address',
  },
  {
    case: 'an ingressClassName that is not a DNS subdomain',
    props: { grafana: { ingress: { host: 'grafana.example.com', tlsSecretName: 'tls', ingressClassName: 'NGINX' } } },
    message: '[monitoring/stack/Grafana] ingress.ingressClassName: "NGINX" is not a valid DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\', at most 253 characters)',
  },
  {
    case: 'a DNS ipBlock that is not a CIDR (octet 300)',
    props: { grafana: { dnsEgress: { ipBlocks: ['10.0.0.300/32'] } } },
    message: '[monitoring/stack/Grafana] dnsEgress.ipBlocks[0]: "10.0.0.300/32" is not an IP network in CIDR form (e.g. 169.254.20.10/32, fd00::/8)',
  },
  {
    case: 'DNS egress on no port',
    props: { grafana: { dnsEgress: { ports: [] } } },
    message: '[monitoring/stack/Grafana] dnsEgress.ports: is empty: the pods could resolve no name (omit it for port 53)',
  },
  {
    case: 'a DNS port out of range',
    props: { grafana: { dnsEgress: { ports: [70000] } } },
    message: '[monitoring/stack/Grafana] dnsEgress.ports[0]: 70000 must be at most 65535',
  },
  // ---- Names that pass the construct checks and fail in the cluster. ----
  {
    case: 'a StatefulSet name of 53 characters (its pods\' controller-revision-hash label would exceed 63)',
    props: { alertmanager: { name: `a${'m'.repeat(52)}`, replicas: 3 } },
    message: `[monitoring/stack/Alertmanager] name: "a${'m'.repeat(52)}" is 53 characters: a StatefulSet's pods (with replicas > 1) carry the label controller-revision-hash: a${'m'.repeat(52)}-<hash>, at most 63 characters, so its name can have at most 52`,
  },
  {
    case: 'a ServiceMonitor selector key with a space',
    customize: (stack) => stack.monitorApplication({ name: 'my-app', serviceName: 'my-app', serviceLabels: { 'my app': 'x' } }),
    message: '[monitoring/stack] applications[my-app].serviceLabels: "my app" is not a valid Kubernetes label key ([prefix/]name: letters, digits, \'-\', \'_\' and \'.\', at most 63 characters, starting and ending with a letter or digit)',
  },
  // ---- Secrets that would land in ConfigMaps. ----
  {
    case: 'a password in the remote-write URL',
    props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'https://prometheus:s3cr3t@mimir.example.com/api/v1/push' })] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0].url: the URL carries a user name or password, which would be written into a ConfigMap: give the user name in basicAuthUsername and the password\'s Secret key in passwordSecretKey, or a token\'s Secret key in bearerTokenSecretKey',
  },
  {
    case: 'an API key in the query URL (Grafana\'s datasource ConfigMap)',
    props: { prometheus: { remoteWrite: [RemoteWrite.victoriaMetrics({ url: 'http://vm:8428/api/v1/write', queryUrl: 'https://vm.example.com/select/0/prometheus?api_key=s3cr3t' })] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0].queryUrl: the URL carries the query parameter "api_key", which would be written into a ConfigMap: Grafana\'s datasource cannot read a credential from a Secret: let the query URL accept the cluster-internal client without one',
  },
  {
    case: 'a Slack incoming-webhook URL given as a plain webhook (its path is the secret)',
    props: { alertmanager: { receivers: [{ name: 'default', webhook: [{ url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' }] }, { name: 'critical' }, { name: 'warning' }] } },
    message: '[monitoring/stack/Alertmanager] receivers[default].webhook.url: the URL carries the secret of a Slack incoming webhook in its path, which would be written into a ConfigMap: put the URL in the receivers Secret and name its key in urlSecretKey (or send a token with bearerTokenSecretKey)',
  },
  // ---- Settings that quietly defeat the feature. ----
  {
    case: 'a replica label that the alerts carry (severity: dropped from every alert)',
    props: { prometheus: { replicas: 2, replicaLabel: 'severity' } },
    message: '[monitoring/stack/Prometheus] replicaLabel: "severity" is a label the series or alerts already carry: as an external label it would not tell replicas apart, and dropping it from the alerts would break their routing. Choose another (replica, or __replica__ for Mimir)',
  },
  {
    case: 'a user external label that the shard number would replace',
    props: { prometheus: { shards: 2, remoteWrite: [STORE], externalLabels: { shard: 'eu' } } },
    message: '[monitoring/stack/Prometheus] externalLabels: "shard" is set per shard (0 to 1) with shards: 2: drop it, or name your label otherwise',
  },
  {
    case: 'an empty Service selector (selects every Service)',
    props: { irisApi: { application: { serviceLabels: {} } } },
    message: '[monitoring/stack] applications[iris-api].serviceLabels: an empty label selector selects every object: give at least one label',
  },
  {
    case: 'no inference route (the latency alert never sees a request)',
    props: { irisApi: { metrics: { inferenceHandlers: [] } } },
    message: '[monitoring/stack] irisApi.metrics.inferenceHandlers: must name at least one route (such as /predict): with none, no request is measured and the latency alert and SLO never fire',
  },
  {
    case: 'no kube-state-metrics namespace (service discovery would trust every namespace)',
    props: { prometheus: { kubeStateMetricsNamespaces: [] } },
    message: '[monitoring/stack/Prometheus] kubeStateMetricsNamespaces: must name at least one namespace: an empty list would trust kube-state-metrics series from every namespace',
  },
  {
    case: 'a Prometheus volume of 1Mi (retention.size 0MB: unlimited)',
    props: { prometheus: { dataSizeLimit: '1Mi' } },
    message: '[monitoring/stack/Prometheus] dataSizeLimit: "1Mi" is smaller than 512Mi: the write-ahead log alone (segments of up to 128MiB, which size-based retention does not delete) would fill it',
  },
  {
    case: 'a route matcher value with a trailing newline',
    props: { alertmanager: { routes: [{ receiver: 'critical', match: { team: 'ml\n' } }] } },
    message: '[monitoring/stack/Alertmanager] routes[0].matchers[0].value: "ml\\n" has a control character or a space at an end: no alert carries such a value',
  },
  {
    case: 'a route on severity "Critical" (every rule writes it lower case)',
    props: { alertmanager: { routes: [{ receiver: 'critical', match: { severity: 'Critical' } }] } },
    message: '[monitoring/stack/Alertmanager] routes[0].matchers[0].value: "Critical" matches no severity the stack\'s rules write (critical, warning, info, none, lower case): the matcher is likely wrong',
  },
  {
    case: 'Ingress authentication by annotations that only ask cert-manager for a certificate (Alertmanager open)',
    props: { alertmanager: { ingress: { host: 'am.example.com', tlsSecretName: 'am-tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } } } },
    message: '[monitoring/stack/Alertmanager] ingress.annotations: authentication by annotations needs an annotation that configures it (got cert-manager.io/cluster-issuer): ingress-nginx\'s nginx.ingress.kubernetes.io/auth-url (an oauth2-proxy) or auth-type with auth-secret, traefik.ingress.kubernetes.io/router.middlewares (a ForwardAuth or BasicAuth middleware), alb.ingress.kubernetes.io/auth-type, haproxy.org/auth-type, nginx.org/basic-auth-secret, konghq.com/plugins or cloud.google.com/backend-config (IAP)',
  },
  {
    case: 'ingress-nginx basic auth without the Secret of its users',
    props: { prometheus: { ingress: { host: 'prom.example.com', tlsSecretName: 'tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-type': 'basic' } } } },
    message: '[monitoring/stack/Prometheus] ingress.annotations: nginx.ingress.kubernetes.io/auth-type "basic" needs nginx.ingress.kubernetes.io/auth-secret, the Secret of the users: without it ingress-nginx lets everyone in',
  },
  // ---- Wrong types from JavaScript or Python (jsii): a clear error, never a TypeError. ----
  {
    case: 'Dashboard.fromJson(null)',
    props: { grafana: { dashboards: [Dashboard.fromJson(null)] } },
    message: '[monitoring/stack/Grafana] dashboards[?].json: must be a dashboard JSON object, got null',
  },
  {
    case: 'dashboard panels that are not a list',
    props: { grafana: { dashboards: [Dashboard.fromJson({ uid: 'mine', title: 'Mine', panels: { a: 1 } })] } },
    message: '[monitoring/stack/Grafana] dashboards[Mine].panels: must be a list, got an object',
  },
  {
    case: 'a rule group without rules',
    props: { prometheus: { ruleGroups: [{ name: 'my-app' } as RuleGroup] } },
    message: '[monitoring/stack/Prometheus] ruleGroups[my-app].rules: must be a list, got undefined',
  },
  {
    case: 'null props of a component',
    props: { alertmanager: null as any },
    message: '[monitoring/stack] alertmanager: must be an object, got null',
  },
  {
    case: 'a number where a scrape interval belongs',
    props: { prometheus: { scrapeInterval: 15 as any } },
    message: '[monitoring/stack/Prometheus] scrapeInterval: must be a string, got number 15',
  },
  {
    case: 'receivers that are not a list',
    props: { alertmanager: { receivers: { name: 'default' } as any } },
    message: '[monitoring/stack/Alertmanager] receivers: must be a list, got an object',
  },
  {
    case: 'a panel whose queries are not a list',
    props: { grafana: { dashboards: [Dashboard.provisioned({ uid: 'mine', title: 'Mine', panels: [Panel.stat({ title: 'Up', queries: 'up' as any, position: { x: 0, y: 0, width: 6, height: 4 } })] })] } },
    message: '[monitoring/stack/Grafana] dashboards[Mine].panels[0].queries: must be a list, got "up"',
  },
  {
    case: 'a remote-write target that is a plain object (not made by RemoteWrite)',
    props: { prometheus: { remoteWrite: [{ url: 'http://mimir/api/v1/push' } as any] } },
    message: '[monitoring/stack/Prometheus] remoteWrite[0]: must be made by RemoteWrite.mimir(), RemoteWrite.thanosReceive() or RemoteWrite.victoriaMetrics(), got an object',
  },
  {
    case: 'irisApi: false (does not turn it off)',
    props: { irisApi: false as any },
    message: '[monitoring/stack] irisApi: false does not leave the Iris API out: use { enabled: false }',
  },
  {
    case: 'a static factory given null options (no construct path: the error names the factory)',
    customize: (stack) => stack.prometheus.addRuleGroup(InferenceApiAlerts.rules(null as any)),
    message: '[InferenceApiAlerts.rules] options: must be an object, got null',
  },
  {
    case: 'an Alertmanager address with a scheme (Prometheus dials host:port)',
    customize: (stack) => stack.prometheus.addAlertmanager(AlertRouter.fromAddress('http://alertmanager.ops.svc:9093')),
    message: '[monitoring/stack/Prometheus] alertmanagers[1]: "http://alertmanager.ops.svc:9093" is not an Alertmanager address as host:port (e.g. alertmanager.monitoring.svc:9093)',
  },
  {
    case: 'a dashboard variable whose selector is not PromQL',
    props: { grafana: { dashboards: [Dashboard.provisioned({ uid: 'mine', title: 'Mine', variables: [{ name: 'job', selector: 'up{job=~"("}' }] })] } },
    message: '[monitoring/stack/Grafana] dashboards[Mine].variables[job].selector: "up{job=~"("}" is not valid PromQL: the regex "(" is not RE2: Unterminated group',
  },
];

describe('bad input fails at synth, naming the construct path, the field and the bad value', () => {
  test.each(CASES)('$case', ({ props, customize, message }) => {
    // Exact equality (not a substring), so the message itself is what is asserted.
    let error: unknown;
    try {
      synthStack(props, customize);
    } catch (e) {
      error = e;
    }
    expect((error as Error | undefined)?.message).toBe(message);
  });
});

describe('a failed synth leaves the previous manifests untouched', () => {
  let parent: string;
  let outdir: string;
  let previous: Map<string, Buffer>;

  /** Every file of a folder and its bytes. */
  const contents = (dir: string) => new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));

  /** What src/main.ts does: build the stack, then let the layout render and write the ten files. */
  const synthInto = (dir: string, props: MonitoringStackProps = {}) => {
    const app = new App();
    const stack = new MonitoringStack(new Chart(app, 'monitoring'), 'stack', props);
    return new MonitoringStackLayout(stack).write(app, dir);
  };

  beforeEach(() => {
    parent = tempDir('bad-input');
    outdir = path.join(parent, 'dist');
    expect(synthInto(outdir)).toHaveLength(10);
    fs.writeFileSync(path.join(outdir, 'README.md'), 'the user\'s own file: never removed\n');
    previous = contents(outdir);
  });
  afterEach(() => removeDir(parent));

  const expectUntouched = () => {
    expect(contents(outdir)).toEqual(previous);
    // Nor is a staging folder left beside it.
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  };

  test('bad props: the stack throws before anything is written', () => {
    expect(() => synthInto(outdir, { prometheus: { scrapeInterval: '15x' } })).toThrow('scrapeInterval: "15x"');
    expectUntouched();
  });

  test('an error found by validation at synth time (route to an unknown receiver): nothing is written', () => {
    expect(() => synthInto(outdir, { alertmanager: { routes: [{ receiver: 'ops', match: { severity: AlertSeverity.CRITICAL } }] } }))
      .toThrow('routes[0].receiver: route to unknown receiver "ops"');
    expectUntouched();
  });

  test('a write that fails half-way (a file that cannot be created) leaves the previous files as they were', () => {
    const files = { 'prometheus-deployment.yaml': 'new content\n', 'missing-folder/grafana-deployment.yaml': 'new content\n' };
    expect(() => FileLayout.writeFiles(files, outdir)).toThrow(/ENOENT/);
    expectUntouched();
  });

  test('a successful synth replaces its files (so the checks above are not vacuous), and only its files', () => {
    synthInto(outdir, { prometheus: { scrapeInterval: '30s' } });
    const after = contents(outdir);
    expect(after.get('README.md')?.toString()).toBe('the user\'s own file: never removed\n');
    expect(after.get('prometheus-configmap.yaml')).not.toEqual(previous.get('prometheus-configmap.yaml'));
  });
});

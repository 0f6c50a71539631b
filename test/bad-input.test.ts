import { AlertSeverity } from '../src/index';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AlertRule, Dashboard, MatchOperator, MonitoringStackLayout, MonitoringStack, MonitoringStackProps, FileLayout, RelabelAction, RemoteWrite, ShardBy, ShardRuleEvaluation } from '../src';

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
    message: '[monitoring/stack] irisApi.latencySeconds: Infinity must be a finite number, 0 < value',
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
    case: 'a volume size in decimal units, which Prometheus\'s retention size cannot be derived from exactly',
    props: { prometheus: { persistence: { size: '10G' } } },
    message: '[monitoring/stack/Prometheus] persistence.size: "10G" must be a whole number of Mi, Gi or Ti (e.g. 512Mi, 10Gi)',
  },
  {
    case: 'an emptyDir size limit that is not a size',
    props: { alertmanager: { dataSizeLimit: '1 GB' } },
    message: '[monitoring/stack/Alertmanager] dataSizeLimit: "1 GB" must be a whole number of Mi, Gi or Ti (e.g. 512Mi, 10Gi)',
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

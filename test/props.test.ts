import { AlertSeverity } from '../src/index';
/*
 * Whatever the library accepts, the real tools accept (SPEC "Bad input"): property-based differential tests.
 * fast-check generates props as a careless user writes them (test/support/careless-props.ts); for each case,
 * synth either refuses with ONE MonitoringValidationError naming the construct path once and the field, or
 * the output passes promtool check config + check rules, amtool check-config, the strict schema validator and
 * a strict server-side dry run on a real kube-apiserver. Any other exception (a TypeError) is a failure.
 *
 * `npm test` runs a fixed seed and a bounded number of cases; `npm run test:props` runs more
 * (FC_RUNS, FC_SEED). Every counterexample found is kept below as a plain table test.
 */
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { AlertRule, AvailabilitySlo, Dashboard, IngressAuthentication, InferenceApiSlos, MatchOperator, MonitoringStack, MonitoringStackProps, RemoteWrite } from '../src';
import { RelabelAction, ScrapeConfig } from '../src/prometheus/config-model';
import { carelessProps } from './support/careless-props';
import { Outcome, synthOutcome, toolComplaints } from './support/differential';
import { requireKubeBinaries } from './support/kube/binaries';
import { LocalCluster } from './support/kube/cluster';
import { Manifest } from './support/synth';
import { removeDir, tempDir } from './support/tools';
import { note } from './support/notes';

/** `npm run test:props` sets FC_LONG: more cases, and a new seed each run unless FC_SEED says which. */
const LONG = process.env.FC_LONG === '1';
const RUNS = Number(process.env.FC_RUNS ?? (LONG ? 3000 : 300));
const SEED = Number(process.env.FC_SEED ?? (LONG ? Date.now() % 2 ** 31 : 20261126));
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(SEED)) throw new Error(`FC_RUNS and FC_SEED must be integers (got ${RUNS}, ${SEED})`);
/** At most this many accepted outputs go to the API server (each is one kubectl run). */
const DRY_RUN_LIMIT = Number(process.env.FC_DRY_RUNS ?? (LONG ? 100 : 25));

/** Synth, then the tools on an accepted output: throws (with the tools' output) when they disagree. */
function judge(props: MonitoringStackProps, customize?: (stack: MonitoringStack) => void): Outcome {
  const outcome = synthOutcome(props, customize);
  if (outcome.kind === 'accepted') {
    const complaints = toolComplaints(outcome.objects);
    if (complaints.length) throw new Error(`synth accepted props the tools refuse:\n${complaints.join('\n')}`);
  }
  return outcome;
}

/** Outputs accepted by synth and the local tools, for the API server. */
const accepted: Manifest[][] = [];
let generated = 0;
let refused = 0;
let shardedAccepted = 0;

describe(`generated props (seed ${SEED}, ${RUNS} runs): refused with one clear error, or accepted by every tool`, () => {
  test('synth and the tools agree', () => {
    fc.assert(fc.property(carelessProps, (props) => {
      generated++;
      const outcome = judge(props);
      if (outcome.kind === 'refused') {
        refused++;
        return;
      }
      if (outcome.objects.some((o) => o.metadata.name === 'prometheus-shard-1')) shardedAccepted++;
      if (accepted.length < DRY_RUN_LIMIT) accepted.push(outcome.objects);
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    note(`props (seed ${SEED}): ${generated} generated cases, ${refused} refused at synth, ${generated - refused} accepted by all tools (${shardedAccepted} of them sharded)`);
    expect(shardedAccepted).toBeGreaterThan(0); // the sharding area is exercised, not always refused
  }, 600_000);
});

describe('accepted outputs on a real kube-apiserver (strict server-side dry run)', () => {
  let cluster: LocalCluster | undefined;
  beforeAll(async () => {
    cluster = await LocalCluster.start(requireKubeBinaries());
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  test('every accepted output passes `kubectl apply --server-side --dry-run=server --validate=strict`', async () => {
    // The ServiceMonitor is checked against the operator's schema by validateManifest: no CRD here.
    const cases = [...accepted, ...mustAcceptOutputs()].map((objects) => objects.filter((o) => o.kind !== 'ServiceMonitor'));
    const namespaces = new Set(cases.flatMap((objects) => objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns)));
    for (const ns of namespaces) {
      const created = await cluster!.kubectl(['create', 'namespace', ns]);
      if (created.status !== 0 && !/AlreadyExists/.test(created.stderr)) throw new Error(`kubectl create namespace ${ns}: ${created.stderr}`);
    }
    const failures: string[] = [];
    for (const objects of cases) {
      const result = await cluster!.kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
      if (result.status !== 0 || /warning/i.test(result.stderr)) failures.push(`${result.stdout}${result.stderr}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

// ---- Counterexamples fast-check found, kept as regression cases. ----

const alert = (overrides: Partial<AlertRule>): AlertRule => ({
  alert: 'MyAlert', expr: 'up == 0', severity: AlertSeverity.WARNING, component: 'my-app', summary: 'summary', description: 'description', ...overrides,
});
const rules = (...r: AlertRule[]): MonitoringStackProps => ({ prometheus: { ruleGroups: [{ name: 'my-group', rules: r }] } });
const job = (overrides: Partial<ScrapeConfig>): MonitoringStackProps => ({
  prometheus: { scrapeJobs: [{ jobName: 'my-job', staticConfigs: [{ targets: ['my-app.default.svc:8080'] }], ...overrides }] },
});
const HEX64 = 'a'.repeat(64);

/** Props the tools refuse, so synth must refuse them too: the start of the error (construct path and field). */
const MUST_REFUSE: { case: string; props: MonitoringStackProps; error: string }[] = [
  { case: 'rate() of an instant vector', props: rules(alert({ expr: 'rate(up)' })), error: '[monitoring/stack/Prometheus] ruleGroups[my-group].MyAlert.expr: "rate(up)" is not valid PromQL: rate() needs a range vector' },
  { case: 'increase() of an instant vector', props: rules(alert({ expr: 'increase(x_total) > 0' })), error: 'ruleGroups[my-group].MyAlert.expr: "increase(x_total) > 0" is not valid PromQL: increase()' },
  { case: 'irate() of an aggregation', props: rules(alert({ expr: 'irate(sum(x))' })), error: 'ruleGroups[my-group].MyAlert.expr: "irate(sum(x))" is not valid PromQL: irate()' },
  { case: 'avg_over_time() of an offset instant vector', props: rules(alert({ expr: 'avg_over_time(up offset 5m)' })), error: 'is not valid PromQL: avg_over_time()' },
  { case: 'PromQL regex matcher with a lookahead', props: rules(alert({ expr: 'up{job=~"a(?=b)"}' })), error: 'is not RE2: lookaround assertions' },
  { case: 'PromQL regex matcher that does not compile', props: rules(alert({ expr: 'up{job=~"("}' })), error: 'ruleGroups[my-group].MyAlert.expr: "up{job=~"("}" is not valid PromQL: the regex "(" is not RE2' },
  { case: 'annotation template missing a brace', props: rules(alert({ summary: '{{ $labels.x }' })), error: '[monitoring/stack/Prometheus] ruleGroups[my-group].MyAlert.summary: "{{ $labels.x }" is not a valid Go template: unclosed action' },
  { case: 'annotation template with an if and no end', props: rules(alert({ description: '{{ if gt $value 1.0 }}high' })), error: 'MyAlert.description: "{{ if gt $value 1.0 }}high" is not a valid Go template: unexpected EOF' },
  { case: 'annotation template with an unknown function', props: rules(alert({ description: '{{ nosuchfunc $value }}' })), error: 'function "nosuchfunc" not defined' },
  { case: 'annotation template with an undefined variable', props: rules(alert({ description: '{{ $nosuchvar }}' })), error: 'undefined variable "$nosuchvar"' },
  { case: 'annotation template with three braces', props: rules(alert({ summary: '{{{ x }}}' })), error: 'MyAlert.summary: "{{{ x }}}" is not a valid Go template' },
  { case: 'alert label value with a broken template', props: rules(alert({ labels: { team: '{{ .Bad' } })), error: 'MyAlert.labels.team: "{{ .Bad" is not a valid Go template' },
  { case: 'alert labels overriding severity', props: rules(alert({ labels: { severity: 'page' } })), error: 'MyAlert.labels: "severity" is set by the rule itself' },
  { case: 'alert labels overriding component', props: rules(alert({ labels: { component: 'x' } })), error: 'MyAlert.labels: "component" is set by the rule itself' },
  { case: 'runbook URL that is not a URL', props: rules(alert({ runbookUrl: 'example.com/runbook' })), error: 'MyAlert.runbookUrl: "example.com/runbook" is not an http(s) URL' },
  { case: 'irisApi.runbookBaseUrl without a scheme', props: { irisApi: { runbookBaseUrl: 'example.com' } }, error: '[monitoring/stack] irisApi.runbookBaseUrl: "example.com" is not an http(s) URL' },
  { case: 'runbookBaseUrl with a space', props: { prometheus: { runbookBaseUrl: 'https://exa mple.com' } }, error: '[monitoring/stack/Prometheus] runbookBaseUrl: "https://exa mple.com" is not an http(s) URL' },
  { case: 'scrape interval of 10m (the 5m rate windows get one sample)', props: { prometheus: { scrapeInterval: '10m' } }, error: '[monitoring/stack/Prometheus] scrapeInterval: "10m" leaves fewer than two samples in the 5m rate windows' },
  { case: 'application scrape interval of 3m', props: { irisApi: { application: { scrapeInterval: '3m' } } }, error: 'scrapeInterval: "3m" leaves fewer than two samples' },
  { case: 'scrapeTimeout longer than scrapeInterval', props: job({ scrapeInterval: '15s', scrapeTimeout: '1m' }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].scrapeTimeout: "1m" is longer than the scrape interval "15s"' },
  { case: 'scrapeTimeout that is not a duration (was not checked at all)', props: job({ scrapeTimeout: ' 15s' }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].scrapeTimeout: " 15s" is not a Prometheus duration' },
  { case: 'scrapeTimeout longer than the global interval', props: job({ scrapeTimeout: '30s' }), error: 'scrapeJobs[my-job].scrapeTimeout: "30s" is longer than the scrape interval "15s"' },
  { case: 'relabel regex "("', props: job({ relabelConfigs: [{ sourceLabels: ['job'], regex: '(' }] }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].relabelConfigs[0].regex: "(" is not an RE2 regular expression' },
  { case: 'relabel regex with a backreference', props: job({ metricRelabelConfigs: [{ regex: '(a)\\1', action: RelabelAction.DROP }] }), error: 'metricRelabelConfigs[0].regex: "(a)\\1" is not an RE2 regular expression: backreference' },
  { case: 'relabel regex with a nested quantifier', props: job({ relabelConfigs: [{ regex: 'a**' }] }), error: 'is not an RE2 regular expression: invalid nested repetition' },
  { case: 'relabel regex with a repeat count over 1000', props: job({ relabelConfigs: [{ regex: 'a{1001}' }] }), error: 'invalid repeat count' },
  { case: 'relabel step without targetLabel (replace is the default action)', props: job({ relabelConfigs: [{}] }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].relabelConfigs[0].targetLabel: the replace action needs a targetLabel' },
  { case: 'labeldrop with sourceLabels', props: job({ relabelConfigs: [{ action: RelabelAction.LABELDROP, sourceLabels: ['job'], regex: 'x' }] }), error: 'scrapeJobs[my-job].relabelConfigs[0]: the labeldrop action takes only a regex' },
  { case: 'labeldrop with the default regex (drops __address__: promtool says "no address")', props: job({ relabelConfigs: [{ action: RelabelAction.LABELDROP }] }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].relabelConfigs[0].regex: the default "(.*)" makes labeldrop remove __address__, __scrape_interval__, __scrape_timeout__, which every target needs to be scraped: match only the labels to drop' },
  { case: 'labelkeep of a few labels (drops the scrape interval: "empty duration string")', props: job({ relabelConfigs: [{ action: RelabelAction.LABELKEEP, regex: 'job|__address__' }] }), error: '[monitoring/stack/Prometheus] scrapeJobs[my-job].relabelConfigs[0].regex: "job|__address__" makes labelkeep remove __scrape_interval__, __scrape_timeout__, which every target needs to be scraped: keep them too' },
  { case: 'Alertmanager matcher regex with a lookahead', props: { alertmanager: { routes: [{ receiver: 'critical', matchers: [{ label: 'team', operator: MatchOperator.REGEX, value: 'a(?=b)' }] }] } }, error: '[monitoring/stack/Alertmanager] routes[0].matchers[0].value: "a(?=b)" is not an RE2 regular expression' },
  { case: 'Alertmanager matcher label "x-y"', props: { alertmanager: { routes: [{ receiver: 'critical', matchers: [{ label: 'x-y', value: 'a' }] }] } }, error: '[monitoring/stack/Alertmanager] routes[0].matchers[0].label: "x-y" is not a valid Prometheus label name' },
  { case: 'groupBy mixing "..." with labels', props: { alertmanager: { groupBy: ['...', 'alertname'] } }, error: '[monitoring/stack/Alertmanager] groupBy: "..." groups by every label' },
  { case: 'groupBy with a duplicate', props: { alertmanager: { groupBy: ['alertname', 'alertname'] } }, error: '[monitoring/stack/Alertmanager] groupBy: duplicate label "alertname"' },
  { case: 'image with a space', props: { prometheus: { image: 'prom/prometheus: v3' } }, error: '[monitoring/stack/Prometheus] image: "prom/prometheus: v3" is not an OCI image reference' },
  { case: 'image with a short digest', props: { prometheus: { image: 'prom/prometheus@sha256:abc' } }, error: '[monitoring/stack/Prometheus] image: "prom/prometheus@sha256:abc" is not an OCI image reference' },
  { case: 'image with an uppercase repository', props: { grafana: { image: 'Grafana/Grafana:12.0.0' } }, error: '[monitoring/stack/Grafana] image: "Grafana/Grafana:12.0.0" is not an OCI image reference' },
  { case: 'image with a tag starting with "-"', props: { alertmanager: { image: 'prom/alertmanager:-bad' } }, error: '[monitoring/stack/Alertmanager] image: "prom/alertmanager:-bad" is not an OCI image reference' },
  { case: 'Ingress host that is an IP address', props: { grafana: { ingress: { host: '10.0.0.1', tlsSecretName: 'tls', authentication: IngressAuthentication.NONE } } }, error: '[monitoring/stack/Grafana] ingress.host: "10.0.0.1" is an IP address' },
  { case: 'Ingress host with a wildcard in the middle', props: { grafana: { ingress: { host: 'foo.*.com', tlsSecretName: 'tls' } } }, error: '[monitoring/stack/Grafana] ingress.host: "foo.*.com" is not a valid Ingress host' },
  { case: 'persistence size in decimal exponent (1e21)', props: { prometheus: { persistence: { size: '1e21' } } }, error: '[monitoring/stack/Prometheus] persistence.size: "1e21" is more than 8Pi' },
  { case: 'persistence size "10 GB"', props: { prometheus: { persistence: { size: '10 GB' } } }, error: '[monitoring/stack/Prometheus] persistence.size: "10 GB" is not a Kubernetes quantity' },
  { case: 'persistence size above 8Pi', props: { prometheus: { persistence: { size: '99999999999999999999Ti' } } }, error: '[monitoring/stack/Prometheus] persistence.size: "99999999999999999999Ti" is more than 8Pi' },
  { case: 'persistence size 0', props: { grafana: { persistence: { size: '0' } } }, error: '[monitoring/stack/Grafana] persistence.size: "0" is less than 1Mi' },
  {
    case: 'resources of 1e21 millicores (was a plain Error from the quantity code: "1e+21m" is not a Kubernetes quantity)',
    props: { grafana: { resources: { cpuRequestMillis: 1e21, cpuLimitMillis: 1e21, memoryRequestMebibytes: 512, memoryLimitMebibytes: 512 } } },
    error: '[monitoring/stack/Grafana] resources.cpuRequestMillis: 1e+21 must be at most 1000000000',
  },
  {
    case: 'memory of 2^53 MiB',
    props: { alertmanager: { resources: { cpuRequestMillis: 100, cpuLimitMillis: 100, memoryRequestMebibytes: 2 ** 53, memoryLimitMebibytes: 2 ** 53 } } },
    error: '[monitoring/stack/Alertmanager] resources.memoryRequestMebibytes: 9007199254740992 must be at most 8589934592',
  },
  { case: 'errorRatio in percent', props: { irisApi: { errorRatio: 5 } }, error: 'errorRatio: 5 must be a finite number, 0 < value < 1' },
  { case: 'errorRatio NaN', props: { irisApi: { errorRatio: NaN } }, error: 'errorRatio: NaN must be a finite number' },
  { case: 'latencySeconds Infinity', props: { irisApi: { latencySeconds: Infinity } }, error: 'latencySeconds: Infinity must be a positive number of seconds' },
];

/** Props that are valid for the tools (and must stay accepted); `customize` adds to the stack. */
const MUST_ACCEPT: { case: string; props: MonitoringStackProps; customize?: (stack: MonitoringStack) => void }[] = [
  { case: 'groupBy: [\'...\'] (group by all labels)', props: { alertmanager: { groupBy: ['...'] } } },
  { case: 'labeldrop and labelkeep that spare the labels a target needs', props: job({ relabelConfigs: [{ action: RelabelAction.LABELDROP, regex: 'team|owner' }, { action: RelabelAction.LABELKEEP, regex: '__.+|job|instance' }] }) },
  { case: 'storageClassName: \'\' (no dynamic provisioning)', props: { prometheus: { persistence: { storageClassName: '' } } } },
  { case: 'RE2-only regex syntax: (?i), (?P<name>), [[:alpha:]], \\Q...\\E', props: job({ relabelConfigs: [{ sourceLabels: ['job'], regex: '(?i)(?P<n>[[:alpha:]]+)\\Qa.b\\E', action: RelabelAction.KEEP }] }) },
  { case: 'templates with pipelines, range, printf', props: rules(alert({ summary: '{{ $value | humanizePercentage }} of {{ $labels.job }}', description: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}{{ printf "%.2f" $value }}' })) },
  { case: 'rate() of a subquery and of an offset range', props: rules(alert({ expr: 'rate(sum(x_total)[5m:1m]) > 0 or rate(x_total[5m] offset 1m) > 0' })) },
  { case: 'scrape interval of 2m30s (two samples per 5m window)', props: { prometheus: { scrapeInterval: '2m30s' } } },
  {
    case: 'the largest resources allowed (a million cores, 8Pi of memory; 1Ei was accepted by synth and refused by the API server)',
    props: { grafana: { resources: { cpuRequestMillis: 1e9, cpuLimitMillis: 1e9, memoryRequestMebibytes: 2 ** 33, memoryLimitMebibytes: 2 ** 33 } } },
  },
  { case: 'persistence of 8Pi, the largest size', props: { grafana: { persistence: { size: '8388608Gi' } } } },
  { case: 'an image pinned by digest', props: { prometheus: { image: `quay.io/prometheus/prometheus:v3.13.5@sha256:${HEX64}` } } },
  { case: 'an image from a registry with a port', props: { grafana: { image: 'localhost:5000/grafana/grafana:12.0.0' } } },
  {
    case: 'a wildcard Ingress host',
    props: { grafana: { ingress: { host: '*.example.com', tlsSecretName: 'grafana-tls', authentication: IngressAuthentication.NONE } } },
  },
  // Refused though valid, until the adversarial run found them.
  { case: 'sizes in decimal units and fractions (10G, 0.5Gi)', props: { prometheus: { persistence: { size: '10G' } }, alertmanager: { dataSizeLimit: '0.5Gi' } } },
  { case: 'Mimir\'s replica label __replica__', props: { prometheus: { replicas: 2, replicaLabel: '__replica__', remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir.example:8080/api/v1/push' })] } } },
  { case: 'a remote-write name with capitals (any text for remote_name)', props: { prometheus: { remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir.example:8080/api/v1/push', name: 'Mimir-EU' })] } } },
  { case: 'a receiver named team_a', props: { alertmanager: { receivers: [{ name: 'default' }, { name: 'critical' }, { name: 'warning' }, { name: 'team_a' }], routes: [{ receiver: 'team_a', match: { team: 'a' } }] } } },
  {
    case: 'an application whose name starts with a digit, with SLOs (3d-render: alert names get a prefix)',
    props: {},
    customize: (stack) => stack.monitorApplication({ name: '3d-render', serviceName: 'render' }, { slos: InferenceApiSlos.objectives() }),
  },
  {
    case: 'an application name of 36 characters with SLOs (its dashboard uid is shortened with a hash)',
    props: {},
    customize: (stack) => stack.monitorApplication({ name: 'a'.repeat(36), serviceName: 'render' }, { slos: InferenceApiSlos.objectives() }),
  },
  { case: 'a metrics port given by number', props: { irisApi: { application: { port: 8000 } } } },
  { case: 'storageClassName \'\' on a StatefulSet\'s claim template', props: { prometheus: { replicas: 2, persistence: { storageClassName: '' } } } },
  {
    // distribution/reference's tag grammar is [\\w][\\w.-]{0,127}: the image is valid; the API server refused its
    // tag as the app.kubernetes.io/version label (found by the generator), which is now left out.
    case: 'an image tag ending in "-" (valid in the reference grammar; no label value)',
    props: { grafana: { image: 'grafana/grafana:12.0.0-' } },
  },
  { case: 'an objective below 50% that is meant', props: {}, customize: (stack) => stack.monitorApplication({ name: 'batch', serviceName: 'batch' }, { slos: [new AvailabilitySlo({ name: 'availability', objectivePercent: 40, lowObjective: true, requestCounters: ['jobs_total'], errorCounter: 'jobs_failed_total' })] }) },
  {
    case: 'dashboard queries with Grafana variables and macros in every form',
    props: {
      grafana: {
        dashboards: [Dashboard.fromJson({
          uid: 'variables', title: 'Variables',
          panels: [{ type: 'timeseries', targets: [{ expr: 'sum by (job) (rate(http_requests_total{job=~"$job", instance=~"${instance:regex}", pod=~"[[pod]]"}[$__rate_interval])) / $__interval_ms' }, { expr: 'max_over_time(up[$__range]) offset $shift' }] },
            { type: 'logs', datasource: { type: 'loki', uid: 'loki' }, targets: [{ expr: '{app="x"} |= "error"' }] }],
        })],
      },
    },
  },
  { case: 'a route on severity with a regex that matches some severities', props: { alertmanager: { routes: [{ receiver: 'warning', matchers: [{ label: 'severity', operator: MatchOperator.REGEX, value: 'warning|info' }] }] } } },
  { case: 'Ingress authentication by a Traefik middleware', props: { prometheus: { ingress: { host: 'prom.example.com', tlsSecretName: 'tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'auth-forward@kubernetescrd' } } } } },
];

/** The outputs of the MUST_ACCEPT cases, for the API server too. */
function mustAcceptOutputs(): Manifest[][] {
  return MUST_ACCEPT.map(({ props, customize }) => synthOutcome(props, customize)).flatMap((o) => (o.kind === 'accepted' ? [o.objects] : []));
}

describe('counterexamples found by the generator', () => {
  test.each(MUST_REFUSE)('refused: $case', ({ props, error }) => {
    const outcome = judge(props);
    expect(outcome.kind === 'refused' ? outcome.message : 'accepted').toContain(error);
  });
  test.each(MUST_ACCEPT)('accepted by synth and every tool: $case', ({ props, customize }) => {
    expect(judge(props, customize).kind).toBe('accepted');
  });
});

describe('errors through cdk8s\'s own `app.synth()`: the construct path appears once', () => {
  const synthWithCdk8s = (props: MonitoringStackProps): string => {
    const outdir = tempDir('props-app-synth');
    try {
      const app = new App({ outdir });
      new MonitoringStack(new Chart(app, 'monitoring'), 'stack', props);
      app.synth();
      return 'synthesized';
    } catch (error) {
      return (error as Error).message;
    } finally {
      removeDir(outdir);
    }
  };

  test('a validation collected by cdk8s (route to an unknown receiver)', () => {
    expect(synthWithCdk8s({ alertmanager: { routes: [{ receiver: 'nope' }] } })).toBe(
      'Validation failed with the following errors:\n  [monitoring/stack/Alertmanager] routes[0].receiver: route to unknown receiver "nope" (known: default, critical, warning, watchdog)');
  });

  test('an error thrown while the construct is built (a bad scrape interval)', () => {
    expect(synthWithCdk8s({ prometheus: { scrapeInterval: '10m' } })).toMatch(/^\[monitoring\/stack\/Prometheus\] scrapeInterval: "10m" leaves/);
  });
});

import {
  panelQueries, provisionedDashboards, recordedSeries, scrapeJobNames, selectorsOf, substituteGrafanaVariables, uncollectedSelectors,
  variableDefaults, variableQueries,
} from './support/dashboard-queries';
import { checkRules, expectSuccess, InputSeries, recordingRuleFile, testRules } from './support/promtool';
import { synthStack } from './support/synth';
import { Dashboard, IDashboard } from '../src';
import { note } from './support/notes';

/** A user's dashboard JSON, as exported from Grafana: one query per Grafana variable, one panel in a row. */
const userDashboard = (expr = 'max_over_time(up{job="iris-api"}[$__range])'): IDashboard => Dashboard.fromJson({
  uid: 'team-inference',
  title: 'Team - Inference',
  panels: [
    { type: 'timeseries', title: 'Predictions', targets: [{ expr: 'sum(rate(model_predictions_total{job="iris-api"}[$__rate_interval]))' }] },
    { type: 'stat', title: 'Availability', targets: [{ expr }] },
    {
      type: 'row',
      title: 'Details',
      collapsed: true,
      panels: [{ type: 'timeseries', title: 'Memory', targets: [{ expr: 'sum by (pod) (avg_over_time(container_memory_working_set_bytes{namespace="mlops"}[$__interval]))' }] }],
    },
  ],
});

/** The stack with its built-in dashboards and a user's: its dashboards, scrape jobs and recorded series. */
function stackWith(dashboard: IDashboard) {
  const { objects } = synthStack({}, (stack) => stack.grafana.addDashboard(dashboard));
  return { dashboards: provisionedDashboards(objects), jobs: scrapeJobNames(objects), recorded: recordedSeries(objects) };
}

const { dashboards, jobs, recorded } = stackWith(userDashboard());
const checked = new Map<string, number>();

afterAll(() => {
  const total = [...checked.values()].reduce((a, b) => a + b, 0);
  note(`dashboard queries checked: ${total} (${[...checked].map(([file, n]) => `${file}: ${n}`).join(', ')})`);
});

test('the stack provisions the built-in dashboards (overview, SLOs, infrastructure) and the user one', () => {
  expect(Object.keys(dashboards).sort()).toEqual(['iris-api-overview.json', 'iris-api-slos.json', 'kubernetes-infrastructure.json', 'team-inference.json']);
});

describe.each(Object.keys(dashboards))('%s', (file) => {
  const panels = panelQueries(dashboards[file]);
  const queries = [...panels, ...variableQueries(dashboards[file])];
  const variables = variableDefaults(dashboards[file]);

  test('every query is found, nested panels included', () => {
    // An independent count of the "expr" keys guards the panel walk against missing any.
    expect(panels.length).toBe((dashboards[file].match(/"expr":/g) ?? []).length);
    expect(panels.length).toBeGreaterThan(0);
  });

  test('every query, variables\' included, passes promtool check rules (as recording rules, Grafana variables substituted by their defaults)', () => {
    const rules = recordingRuleFile(file.replace(/\.json$/, ''), queries.map((q) => substituteGrafanaVariables(q.expr, variables)));
    const result = checkRules({ 'dashboard-queries.yml': rules });
    expectSuccess(result, `promtool check rules (${file} queries)`);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    checked.set(file, queries.length);
  });

  test('every metric of every query is collected by a scrape job of the stack, or recorded by its rules', () => {
    expect(uncollectedSelectors(queries, jobs, recorded, variables)).toEqual([]);
  });
});

test('variables are substituted by their defaults: the selected values, or "All" as its regex', () => {
  const iris = dashboards['iris-api-overview.json'];
  expect(variableDefaults(iris)).toEqual({ datasource: 'prometheus', namespace: '.+', job: 'iris-api', instance: '.+' });
  expect(substituteGrafanaVariables('up{job=~"$job", instance=~"${instance}", pod=~"$unknown"}[$__range]', variableDefaults(iris)))
    .toBe('up{job=~"iris-api", instance=~".+", pod=~"$unknown"}[5m]');
  expect(variableDefaults(dashboards['kubernetes-infrastructure.json'])).toMatchObject({ namespace: 'mlops', pod: '.+' });
});

describe('the kube-state-metrics stats tell "none" from "not looking" (promtool evaluates them)', () => {
  const infrastructure = dashboards['kubernetes-infrastructure.json'];
  const queryOf = (panel: string) => substituteGrafanaVariables(
    panelQueries(infrastructure).find((q) => q.panel === panel)!.expr, variableDefaults(infrastructure));
  const container = 'namespace="mlops", pod="iris-api-7d4b9", container="api"';
  const kubeStateMetrics = (up: number): InputSeries => ({ series: 'up{job="kube-state-metrics", instance="10.0.0.9:8080"}', values: `${up}x15` });
  const cadvisor: InputSeries = { series: `container_memory_working_set_bytes{job="kubernetes-cadvisor", ${container}}`, values: '1e8x15' };
  const restarts = (values: string): InputSeries => ({ series: `kube_pod_container_status_restarts_total{job="kube-state-metrics", ${container}}`, values });
  const waiting = (reason: string): InputSeries => ({ series: `kube_pod_container_status_waiting_reason{job="kube-state-metrics", reason="${reason}", ${container}}`, values: '1x15' });

  test.each([
    ['Crash-looping containers', 'kube-state-metrics not scraped', 'no data', [cadvisor]],
    ['Crash-looping containers', 'kube-state-metrics down', 'no data', [cadvisor, kubeStateMetrics(0)]],
    ['Crash-looping containers', 'kube-state-metrics up, nothing waits', 0, [cadvisor, kubeStateMetrics(1)]],
    ['Crash-looping containers', 'kube-state-metrics up, a container being created', 0, [kubeStateMetrics(1), waiting('ContainerCreating')]],
    ['Crash-looping containers', 'a container in CrashLoopBackOff', 1, [kubeStateMetrics(1), waiting('CrashLoopBackOff')]],
    ['Container restarts', 'kube-state-metrics not scraped', 'no data', [cadvisor]],
    ['Container restarts', 'kube-state-metrics up, no restart', 0, [kubeStateMetrics(1), restarts('2x15')]],
    ['Container restarts', 'three restarts in the range', 3, [kubeStateMetrics(1), restarts('0x11 1 2 3 3')]], // counting from 0 within the window: Prometheus 3's left-open ranges need no extrapolation
  ] as [string, string, number | 'no data', InputSeries[]][])('%s, %s: %s', (panel, name, expected, inputSeries) => {
    const result = testRules({}, [{
      name: `${panel}: ${name}`,
      interval: '1m',
      input_series: inputSeries,
      promql_expr_test: [{ expr: queryOf(panel), eval_time: '15m', exp_samples: expected === 'no data' ? [] : [{ labels: '{}', value: expected }] }],
    }]);
    expectSuccess(result, 'promtool test rules');
  });
});

describe('the Iris API panels read 0, not "No data", before the first error or prediction (promtool evaluates them)', () => {
  // Labelled counters (errors by type, predictions by class) have no series before their first increment.
  const overview = dashboards['iris-api-overview.json'];
  const queryOf = (panel: string) => substituteGrafanaVariables(panelQueries(overview).find((q) => q.panel === panel)!.expr, variableDefaults(overview));
  const target = 'job="iris-api", namespace="mlops", instance="10.244.1.10:8000", pod="iris-api-7d4b9c8f6-a1"';
  const up: InputSeries = { series: `up{${target}}`, values: '1x15' };
  // 0.9 predictions and 0.1 errors a second.
  const predictions: InputSeries = { series: `model_predictions_total{${target}, class="setosa"}`, values: '0+54x15' };
  const errors: InputSeries = { series: `api_errors_total{${target}, type="inference", endpoint="/predict"}`, values: '0+6x15' };

  test.each([
    ['Error rate', 'no error yet', { '{}': 0 }, [up, predictions]],
    ['Error rate', '10% of requests fail', { '{}': 0.1 }, [up, predictions, errors]],
    ['Error rate', 'every request fails, no prediction yet', { '{}': 1 }, [up, errors]],
    ['Error rate', 'no request yet (no ratio to tell)', {}, [up]],
    ['Errors by type and endpoint', 'no error yet', { '{type="no error yet"}': 0 }, [up, predictions]],
    ['Errors by type and endpoint', 'errors', { '{type="inference", endpoint="/predict"}': 0.1 }, [up, predictions, errors]],
    ['Errors by type and endpoint', 'the API not scraped', {}, []],
    ['Prediction rate by class', 'no prediction yet', { '{class="no prediction yet"}': 0 }, [up]],
    ['Prediction rate by class', 'predictions', { '{class="setosa"}': 0.9 }, [up, predictions]],
    ['Total predictions', 'no prediction yet', { '{}': 0 }, [up]],
    ['Total predictions', 'the API not scraped', {}, []],
  ] as [string, string, Record<string, number>, InputSeries[]][])('%s, %s: %j', (panel, name, expected, inputSeries) => {
    const result = testRules({}, [{
      name: `${panel}: ${name}`,
      interval: '1m',
      input_series: inputSeries,
      promql_expr_test: [{ expr: queryOf(panel), eval_time: '15m', exp_samples: Object.entries(expected).map(([labels, value]) => ({ labels, value })) }],
    }]);
    expectSuccess(result, 'promtool test rules');
  });
});

describe('the checks can fail', () => {
  test('an ill-typed query in a user dashboard is rejected by promtool (and by synth, which checks panel queries too)', () => {
    const dashboard = userDashboard('rate(model_loaded{job="iris-api"})');
    expect(() => stackWith(dashboard)).toThrow('dashboards[Team - Inference].panels[1].targets[A].expr: "rate(model_loaded{job="iris-api"})" is not valid PromQL: rate() needs a range vector');
    const bad = panelQueries(JSON.stringify(dashboard.toJson()));
    const result = checkRules({ 'dashboard-queries.yml': recordingRuleFile('team-inference', bad.map((q) => substituteGrafanaVariables(q.expr))) });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector in call to function "rate"/);
  });

  test.each([
    ['a metric no job collects', 'sum(rate(node_cpu_seconds_total[$__rate_interval]))', 'node_cpu_seconds_total'],
    ['a job the stack does not scrape', 'up{job="node-exporter"}', 'up (job="node-exporter")'],
    ['a metric asked of the wrong job', 'container_memory_working_set_bytes{job="iris-api"}', 'container_memory_working_set_bytes (job="iris-api")'],
    ['a metric asked of the wrong job by a literal regex', 'model_loaded{job=~"kube-state-metrics"}', 'model_loaded (job="kube-state-metrics")'],
  ])('%s is reported', (_name, expr, reported) => {
    const queries = panelQueries(stackWith(userDashboard(expr)).dashboards['team-inference.json']);
    expect(uncollectedSelectors(queries, jobs)).toEqual([`team-inference / Availability: ${reported} in ${expr}`]);
  });

  test('a recorded series asked with a label no recording rule gives is reported', () => {
    const expr = 'job:slo_errors_per_request:ratio_rate5m{job="iris-api", slo="throughput"}';
    const queries = panelQueries(stackWith(userDashboard(expr)).dashboards['team-inference.json']);
    expect(uncollectedSelectors(queries, jobs, recorded)).toEqual([`team-inference / Availability: job:slo_errors_per_request:ratio_rate5m (job="iris-api") in ${expr}`]);
  });

  test('the tokenizer takes no function, keyword, label or string for a metric, and pins only literal values', () => {
    const expr = 'histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="iris-api", le!="sum"}[5m]))) > on (job) group_left max without (instance) (up{job=~"iris-api", instance=~".+"}) or vector(0)';
    expect(selectorsOf(expr)).toEqual([
      { metric: 'http_request_duration_seconds_bucket', equals: { job: 'iris-api' } },
      { metric: 'up', equals: { job: 'iris-api' } },
    ]);
  });
});

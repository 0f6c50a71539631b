import {
  panelQueries, provisionedDashboards, recordedSeries, scrapeJobNames, selectorsOf, substituteGrafanaVariables, uncollectedSelectors,
} from './support/dashboard-queries';
import { checkRules, expectSuccess, recordingRuleFile } from './support/promtool';
import { synthStack } from './support/synth';
import { Dashboards, GrafanaDashboard } from '../src';

/** A user's dashboard JSON, as exported from Grafana: one query per Grafana variable, one panel in a row. */
const userDashboard = (expr = 'max_over_time(up{job="iris-api"}[$__range])'): GrafanaDashboard => Dashboards.fromJson({
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
function stackWith(dashboard: GrafanaDashboard) {
  const { objects } = synthStack({}, (stack) => stack.grafana.addDashboard(dashboard));
  return { dashboards: provisionedDashboards(objects), jobs: scrapeJobNames(objects), recorded: recordedSeries(objects) };
}

const { dashboards, jobs, recorded } = stackWith(userDashboard());
const checked = new Map<string, number>();

afterAll(() => {
  const total = [...checked.values()].reduce((a, b) => a + b, 0);
  console.log(`dashboard queries checked: ${total} (${[...checked].map(([file, n]) => `${file}: ${n}`).join(', ')})`);
});

test('the stack provisions the built-in dashboards (overview, SLOs, infrastructure) and the user one', () => {
  expect(Object.keys(dashboards).sort()).toEqual(['iris-api-overview.json', 'iris-api-slos.json', 'kubernetes-infrastructure.json', 'team-inference.json']);
});

describe.each(Object.keys(dashboards))('%s', (file) => {
  const queries = panelQueries(dashboards[file]);

  test('every query is found, nested panels included', () => {
    // An independent count of the "expr" keys guards the panel walk against missing any.
    expect(queries.length).toBe((dashboards[file].match(/"expr":/g) ?? []).length);
    expect(queries.length).toBeGreaterThan(0);
  });

  test('every query passes promtool check rules (as recording rules, Grafana variables substituted)', () => {
    const rules = recordingRuleFile(file.replace(/\.json$/, ''), queries.map((q) => substituteGrafanaVariables(q.expr)));
    const result = checkRules({ 'dashboard-queries.yml': rules });
    expectSuccess(result, `promtool check rules (${file} queries)`);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    checked.set(file, queries.length);
  });

  test('every metric of every query is collected by a scrape job of the stack, or recorded by its rules', () => {
    expect(uncollectedSelectors(queries, jobs, recorded)).toEqual([]);
  });
});

describe('the checks can fail', () => {
  test('an ill-typed query in a user dashboard is rejected by promtool', () => {
    const bad = panelQueries(stackWith(userDashboard('rate(model_loaded{job="iris-api"})')).dashboards['team-inference.json']);
    const result = checkRules({ 'dashboard-queries.yml': recordingRuleFile('team-inference', bad.map((q) => substituteGrafanaVariables(q.expr))) });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector in call to function "rate"/);
  });

  test.each([
    ['a metric no job collects', 'sum(rate(node_cpu_seconds_total[$__rate_interval]))', 'node_cpu_seconds_total'],
    ['a job the stack does not scrape', 'up{job="node-exporter"}', 'up (job="node-exporter")'],
    ['a metric asked of the wrong job', 'container_memory_working_set_bytes{job="iris-api"}', 'container_memory_working_set_bytes (job="iris-api")'],
  ])('%s is reported', (_name, expr, reported) => {
    const queries = panelQueries(stackWith(userDashboard(expr)).dashboards['team-inference.json']);
    expect(uncollectedSelectors(queries, jobs)).toEqual([`team-inference / Availability: ${reported} in ${expr}`]);
  });

  test('a recorded series asked with a label no recording rule gives is reported', () => {
    const expr = 'job:slo_errors_per_request:ratio_rate5m{job="iris-api", slo="throughput"}';
    const queries = panelQueries(stackWith(userDashboard(expr)).dashboards['team-inference.json']);
    expect(uncollectedSelectors(queries, jobs, recorded)).toEqual([`team-inference / Availability: job:slo_errors_per_request:ratio_rate5m (job="iris-api") in ${expr}`]);
  });

  test('the tokenizer takes no function, keyword, label or string for a metric', () => {
    const expr = 'histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="iris-api", le!="sum"}[5m]))) > on (job) group_left max without (instance) (up{job="iris-api"}) or vector(0)';
    expect(selectorsOf(expr)).toEqual([
      { metric: 'http_request_duration_seconds_bucket', equals: { job: 'iris-api' } },
      { metric: 'up', equals: { job: 'iris-api' } },
    ]);
  });
});

import { parse, stringify } from 'yaml';
import { provisionedDashboards } from './support/dashboard-queries';
import { dashboardLinterVersion, LINT_CONFIG, lintDashboard } from './support/dashboard-linter';
import { expectSuccess } from './support/promtool';
import { synthStack } from './support/synth';
import { Dashboard, Panel } from '../src';

/** A user's dashboard built with the library's helpers: variables, units, descriptions and legends. */
const userDashboard = Dashboard.provisioned({
  uid: 'team-inference',
  title: 'Team - Inference',
  tags: ['team'],
  variables: [
    { name: 'job', selector: 'model_loaded', defaults: ['iris-api'] },
    { name: 'instance', selector: 'up{job=~"$job"}' },
  ],
  panels: [
    Panel.timeseries({
      title: 'Predictions',
      description: 'Predictions per second.',
      unit: 'reqps',
      legendCalcs: ['mean'],
      queries: [{ expr: 'sum by (instance) (rate(model_predictions_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))', legend: '{{instance}}' }],
      position: { x: 0, y: 0, width: 18, height: 8 },
    }),
    Panel.stat({
      title: 'Replicas up',
      description: 'Replicas whose last scrape succeeded.',
      unit: 'short',
      queries: [{ expr: 'sum(up{job=~"$job", instance=~"$instance"})' }],
      position: { x: 18, y: 0, width: 6, height: 8 },
    }),
  ],
});

const { objects } = synthStack({}, (stack) => stack.grafana.addDashboard(userDashboard));
const dashboards = provisionedDashboards(objects);

test('lints the built-in dashboards and the user one, with the pinned linter', () => {
  expect(Object.keys(dashboards).sort()).toEqual(['iris-api-overview.json', 'iris-api-slos.json', 'kubernetes-infrastructure.json', 'team-inference.json']);
  expect(dashboardLinterVersion()).toMatch(/^v\d+\.\d+\.\d+/);
});

test.each(Object.keys(dashboards))('%s passes dashboard-linter --strict', (file) => {
  expectSuccess(lintDashboard(dashboards[file]), `dashboard-linter lint --strict ${file}`);
});

describe('the lint configuration', () => {
  const exclusions = (parse(LINT_CONFIG) as { exclusions: Record<string, { reason?: string }> }).exclusions;

  test.each(Object.keys(exclusions))('excludes %s with a reason, and only because a dashboard needs it', (rule) => {
    expect(exclusions[rule].reason?.trim()).toBeTruthy();
    const { [rule]: _needed, ...others } = exclusions;
    const failing = Object.keys(dashboards).filter((file) => lintDashboard(dashboards[file], stringify({ exclusions: others })).status !== 0);
    expect(failing).not.toEqual([]);
  });
});

describe('the linter can fail', () => {
  test('a dashboard with a fixed datasource, no variables, units or descriptions and a raw counter is rejected', () => {
    const broken = Dashboard.fromJson({
      uid: 'broken',
      title: 'Broken',
      // No label matcher: this linter version checks raw counters only in bare selectors.
      panels: [{ type: 'timeseries', title: 'Predictions', targets: [{ expr: 'sum(model_predictions_total)' }] }],
    });
    const result = lintDashboard(JSON.stringify(broken.toJson()));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("Dashboard 'Broken' does not have a templated data source");
    expect(result.output).toContain("Dashboard 'Broken', panel 'Predictions' does not use a templated datasource, uses 'prometheus'");
    expect(result.output).toContain("Dashboard 'Broken', panel 'Predictions' has no or invalid units defined: ''");
    expect(result.output).toContain("counter metric 'model_predictions_total' is not aggregated with rate, irate, or increase");
  });

  test('a helper-built panel whose query ignores the job and instance variables is rejected', () => {
    const unscoped = Dashboard.provisioned({
      uid: 'unscoped',
      title: 'Unscoped',
      variables: [
        { name: 'job', selector: 'model_loaded' },
        { name: 'instance', selector: 'up{job=~"$job"}' },
      ],
      panels: [Panel.timeseries({
        title: 'Predictions',
        description: 'Predictions per second.',
        unit: 'reqps',
        queries: [{ expr: 'sum(rate(model_predictions_total[5m]))' }],
        position: { x: 0, y: 0, width: 24, height: 8 },
      })],
    });
    const result = lintDashboard(JSON.stringify(unscoped.toJson()));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/target idx '0' invalid PromQL query .*: job selector not found/);
    expect(result.output).toMatch(/target idx '0' invalid PromQL query .*: should use \$__rate_interval/);
  });
});

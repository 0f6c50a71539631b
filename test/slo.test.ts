import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { amtoolRoutesTest, inhibits, synthesizedAlertmanagerYml } from './support/alertmanager';
import {
  alertRulesOf, checkRules, expectSuccess, PromqlExprTest, RuleFile, RuleTestGroup, synthesizedRuleFiles, testRules,
} from './support/promtool';
import { synthStack } from './support/synth';
import { Client, irisApiSeries, Phase, totalMinutes } from './support/traffic';
import { AlertmanagerConfigFile } from '../src/alertmanager/config-model';
import { AvailabilitySlo, InferenceApiSlos, LatencySlo, MonitoringStackProps, ServiceLevelObjective } from '../src';

// The SLO rules under test are the ones the stack synthesizes for the Iris API, alone (so an incident is
// judged by the SLO alerts it fires, not by the threshold alerts of test/alert-rules.test.ts).
const SLO_FILE = 'iris-api-slos.yml';
const { objects } = synthStack();
const sloRules = { [SLO_FILE]: synthesizedRuleFiles(objects)[SLO_FILE] };
const alerts = alertRulesOf(sloRules);
/**
 * The same rules, the 28d ratios evaluated first in the alerts' group. Prometheus evaluates its groups
 * independently (a 2m group at a phase hashed from its file path, which promtool reads from a random
 * temporary folder), so the budget figure an annotation reads could be one evaluation old, or not, from
 * run to run; one group in order makes it the current one.
 */
const sloRulesInOrder = (() => {
  const [alertsGroup, windowsGroup] = (parse(sloRules[SLO_FILE]) as RuleFile).groups;
  return { [SLO_FILE]: stringify({ groups: [{ ...alertsGroup, rules: [...windowsGroup.rules, ...alertsGroup.rules] }] }) };
})();
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d'];

describe('recording rules', () => {
  const groups = (parse(sloRules[SLO_FILE]) as RuleFile).groups;
  const records = groups.flatMap((g) => g.rules.filter((r) => r.record));

  test('per SLO, the time of the latest scrape and one error ratio per window (job:slo_errors_per_request:ratio_rate<window>), labelled job and slo', () => {
    const expected = ['availability', 'latency'].flatMap((slo) => [
      `job:slo_last_scrape:timestamp ${slo}`, ...WINDOWS.map((w) => `job:slo_errors_per_request:ratio_rate${w} ${slo}`),
    ]);
    expect(records.map((r) => `${r.record} ${r.labels?.slo}`).sort()).toEqual(expected.sort());
    records.forEach((r) => expect(Object.keys(r.labels ?? {}).sort()).toEqual(['job', 'slo']));
  });

  test('the 28d ratios have their own group, evaluated every 2m; the ratios follow the scrape times, the alerts the ratios they read', () => {
    expect(groups.map((g) => g.name)).toEqual(['iris-api-slos', 'iris-api-slo-windows']);
    expect(parse(sloRules[SLO_FILE]).groups[1].interval).toBe('2m');
    expect(groups[0].rules.slice(0, 2).map((r) => r.record)).toEqual(['job:slo_last_scrape:timestamp', 'job:slo_last_scrape:timestamp']);
    expect(groups[0].rules.findIndex((r) => r.alert)).toBe(16);
  });

  test('a window\'s ratio counts the time without data as good events; a gap the counters span costs nothing (promtool)', () => {
    // 1 error and 99 predictions a minute (1%); Prometheus starts at minute 0 and is down from 60 to 70 with
    // its TSDB kept. The ratio over a window is 1% times the share of it that follows the first scrape.
    const gap = (perMinute: number) => `${perMinute * 0}+${perMinute}x59 _x10 ${perMinute * 70}+${perMinute}x50`;
    const target = 'job="iris-api", instance="10.244.0.12:8000"';
    const ratio = (window: string) => `job:slo_errors_per_request:ratio_rate${window}{job="iris-api", slo="availability"}`;
    const at = (minute: number, window: string, value: number): PromqlExprTest => ({
      expr: ratio(window), eval_time: `${minute}m`, exp_samples: [{ labels: ratio(window), value }],
    });
    const result = testRules(sloRulesInOrder, [{
      name: 'coverage',
      interval: '1m',
      input_series: [
        { series: `up{${target}}`, values: '1x59 _x10 1x50' },
        { series: `model_predictions_total{${target}, class="setosa"}`, values: gap(99) },
        { series: `api_errors_total{${target}, type="inference"}`, values: gap(1) },
      ],
      promql_expr_test: [
        at(30, '5m', 0.01), at(30, '1h', 0.01 * 30 / 60), at(30, '1d', 0.01 * 30 / 1440),
        at(120, '1h', 0.01), at(120, '6h', 0.01 * 120 / 360), at(120, '28d', 0.01 * 120 / 40320),
      ],
    }]);
    expectSuccess(result, 'promtool test rules (coverage)');
  });

  test('latency counts inference routes only, and the 1s bound however the client writes it', () => {
    const latency = records.find((r) => r.record === 'job:slo_errors_per_request:ratio_rate5m' && r.labels?.slo === 'latency')!;
    expect(latency.expr).toContain('http_request_duration_seconds_bucket{job="iris-api", handler=~"/predict", le=~"1(\\\\.0+)?"}[5m]');
    expect(latency.expr).toContain('http_request_duration_seconds_count{job="iris-api", handler=~"/predict"}[5m]');
  });
});

describe('alerts', () => {
  const sloAlerts = [...alerts.values()];

  test('a page and a ticket per SLO, each with the labels of the inhibition contract and a runbook', () => {
    expect(sloAlerts.map((a) => `${a.alert} ${a.labels?.severity}`)).toEqual([
      'IrisApiAvailabilityFastBurn critical', 'IrisApiAvailabilitySlowBurn warning',
      'IrisApiLatencyFastBurn critical', 'IrisApiLatencySlowBurn warning',
    ]);
    for (const alert of sloAlerts) {
      expect(alert.labels).toEqual({ severity: alert.labels!.severity, component: 'iris-api', job: 'iris-api', namespace: 'mlops', slo: alert.labels!.slo });
      const page = /\/docs\/runbooks\/(\w+\.md)$/.exec(alert.annotations!.runbook_url)![1];
      expect(fs.existsSync(path.join(__dirname, '..', 'docs', 'runbooks', page))).toBe(true);
    }
  });

  test('burn rates 14.4 and 6 page (1h/5m, 6h/30m); 3 and 1 open a ticket (1d/2h, 3d/6h)', () => {
    expect(alerts.get('IrisApiAvailabilityFastBurn')!.expr).toBe(
      '(job:slo_errors_per_request:ratio_rate1h{job="iris-api", slo="availability"} / 0.005 > 14.4 and job:slo_errors_per_request:ratio_rate5m{job="iris-api", slo="availability"} / 0.005 > 14.4)'
      + ' or (job:slo_errors_per_request:ratio_rate6h{job="iris-api", slo="availability"} / 0.005 > 6 and job:slo_errors_per_request:ratio_rate30m{job="iris-api", slo="availability"} / 0.005 > 6)');
    expect(alerts.get('IrisApiLatencySlowBurn')!.expr).toBe(
      '(job:slo_errors_per_request:ratio_rate1d{job="iris-api", slo="latency"} / 0.01 > 3 and job:slo_errors_per_request:ratio_rate2h{job="iris-api", slo="latency"} / 0.01 > 3)'
      + ' or (job:slo_errors_per_request:ratio_rate3d{job="iris-api", slo="latency"} / 0.01 > 1 and job:slo_errors_per_request:ratio_rate6h{job="iris-api", slo="latency"} / 0.01 > 1)');
  });

  // The inhibit rule another change adds to the AlertRouter: a critical alert about an application mutes
  // that application's warning and info alerts. The SLO alerts' labels are made for it.
  const contract = { inhibit_rules: [{ source_matchers: ['severity="critical"', 'job!=""'], target_matchers: ['severity=~"warning|info"'], equal: ['job', 'namespace'] }] } as unknown as AlertmanagerConfigFile;
  const labelsOf = (alert: string, overrides: Record<string, string> = {}) => ({ alertname: alert, ...alerts.get(alert)!.labels, ...overrides });

  test.each([
    ['an SLO\'s page mutes its ticket', 'IrisApiAvailabilityFastBurn', 'IrisApiAvailabilitySlowBurn', {}, true],
    ['a page mutes the tickets of the application\'s other SLOs', 'IrisApiLatencyFastBurn', 'IrisApiAvailabilitySlowBurn', {}, true],
    ['a ticket mutes no page', 'IrisApiAvailabilitySlowBurn', 'IrisApiAvailabilityFastBurn', {}, false],
    ['a page mutes nothing of another application', 'IrisApiAvailabilityFastBurn', 'IrisApiAvailabilitySlowBurn', { job: 'checkout', component: 'checkout' }, false],
    ['a page mutes nothing in another namespace', 'IrisApiAvailabilityFastBurn', 'IrisApiAvailabilitySlowBurn', { namespace: 'staging' }, false],
  ] as const)('inhibition contract: %s', (_name, source, target, targetOverrides, muted) => {
    expect(inhibits(contract, labelsOf(source), labelsOf(target, targetOverrides))).toBe(muted);
  });
});

// ---- Proof by incident: realistic traffic through promtool, judged by which SLO alert fires at which minute ----

/** A day of healthy traffic, 2 predictions a second, with a container restart (counter reset) at 10:00. */
const DAY: Phase[] = [{ minutes: 600, predictPerSecond: 2 }, { minutes: 840, predictPerSecond: 2, restart: true }];
/** The same day at night-time traffic, 0.25 predictions a second: probes outnumber inferences two to one. */
const NIGHT: Phase[] = DAY.map((phase) => ({ ...phase, predictPerSecond: 0.25 }));

interface Incident {
  readonly name: string;
  readonly history: Phase[];
  readonly incident: Phase[];
  readonly client?: Client;
  /**
   * Prometheus restarted with an emptyDir TSDB as the incident began: it holds none of the history, whose
   * counters kept counting in the API, so its first samples are their large totals (at minute 0).
   */
  readonly prometheusRestarted?: boolean;
  /** Every alert that fires during the run, with the minute of the incident at which it first fires. */
  readonly fires: Record<string, number>;
  /** An alert whose annotations are checked, rendered at a minute of the incident. */
  readonly annotations?: { readonly alert: string; readonly minute: number; readonly summary: string; readonly description: string };
}

/*
 * Minutes follow from the windows: with errors at e times the budget, a window of w minutes that saw m
 * minutes of it burns at about e * m / w, the rest of the window healthy, or without data (which counts as
 * healthy). The page needs more than 14.4 over 1h (or 6 over 6h), the ticket more than 3 over 1d or 1 over 3d,
 * and both their short windows. So a ticket takes hours: 3d reaches 1 once the burn has spent a tenth of a
 * 30-day budget, whatever the history Prometheus holds.
 */
const INCIDENTS: Incident[] = [
  {
    // 200x the budget: 1h reaches 14.4 after 60 * 14.4 / 200 = 4.3 minutes; 1d reaches 3 and 3d reaches 1 after 21.6.
    name: 'total outage: every prediction fails (100% errors against 99.5%)',
    history: DAY,
    incident: [{ minutes: 60, predictPerSecond: 2, errorRatio: 1 }],
    fires: { IrisApiAvailabilityFastBurn: 5, IrisApiAvailabilitySlowBurn: 22 },
  },
  {
    // 40x: 1h reaches 14.4 after 21.6 minutes; 1d reaches 3 after 107.3 (with the day's 0.02x). Budget left at
    // minute 90: the errors held (0.01% of 2 rps for a day, 20% for 90m: 2,175) against those the 28d budget
    // allows at 2 rps (0.5% of 4,838,400 requests: 24,192), 1 - 0.0899 = 91.01%.
    name: 'fast burn: 20% of predictions fail',
    history: DAY,
    incident: [{ minutes: 120, predictPerSecond: 2, errorRatio: 0.2 }],
    fires: { IrisApiAvailabilityFastBurn: 22, IrisApiAvailabilitySlowBurn: 108 },
    annotations: {
      alert: 'IrisApiAvailabilityFastBurn',
      minute: 90,
      summary: 'iris-api availability SLO: burning its error budget at 40.0x',
      description: 'SLO: 99.5% of requests succeed over 28d. The error ratio is above 14.4x the budget over both 1h and 5m '
        + '(2.1% of the 28d budget in 1h), or above 6x over both 6h and 30m (5.4% of the 28d budget in 6h); '
        + 'it is 40.0x the budget over the long window. 91.01% of the error budget is left.',
    },
  },
  {
    // 5x: never the 6 of a page; 3d reaches 1 after 4320 / 5 = 864 minutes, less the day's healthy 0.02x: 859.
    name: 'slow burn: 2.5% of predictions fail for 15 hours',
    history: DAY,
    incident: [{ minutes: 900, predictPerSecond: 2, errorRatio: 0.025 }],
    fires: { IrisApiAvailabilitySlowBurn: 859 },
  },
  {
    // 0.2x: within budget over every window.
    name: 'budget-neutral noise: 0.1% of predictions fail for two days, through a restart',
    history: [],
    incident: [{ minutes: 1500, predictPerSecond: 2, errorRatio: 0.001 }, { minutes: 1380, predictPerSecond: 2, errorRatio: 0.001, restart: true }],
    fires: {},
  },
  {
    // 5m burns at 20x, but 1h at 1.7x and 30m at 3.3x: the long windows keep it quiet. (Quiet cases need
    // no full day of history: ten hours cover every window but 1d and 3d, which only dilute more.)
    name: 'deploy blip: a restart and one minute of 50% errors',
    history: DAY.slice(0, 1),
    incident: [{ minutes: 1, predictPerSecond: 2, errorRatio: 0.5, restart: true }, { minutes: 120, predictPerSecond: 2 }],
    fires: {},
  },
  {
    // 30x on /predict (probes, twice as many, would dilute it to 10x: no page); 1h reaches 14.4 after 28.8,
    // 1d reaches 3 (and 3d reaches 1) after 144.
    name: 'slow model: 30% of inferences over 1s, probes fast (Python, le="1.0")',
    history: NIGHT,
    incident: [{ minutes: 150, predictPerSecond: 0.25, slowRatio: 0.3 }],
    fires: { IrisApiLatencyFastBurn: 29, IrisApiLatencySlowBurn: 144 },
  },
  {
    name: 'slow model: 30% of inferences over 1s, probes fast (Go, le="1")',
    history: NIGHT,
    incident: [{ minutes: 150, predictPerSecond: 0.25, slowRatio: 0.3 }],
    client: 'go',
    fires: { IrisApiLatencyFastBurn: 29, IrisApiLatencySlowBurn: 144 },
  },
  {
    name: 'slow probes only: every /health answer over 1s, inferences fast',
    history: NIGHT.slice(0, 1),
    incident: [{ minutes: 120, predictPerSecond: 0.25, probeSlowRatio: 1 }],
    client: 'go',
    fires: {},
  },
  {
    // 5x: the ticket after 4320 / 5 = 864 minutes, no page.
    name: 'slow latency burn: 5% of inferences over 1s for 15 hours',
    history: NIGHT,
    incident: [{ minutes: 900, predictPerSecond: 0.25, slowRatio: 0.05 }],
    fires: { IrisApiLatencySlowBurn: 864 },
  },
];

/** A week of an API's life before Prometheus restarts: its counters' totals. */
const WEEK = 7 * 24 * 60;

/*
 * After a restart of Prometheus with an emptyDir (the default), its TSDB holds minutes of the windows. The
 * ratios count the time without data as healthy, so what fires is what fires on a Prometheus that held the
 * whole window of a healthy API before the incident.
 */
const AFTER_RESTART: Incident[] = [
  {
    // The issue: 0.5% of inferences over 1s against a 1% budget, at night. The week before puts the first slow
    // request after the restart in its second minute, one of 15 (1 - 0.995^30: one restart in seven sees
    // one that early): 6.7x the budget over all the data, which paged and ticketed before the ratios counted
    // the window's coverage. Over 12 hours the ratios never pass 0.5x.
    name: 'restart under a healthy API, 0.5% of inferences over 1s (the issue): silent for 12 hours',
    history: [{ minutes: WEEK + 25, predictPerSecond: 0.25, slowRatio: 0.005 }],
    prometheusRestarted: true,
    incident: [{ minutes: 720, predictPerSecond: 0.25, slowRatio: 0.005 }],
    fires: {},
  },
  {
    // 200x from the restart on: at the minutes of the total outage above, on a day of healthy history.
    name: 'restart into a total outage: the page comes within minutes',
    history: [{ minutes: WEEK, predictPerSecond: 2 }],
    prometheusRestarted: true,
    incident: [{ minutes: 60, predictPerSecond: 2, errorRatio: 1 }],
    fires: { IrisApiAvailabilityFastBurn: 5, IrisApiAvailabilitySlowBurn: 22 },
  },
  {
    // 40x: the fast burn above pages at 22; here the error counter, at 0 before the burn, gives its rate no
    // extrapolation to the window's start, where the requests' gets half a minute: 23. The ticket after 1440 * 3 / 40 = 108.
    name: 'restart into a fast burn: 20% of predictions fail',
    history: [{ minutes: WEEK, predictPerSecond: 2 }],
    prometheusRestarted: true,
    incident: [{ minutes: 120, predictPerSecond: 2, errorRatio: 0.2 }],
    fires: { IrisApiAvailabilityFastBurn: 23, IrisApiAvailabilitySlowBurn: 109 },
  },
  {
    // A day after the restart the 1d window is covered, the 3d one a third: 5% of inferences over 1s (5x) then
    // spend a tenth of the budget over 3d, (0.5 * 1440 + 5m) / 4320 > 1, after 721 minutes; 6h never sees
    // the 6 of a page.
    name: 'restart, a healthy day, then a slow burn: 5% of inferences over 1s',
    history: [{ minutes: WEEK, predictPerSecond: 0.25, slowRatio: 0.005 }],
    prometheusRestarted: true,
    incident: [{ minutes: 1440, predictPerSecond: 0.25, slowRatio: 0.005 }, { minutes: 780, predictPerSecond: 0.25, slowRatio: 0.05 }],
    fires: { IrisApiLatencySlowBurn: 1440 + 721 },
  },
];

/** The promtool test group of an incident: first-firing minutes, labels, annotations, and nothing else firing. */
function incidentGroup(incident: Incident): RuleTestGroup {
  const start = incident.prometheusRestarted ? 0 : totalMinutes(incident.history);
  const end = start + totalMinutes(incident.incident);
  const firing = (alert: string): string => `ALERTS{alertname="${alert}", alertstate="firing"}`;
  const labels = (alert: string): string => `ALERTS${JSON.stringify({ alertname: alert, alertstate: 'firing', ...alerts.get(alert)!.labels }).replace(/"(\w+)":/g, '$1=')}`;
  const promql_expr_test: PromqlExprTest[] = [
    ...Object.entries(incident.fires).flatMap(([alert, minute]) => [
      // Never firing before that minute ...
      { expr: `max_over_time(${firing(alert)}[${start + minute - 1}m])`, eval_time: `${start + minute - 1}m`, exp_samples: [] },
      // ... firing at it, with exactly the labels of the contract.
      { expr: firing(alert), eval_time: `${start + minute}m`, exp_samples: [{ labels: labels(alert), value: 1 }] },
    ]),
    // Over the whole run, exactly these alerts fired.
    {
      expr: `count by (alertname) (count_over_time(ALERTS{alertstate="firing"}[${end}m]))`,
      eval_time: `${end}m`,
      exp_samples: Object.keys(incident.fires).map((alert) => ({ labels: `{alertname="${alert}"}`, value: 1 })),
    },
  ];
  const a = incident.annotations;
  return {
    name: incident.name,
    interval: '1m',
    input_series: irisApiSeries([...incident.history, ...incident.incident], incident.client, incident.prometheusRestarted ? totalMinutes(incident.history) : 0),
    promql_expr_test,
    alert_rule_test: a ? [{
      eval_time: `${start + a.minute}m`,
      alertname: a.alert,
      exp_alerts: [{
        exp_labels: alerts.get(a.alert)!.labels!,
        exp_annotations: { summary: a.summary, description: a.description, runbook_url: alerts.get(a.alert)!.annotations!.runbook_url },
      }],
    }] : [],
  };
}

describe('promtool test rules: incidents, judged by which SLO alert fires at which minute', () => {
  test.each([...INCIDENTS, ...AFTER_RESTART].map((incident) => [incident.name, incident] as const))('%s', (_name, incident) => {
    expectSuccess(testRules(sloRulesInOrder, [incidentGroup(incident)]), `promtool test rules (${incident.name})`);
  }, 300_000);

  test('what the issue asks: a total outage pages within 5 minutes, a fast burn within 25, a slow burn never pages', () => {
    const [outage, fast, slow] = INCIDENTS;
    expect(outage.fires.IrisApiAvailabilityFastBurn).toBeLessThanOrEqual(5);
    expect(fast.fires.IrisApiAvailabilityFastBurn).toBeLessThanOrEqual(25);
    expect(Object.keys(slow.fires)).toEqual(['IrisApiAvailabilitySlowBurn']);
  });

  test('and after a restart: a healthy API stays silent for 12 hours, an outage pages within 5 minutes and a fast burn within 25', () => {
    const [healthy, outage, fast] = AFTER_RESTART;
    expect([totalMinutes(healthy.incident), healthy.fires]).toEqual([720, {}]);
    expect(outage.fires.IrisApiAvailabilityFastBurn).toBeLessThanOrEqual(5);
    expect(fast.fires.IrisApiAvailabilityFastBurn).toBeLessThanOrEqual(25);
  });

  test('a wrong expectation makes promtool fail (the judge can fail)', () => {
    const [outage] = INCIDENTS;
    const early = { ...outage, history: DAY.slice(0, 1), fires: { IrisApiAvailabilityFastBurn: 4 } };
    const result = testRules(sloRulesInOrder, [incidentGroup(early)]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('IrisApiAvailabilityFastBurn');
  }, 120_000);
});

// ---- Other applications, opting out, bad input ----

describe('SLOs of another application', () => {
  const checkoutSlos = [
    new AvailabilitySlo({ name: 'availability', objectivePercent: 99.9, requestCounters: ['http_requests_total'], errorCounter: 'http_requests_total{code=~"5.."}' }),
    new LatencySlo({ name: 'latency', objectivePercent: 95, window: '30d', thresholdSeconds: 0.25, handlers: ['/cart', '/pay'] }),
  ];
  const { objects: withCheckout } = synthStack({}, (stack) => stack.monitorApplication(
    { name: 'checkout', namespace: 'shop', serviceName: 'checkout-service' }, { slos: checkoutSlos },
  ));
  const rules = synthesizedRuleFiles(withCheckout);
  const dashboardsOf = (objs: typeof objects): string[] => Object.keys(objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-dashboards')!.data);

  test('get their own rule file, passing promtool check rules', () => {
    expect(Object.keys(rules)).toContain('checkout-slos.yml');
    expectSuccess(checkRules({ 'checkout-slos.yml': rules['checkout-slos.yml'] }), 'promtool check rules checkout-slos.yml');
  });

  test('alerts named after the application and SLO, labelled with its namespace; ratios from its own selectors', () => {
    const checkout = alertRulesOf({ f: rules['checkout-slos.yml'] });
    expect([...checkout.keys()]).toEqual(['CheckoutAvailabilityFastBurn', 'CheckoutAvailabilitySlowBurn', 'CheckoutLatencyFastBurn', 'CheckoutLatencySlowBurn']);
    expect(checkout.get('CheckoutLatencyFastBurn')!.labels).toMatchObject({ job: 'checkout', namespace: 'shop', component: 'checkout', slo: 'latency' });
    const records = (parse(rules['checkout-slos.yml']) as RuleFile).groups.flatMap((g) => g.rules);
    expect(records[0].expr).toBe('max(timestamp(up{job="checkout"}))');
    expect(records[2].expr).toBe('((sum(rate(http_requests_total{job="checkout", code=~"5.."}[5m])) or vector(0)) / (sum(rate(http_requests_total{job="checkout"}[5m])) > 0))'
      + ' * on() (clamp_max((time() - min_over_time(job:slo_last_scrape:timestamp{job="checkout", slo="availability"}[10m])) / 300, 1) or on() vector(1))');
    expect(records.map((r) => r.record)).toContain('job:slo_errors_per_request:ratio_rate30d');
    expect(records.find((r) => r.record === 'job:slo_errors_per_request:ratio_rate5m' && r.labels?.slo === 'latency')!.expr).toContain('handler=~"/cart|/pay", le=~"0\\\\.250*"');
  });

  test('get their dashboard, beside the Iris API\'s', () => {
    expect(dashboardsOf(withCheckout)).toEqual(expect.arrayContaining(['iris-api-slos.json', 'checkout-slos.json']));
  });

  test('labels go on the SLO\'s alerts, not its recorded series: the team\'s route catches its pages and tickets (amtool)', () => {
    const { objects: routed } = synthStack({}, (stack) => {
      stack.monitorApplication({ name: 'checkout', namespace: 'shop', serviceName: 'checkout-service' }, {
        slos: [new AvailabilitySlo({ ...checkoutSlos[0], requestCounters: ['http_requests_total'], errorCounter: 'http_requests_total{code=~"5.."}', labels: { team: 'shop' } })],
      });
      stack.alertRouter.addReceivers({ name: 'shop-team' }, { name: 'oncall' });
      stack.alertRouter.addRoutes({ receiver: 'shop-team', match: { team: 'shop' } }, { receiver: 'oncall', match: { severity: 'critical' } });
    });
    const file = synthesizedRuleFiles(routed)['checkout-slos.yml'];
    const records = (parse(file) as RuleFile).groups.flatMap((g) => g.rules).filter((r) => r.record);
    expect(records.filter((r) => r.labels?.team !== undefined)).toEqual([]);
    const yml = synthesizedAlertmanagerYml(routed);
    for (const [name, rule] of alertRulesOf({ f: file })) {
      expect({ name, labels: rule.labels }).toEqual({ name, labels: { severity: expect.any(String), component: 'checkout', job: 'checkout', namespace: 'shop', slo: 'availability', team: 'shop' } });
      // The labels the alert fires with (its rule's), as Alertmanager receives them.
      expectSuccess(amtoolRoutesTest(yml, { alertname: name, ...rule.labels }, ['shop-team']), `amtool config routes test ${name} → shop-team`);
    }
    // Without the label, the same page goes to on-call.
    const { labels } = alertRulesOf({ f: file }).get('CheckoutAvailabilityFastBurn')!;
    expectSuccess(amtoolRoutesTest(yml, { alertname: 'CheckoutAvailabilityFastBurn', ...labels, team: 'other' }, ['oncall']), 'amtool: another team\'s page → oncall');
  });

  test('irisApiSlos: [] leaves the Iris API without SLOs', () => {
    const { objects: without } = synthStack({ irisApiSlos: [] });
    expect(Object.keys(synthesizedRuleFiles(without))).not.toContain(SLO_FILE);
    expect(dashboardsOf(without)).not.toContain('iris-api-slos.json');
  });

  test('irisApiSlos with other objectives', () => {
    const { objects: custom } = synthStack({ irisApiSlos: InferenceApiSlos.objectives({ availabilityObjectivePercent: 99.9, latencyThresholdSeconds: 0.5 }) });
    const customAlerts = alertRulesOf(synthesizedRuleFiles(custom));
    expect(customAlerts.get('IrisApiAvailabilityFastBurn')!.expr).toContain('/ 0.001 > 14.4');
    expect(customAlerts.get('IrisApiLatencyFastBurn')!.annotations!.description).toContain('99% of requests to /predict take at most 0.5s over 28d');
  });
});

describe('bad SLOs fail at synth, naming the construct path and the field', () => {
  const availability = (overrides: Partial<ConstructorParameters<typeof AvailabilitySlo>[0]>): ServiceLevelObjective => new AvailabilitySlo({
    name: 'availability', objectivePercent: 99.5, requestCounters: ['http_requests_total'], errorCounter: 'http_errors_total', ...overrides,
  });
  const at = '[monitoring/stack/Monitoring-iris-api/Slos]';
  const objective = (value: number) => `${at} slos[availability].objectivePercent: ${value} must be a percentage strictly between 0 and 100 (e.g. 99.5)`;
  const CASES: [string, ServiceLevelObjective[], string][] = [
    ['objective 0', [availability({ objectivePercent: 0 })], objective(0)],
    ['objective 100', [availability({ objectivePercent: 100 })], objective(100)],
    ['objective -1', [availability({ objectivePercent: -1 })], objective(-1)],
    ['objective NaN', [availability({ objectivePercent: NaN })], objective(NaN)],
    ['objective Infinity', [availability({ objectivePercent: Infinity })], objective(Infinity)],
    ['window 28x', [availability({ window: '28x' })], `${at} slos[availability].window: "28x" is not a Prometheus duration (e.g. 30s, 5m, 1h30m, 15d)`],
    ['window shorter than the alerts', [availability({ window: '2d' })], `${at} slos[availability].window: "2d" is shorter than 3d, the longest alerting window`],
    ['name that cannot be a label value and an alert name', [availability({ name: 'Availability' })],
      `${at} slos[Availability].name: "Availability" is not a valid DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['two SLOs of one name', [availability({}), availability({})], `${at} slos: duplicate SLO name "availability"`],
    ['no request counter', [availability({ requestCounters: [] })], `${at} slos[availability].requestCounters: at least one counter of requests is needed`],
    ['error counter that is an expression', [availability({ errorCounter: 'rate(http_errors_total[5m])' })],
      `${at} slos[availability].errorCounter: "rate(http_errors_total[5m])" must be a metric name with optional label matchers, such as http_requests_total{code=~"5.."}`],
    ['latency threshold of 0', [new LatencySlo({ name: 'latency', objectivePercent: 99, thresholdSeconds: 0 })],
      `${at} slos[latency].thresholdSeconds: 0 must be a positive number of seconds, a bucket bound of the histogram`],
    ['a label the alerts set themselves', [availability({ labels: { team: 'ml', severity: 'page' } })],
      `${at} slos[availability].labels: "severity" is set by the SLO's alerts themselves, not through labels`],
    ['a label that is no label name', [availability({ labels: { 'team-name': 'ml' } })],
      `${at} slos[availability].labels: "team-name" is not a valid Prometheus label name`],
    ['a label value that is a broken template', [availability({ labels: { team: '{{ $labels.team' } })],
      `${at} slos[availability].labels.team: "{{ $labels.team" is not a valid Go template: unclosed action "{{ $labels.team" (no matching }})`],
  ];
  test.each(CASES)('%s', (_name, slos, message) => {
    const props: MonitoringStackProps = { irisApiSlos: slos };
    // Exact equality (not a substring), so the message itself is what is asserted.
    let error: unknown;
    try {
      synthStack(props);
    } catch (e) {
      error = e;
    }
    expect((error as Error | undefined)?.message).toBe(message);
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { InputSeries, withTempDir } from './promtool';
import { MINUTE, STEP } from './incidents';
import { requireBinary, run, writeRuleFiles } from './tools';

/** An incident replayed against the synthesized rules. */
export interface Incident {
  readonly name: string;
  /** How long it is replayed. */
  readonly minutes: number;
  readonly series: InputSeries[];
}

/** The labels of one firing alert (`ALERTS` without `__name__` and `alertstate`). */
export type AlertLabels = Record<string, string>;

/** What fired during an incident: per minute, the firing alerts with their labels. */
export interface Timeline {
  readonly firing: AlertLabels[][];
}

/** Minute of the first evaluation at which each alert fired. */
export function firstFiring(timeline: Timeline): Record<string, number> {
  const first: Record<string, number> = {};
  timeline.firing.forEach((alerts, minute) => alerts.forEach((a) => { first[a.alertname] ??= minute; }));
  return first;
}

/** Exactly the `expected` alerts fired (alert → [earliest, latest] minute of its first firing), each within its window. */
export function expectFirings(fired: Record<string, number>, expected: Record<string, [number, number]>): void {
  expect(Object.keys(fired).sort()).toEqual(Object.keys(expected).sort());
  for (const [alert, [earliest, latest]] of Object.entries(expected)) {
    const minute = fired[alert];
    expect({ alert, minute, window: [earliest, latest], inWindow: minute >= earliest && minute <= latest })
      .toEqual({ alert, minute, window: [earliest, latest], inWindow: true });
  }
}

const MARKER_LABEL = 'incident_marker';

/**
 * Runs every incident through `promtool test rules` in one go and reads back, minute by minute, which
 * alerts fire. promtool only checks expectations, so each minute asks for "no firing alert" and the
 * failure report lists what did fire (the query carries a matcher on an absent label that names the
 * incident and minute, since the report does not name the test group). Samples are `stepSeconds` apart, and
 * rules evaluated as often: days-long incidents (a baseline to learn) take a minute's step to stay fast.
 */
export function replayIncidents(ruleFiles: Record<string, string>, incidents: Incident[], stepSeconds = STEP): Map<string, Timeline> {
  const promtool = requireBinary('promtool');
  const query = (incident: number, minute: number) => `ALERTS{alertstate="firing", ${MARKER_LABEL}!="${incident}@${minute}"}`;
  const tests = incidents.map((incident, i) => ({
    name: incident.name,
    interval: `${stepSeconds}s`,
    input_series: incident.series,
    promql_expr_test: Array.from({ length: incident.minutes + 1 }, (_, minute) => ({
      expr: query(i, minute), eval_time: `${minute * MINUTE}s`, exp_samples: [],
    })),
  }));
  const output = withTempDir('incidents', (dir) => {
    const rules = writeRuleFiles(ruleFiles, path.join(dir, 'rules'));
    const testFile = path.join(dir, 'incidents.yml');
    fs.writeFileSync(testFile, stringify({ rule_files: rules, evaluation_interval: `${stepSeconds}s`, tests }));
    const result = run(promtool, ['test', 'rules', testFile], dir);
    if (result.status !== 0 && !result.output.includes(MARKER_LABEL)) {
      throw new Error(`promtool test rules failed on its own:\n${result.output}`);
    }
    return result.output;
  });
  const timelines = new Map<string, Timeline>(incidents.map((inc) => [inc.name, { firing: Array.from({ length: inc.minutes + 1 }, () => []) }]));
  // Each failure: the query (with its marker), then `got:` with the series that were returned.
  const failure = new RegExp(`${MARKER_LABEL}!=\\\\"(\\d+)@(\\d+)\\\\"[\\s\\S]*?got:([^\\n]*)`, 'g');
  for (const [, incident, minute, got] of output.matchAll(failure)) {
    const alerts = [...got.matchAll(/\{([^}]*)\}/g)].map(([, body]) => {
      const labels: AlertLabels = {};
      for (const [, name, value] of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name] = JSON.parse(`"${value}"`);
      delete labels.__name__;
      delete labels.alertstate;
      return labels;
    });
    timelines.get(incidents[Number(incident)].name)!.firing[Number(minute)] = alerts;
  }
  return timelines;
}

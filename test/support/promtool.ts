import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { configMapData, Manifest } from './synth';
import { removeDir, requireBinary, run, RunResult, tempDir, writeRuleFiles } from './tools';

/** One rule as it appears in a synthesized rule file (alerting or recording). */
export interface RuleFileRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A Prometheus rule file, parsed. */
export interface RuleFile {
  readonly groups: { readonly name: string; readonly rules: RuleFileRule[] }[];
}

/** The rule files the stack synthesizes: keys and contents of the `prometheus-rules` ConfigMap. */
export function synthesizedRuleFiles(objects: Manifest[]): Record<string, string> {
  // The `rules` volume of the Prometheus pods: `<name>-rules`, whatever the server's name.
  const workload = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.spec.template.spec.containers.some((c: any) => c.name === 'prometheus'));
  const volume = workload?.spec.template.spec.volumes?.find((v: any) => v.name === 'rules');
  return configMapData(objects, volume?.configMap?.name ?? 'prometheus-rules');
}

/** Every alerting rule of some rule files, by alert name. */
export function alertRulesOf(ruleFiles: Record<string, string>): Map<string, RuleFileRule> {
  const alerts = new Map<string, RuleFileRule>();
  for (const content of Object.values(ruleFiles)) {
    for (const group of (parse(content) as RuleFile).groups) {
      group.rules.filter((r) => r.alert).forEach((rule) => alerts.set(rule.alert!, rule));
    }
  }
  return alerts;
}

/** Throws with the tool's full output when it did not exit 0, so a failing test shows why. */
export function expectSuccess(result: RunResult, what: string): void {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}:\n${result.output}`);
  expect(result.status).toBe(0);
}

/** Runs `fn` with a fresh temporary folder, removed afterwards even when `fn` throws. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = tempDir(prefix);
  try {
    return fn(dir);
  } finally {
    removeDir(dir);
  }
}

/** `promtool check rules` on rule files (name → content), written to a temporary folder. */
export function checkRules(ruleFiles: Record<string, string>): RunResult {
  const promtool = requireBinary('promtool');
  return withTempDir('check-rules', (dir) => run(promtool, ['check', 'rules', ...writeRuleFiles(ruleFiles, dir)]));
}

/** A rule file of recording rules, one per expression, so promtool parses and type-checks each. */
export function recordingRuleFile(groupName: string, exprs: string[]): string {
  return stringify({
    groups: [{ name: groupName, rules: exprs.map((expr, i) => ({ record: `check:query_${i + 1}`, expr })) }],
  });
}

// ---- promtool test rules ----

/** An input series in promtool's expanding notation (`'0+60x20'`, `'1 1 stale'`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** An alert promtool must find firing: all its labels (alertname aside) and rendered annotations. */
export interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}

/** At `eval_time`, exactly `exp_alerts` of `alertname` fire (none: the alert must not fire). */
export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: ExpectedAlert[];
}

/** At `eval_time`, `expr` returns exactly `exp_samples` (none: an empty result, what Grafana shows as no data). */
export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: { readonly labels: string; readonly value: number }[];
}

/** One test group of a promtool unit-test file. */
export interface RuleTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: InputSeries[];
  readonly alert_rule_test?: AlertRuleTest[];
  readonly promql_expr_test?: PromqlExprTest[];
}

/**
 * Writes the rule files and a unit-test file of `groups` into a temporary folder and runs
 * `promtool test rules` on it.
 */
export function testRules(ruleFiles: Record<string, string>, groups: RuleTestGroup[]): RunResult {
  const promtool = requireBinary('promtool');
  return withTempDir('test-rules', (dir) => {
    const rules = writeRuleFiles(ruleFiles, path.join(dir, 'rules'));
    const testFile = path.join(dir, 'tests.yml');
    fs.writeFileSync(testFile, stringify({ rule_files: rules, evaluation_interval: '1m', tests: groups }));
    // Days of samples take promtool a minute on a busy machine: the tests that replay them allow five.
    return run(promtool, ['test', 'rules', testFile], dir, 240_000);
  });
}

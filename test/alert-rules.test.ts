import { parse } from 'yaml';
import { ALERT_CASES, ruleTestGroups } from './support/alert-cases';
import { alertRulesOf, checkRules, expectSuccess, RuleFile, synthesizedRuleFiles, testRules } from './support/promtool';
import { synthStack } from './support/synth';
import { RuleGroup } from '../src';

// The rule files under test are the ones the constructs synthesize, never a copy. SLO burn-rate alerts (an
// `slo` label) are proven by incidents in test/slo.test.ts.
const ruleFiles = synthesizedRuleFiles(synthStack().objects);
const alertRules = new Map([...alertRulesOf(ruleFiles)].filter(([, rule]) => !rule.labels?.slo));

describe('promtool test rules: each alert fires, and only when it should', () => {
  test.each(ALERT_CASES.map((cases) => [cases.alert, cases] as const))('%s', (alert, cases) => {
    const rule = alertRules.get(alert);
    if (!rule) throw new Error(`the synthesized rules have no alert ${alert} (have: ${[...alertRules.keys()].join(', ')})`);
    expectSuccess(testRules(ruleFiles, ruleTestGroups(cases, rule)), `promtool test rules (${alert})`);
  });

  test('every synthesized alert has a firing and a non-firing case, and every case names a real alert', () => {
    // promtool passes a test of an alert that does not exist (it expects nothing and finds nothing), so
    // case names are checked against the rules; a new alert without tests fails here.
    const tested = ALERT_CASES.map((c) => c.alert);
    expect([...tested].sort()).toEqual([...alertRules.keys()].sort());
    expect(new Set(tested).size).toBe(tested.length);
    for (const cases of ALERT_CASES) {
      expect({ alert: cases.alert, firing: cases.firing.length > 0, quiet: cases.quiet.length > 0 })
        .toEqual({ alert: cases.alert, firing: true, quiet: true });
      cases.firing.forEach((c) => expect(c.exp_alerts.length).toBeGreaterThan(0));
    }
  });

  test('a broken expectation makes promtool fail (the gate can fail)', () => {
    const [cases] = ALERT_CASES;
    const groups = ruleTestGroups({ ...cases, firing: [{ ...cases.firing[0], exp_alerts: [] }], quiet: [] }, alertRules.get(cases.alert)!);
    const result = testRules(ruleFiles, groups);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(cases.alert);
  });
});

describe('promtool check rules', () => {
  test.each(Object.keys(ruleFiles))('synthesized %s passes', (file) => {
    expectSuccess(checkRules({ [file]: ruleFiles[file] }), `promtool check rules ${file}`);
  });

  const userGroup = (expr: string): RuleGroup => ({
    name: 'team-alerts',
    rules: [
      { record: 'job:model_predictions:rate5m', expr: 'sum by (job) (rate(model_predictions_total[5m]))' },
      { alert: 'TeamAlert', expr, for: '10m', severity: 'warning', component: 'team', summary: 'team alert', description: 'a user rule' },
    ],
  });
  /** The custom rule file of a stack given a user's group, through props or through addRuleGroup. */
  const userRules = (group: RuleGroup, via: 'props' | 'addRuleGroup'): Record<string, string> => {
    const { objects } = via === 'props'
      ? synthStack({ prometheus: { ruleGroups: [group] } })
      : synthStack({}, (stack) => stack.prometheus.addRuleGroup(group, 'team-rules.yml'));
    const rules = synthesizedRuleFiles(objects);
    const file = via === 'props' ? 'custom-rules.yml' : 'team-rules.yml';
    expect((parse(rules[file]) as RuleFile).groups.map((g) => g.name)).toEqual(['team-alerts']);
    return rules;
  };

  test.each(['props', 'addRuleGroup'] as const)('a user rule group added through %s passes the same gate', (via) => {
    expectSuccess(checkRules(userRules(userGroup('job:model_predictions:rate5m < 1'), via)), 'promtool check rules (user group)');
  });

  test.each(['props', 'addRuleGroup'] as const)('a user rule that parses but is ill-typed, added through %s, is rejected', (via) => {
    // rate() of an instant vector parses (so synth accepts it) but is a type error only promtool sees.
    const result = checkRules(userRules(userGroup('rate(some_metric) > 0'), via));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector in call to function "rate", got instant vector/);
  });
});

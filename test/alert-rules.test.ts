import { AlertSeverity } from '../src/index';
import { parse } from 'yaml';
import { checkRules, expectSuccess, recordingRuleFile, RuleFile, synthesizedRuleFiles } from './support/promtool';
import { synthStack } from './support/synth';
import { RuleGroup } from '../src';

// The rule files under test are the ones the constructs synthesize, never a copy. How the alerts behave
// in incidents is incidents.test.ts's business.
const ruleFiles = synthesizedRuleFiles(synthStack().objects);

describe('promtool check rules', () => {
  test.each(Object.keys(ruleFiles))('synthesized %s passes', (file) => {
    expectSuccess(checkRules({ [file]: ruleFiles[file] }), `promtool check rules ${file}`);
  });

  const userGroup = (expr: string): RuleGroup => ({
    name: 'team-alerts',
    rules: [
      { record: 'job:model_predictions:rate5m', expr: 'sum by (job) (rate(model_predictions_total[5m]))' },
      { alert: 'TeamAlert', expr, forDuration: '10m', severity: AlertSeverity.WARNING, component: 'team', summary: 'team alert', description: 'a user rule' },
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

  test.each(['props', 'addRuleGroup'] as const)('a user rule that parses but is ill-typed, added through %s, is refused at synth, as promtool refuses it', (via) => {
    // rate() of an instant vector parses with the Lezer grammar; synth type-checks it as promtool does.
    expect(() => userRules(userGroup('rate(some_metric) > 0'), via)).toThrow(
      '[monitoring/stack/Prometheus] ruleGroups[team-alerts].TeamAlert.expr: "rate(some_metric) > 0" is not valid PromQL: rate() needs a range vector');
    const result = checkRules({ 'ill-typed.yml': recordingRuleFile('ill-typed', ['rate(some_metric) > 0']) });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector in call to function "rate", got instant vector/);
  });
});

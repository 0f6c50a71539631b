import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { sortedMap } from '../common/serialize';
import { validateRe2 } from '../common/re2';
import { expectType, validateLabelName } from '../common/validation';
import { AlertSeverity } from '../prometheus/rules';

/** How a {@link LabelMatcher} compares a label's value. */
export enum MatchOperator {
  /** The value equals. */
  EQUAL = '=',
  /** The value differs (an absent label is the empty string). */
  NOT_EQUAL = '!=',
  /** The value fully matches a regular expression. */
  REGEX = '=~',
  /** The value does not fully match a regular expression. */
  NOT_REGEX = '!~',
}

/** One label matcher of a route or inhibit rule, as Alertmanager's `matchers` write it: `team=~"ml|data"`. */
export interface LabelMatcher {
  /** Label name. */
  readonly label: string;
  /**
   * How the value is compared.
   * @default MatchOperator.EQUAL
   */
  readonly operator?: MatchOperator;
  /** Value, or regular expression for the regex operators. */
  readonly value: string;
}

/** Equality matchers from a `{ label: value }` map (sorted by label, so key order never changes the output), then `more`. */
export function toMatchers(match: Record<string, string> | undefined, more: LabelMatcher[] | undefined): LabelMatcher[] {
  const equal = Object.entries(sortedMap(match) ?? {}).map(([label, value]) => ({ label, value }));
  return [...equal, ...(more ?? [])];
}

/** Checks label names, operators and regular expressions. */
export function validateMatchers(scope: IConstruct, field: string, matchers: LabelMatcher[]): void {
  matchers.forEach((m, i) => {
    expectType(scope, `${field}[${i}]`, m, 'object');
    expectType(scope, `${field}[${i}].label`, m.label, 'string');
    validateLabelName(scope, `${field}[${i}].label`, m.label);
    const op = m.operator ?? MatchOperator.EQUAL;
    if (!Object.values(MatchOperator).includes(op)) {
      fail(scope, `${field}[${i}].operator`, `"${op}" is not one of ${Object.values(MatchOperator).join(' ')}`);
    }
    expectType(scope, `${field}[${i}].value`, m.value, 'string');
    const regex = op === MatchOperator.REGEX || op === MatchOperator.NOT_REGEX;
    if (regex) validateRe2(scope, `${field}[${i}].value`, m.value);
    // A label value with a line break or a space at an end is a copy-paste slip: no alert carries it.
    else if (/[\p{Cc}]|^\s|\s$/u.test(m.value)) {
      fail(scope, `${field}[${i}].value`, `${JSON.stringify(m.value)} has a control character or a space at an end: no alert carries such a value`);
    }
    if (m.label === 'severity' && !SEVERITIES.some((severity) => matchesValue(m.value, regex, severity))) {
      fail(scope, `${field}[${i}].value`, `${JSON.stringify(m.value)} matches no severity the stack's rules write (${SEVERITIES.join(', ')}, lower case): the matcher is likely wrong`);
    }
  });
}

/** The `severity` values of every rule (AlertRule.severity allows no other). */
const SEVERITIES: string[] = Object.values(AlertSeverity);

/** Whether a matcher value (a regex, or a plain value) matches `value`; true when JavaScript cannot read an RE2-only regex. */
function matchesValue(matcherValue: string, regex: boolean, value: string): boolean {
  if (!regex) return matcherValue === value;
  try {
    return new RegExp(`^(?:${matcherValue})$`).test(value);
  } catch {
    return true;
  }
}

/**
 * Whether every alert that `narrower` matches is also matched by `wider`: each matcher of `wider` is
 * implied by one of `narrower` on the same label. Conservative: false when it cannot tell.
 */
export function covers(wider: LabelMatcher[], narrower: LabelMatcher[]): boolean {
  return wider.every((w) => narrower.some((n) => n.label === w.label && implies(n, w)));
}

function implies(n: LabelMatcher, w: LabelMatcher): boolean {
  const nOp = n.operator ?? MatchOperator.EQUAL;
  const wOp = w.operator ?? MatchOperator.EQUAL;
  if (nOp === wOp && n.value === w.value) return true;
  if (nOp !== MatchOperator.EQUAL) return false;
  const full = (regex: string) => new RegExp(`^(?:${regex})$`).test(n.value);
  switch (wOp) {
    case MatchOperator.EQUAL: return n.value === w.value;
    case MatchOperator.NOT_EQUAL: return n.value !== w.value;
    case MatchOperator.REGEX: return full(w.value);
    default: return !full(w.value);
  }
}

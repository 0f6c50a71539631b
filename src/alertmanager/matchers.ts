import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { sortedMap } from '../common/serialize';
import { validateRe2 } from '../common/re2';
import { validateLabelName } from '../common/validation';

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
    validateLabelName(scope, `${field}[${i}].label`, m.label);
    const op = m.operator ?? MatchOperator.EQUAL;
    if (!Object.values(MatchOperator).includes(op)) {
      fail(scope, `${field}[${i}].operator`, `"${op}" is not one of ${Object.values(MatchOperator).join(' ')}`);
    }
    if (typeof m.value !== 'string') fail(scope, `${field}[${i}].value`, 'must be a string');
    if (op === MatchOperator.REGEX || op === MatchOperator.NOT_REGEX) {
      validateRe2(scope, `${field}[${i}].value`, m.value);
    }
  });
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

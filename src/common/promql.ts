import { IConstruct } from 'constructs';
import { fail } from './errors';
import { re2Problem } from './re2';
import { expectType } from './validation';

interface Cursor {
  next(): boolean;
  readonly type: { readonly isError: boolean; readonly name: string };
  readonly from: number;
  readonly to: number;
  readonly node: SyntaxNode;
}
interface SyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
}
type Parser = { parse(input: string): { cursor(): Cursor } };

/** Functions whose first argument is a range vector (`x[5m]` or a subquery): `rate(x)` is a type error. */
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear', 'holt_winters', 'double_exponential_smoothing', 'changes',
  'resets', 'absent_over_time', 'present_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time',
  'count_over_time', 'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'mad_over_time', 'ts_of_max_over_time',
  'ts_of_min_over_time', 'ts_of_last_over_time', 'first_over_time', 'ts_of_first_over_time',
]);

/** The node's children. */
function children(node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) result.push(child);
  return result;
}

/**
 * Why the node under `cursor` is ill-typed or has a regex RE2 refuses (what promtool would say), or undefined.
 * Called for every node of a tree that may still hold syntax errors (then its verdict is dropped), so a node
 * may lack the children a valid one has.
 */
function semanticProblem(source: string, cursor: Cursor): string | undefined {
  const node = cursor.node;
  if (cursor.type.name === 'FunctionCall') {
    const [identifier, body] = children(node);
    const name = identifier ? source.slice(identifier.from, identifier.to) : '';
    // `quantile_over_time(0.9, x[5m])`, `predict_linear(x[1h], 3600)`: the range vector's position.
    const position = name === 'quantile_over_time' ? 1 : 0;
    let arg: SyntaxNode | undefined = body ? children(body)[position] : undefined;
    while (arg && ['ParenExpr', 'OffsetExpr', 'StepInvariantExpr'].includes(arg.name)) arg = children(arg)[0];
    if (RANGE_FUNCTIONS.has(name) && (!arg || !['MatrixSelector', 'SubqueryExpr'].includes(arg.name))) {
      return `${name}() needs a range vector (such as x[5m]), got "${arg ? source.slice(arg.from, arg.to) : ''}"`;
    }
  }
  const op = cursor.type.name === 'MatchOp' ? node.firstChild : null;
  if (op && (op.name === 'EqlRegex' || op.name === 'NeqRegex')) {
    const literal = node.nextSibling;
    if (literal && literal.name === 'StringLiteral') {
      const text = source.slice(literal.from, literal.to);
      const pattern = stringLiteralValue(text);
      const problem = pattern === undefined ? undefined : re2Problem(pattern);
      if (problem) return `the regex ${text} is not RE2: ${problem}`;
    }
  }
  return undefined;
}
let parser: Parser | undefined;

/** The official Lezer PromQL parser, loaded on first use: apps that add no rules do not pay for it at startup. */
function promqlParser(): Parser {
  parser ??= (require('@prometheus-io/lezer-promql') as { parser: Parser }).parser;
  return parser;
}

/** Where an expression comes from: a rule (run by Prometheus as written) or a Grafana panel (variables substituted first). */
export interface PromQLOptions {
  /**
   * The expression is a Grafana query: its variables (`$job`, `${job:regex}`, `[[job]]`) and macros
   * (`$__rate_interval`) are substituted before parsing, as Grafana does before it sends the query.
   */
  readonly grafana?: boolean;
}

/** A Grafana variable or macro in a query: `$name`, `${name}`, `${name:format}`, `[[name]]`. */
const GRAFANA_VARIABLE = /\$\{(\w+)(?:[:.][^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$([A-Za-z_]\w*)/g;
/** Grafana macros that stand for numbers (milliseconds, seconds), not durations. */
const NUMERIC_MACROS = /^__(interval_ms|range_ms|range_s|from|to)$/;

/**
 * `expr` with its Grafana variables replaced as Grafana would, by values that parse: a duration where a
 * duration belongs (`[$__rate_interval]`, `offset $shift`), a number for numeric macros, and otherwise the
 * variable's name (inside a label value, or where a metric name stands).
 */
function substituteGrafanaVariables(expr: string): string {
  return expr.replace(GRAFANA_VARIABLE, (_match: string, braced?: string, bracketed?: string, plain?: string, offset?: number) => {
    const name = braced ?? bracketed ?? plain ?? '';
    const before = expr.slice(0, offset).trimEnd();
    if (/[[:]$|\boffset$/.test(before)) return '5m';
    if (NUMERIC_MACROS.test(name)) return '300';
    return /^__(rate_)?interval$|^__range$/.test(name) ? '5m' : name.replace(/^_+/, '') || 'x';
  });
}

/**
 * Checks that `expr` parses as PromQL with the official Lezer grammar. The parser is loaded on first
 * use only, so apps that add no rules do not pay for it at startup.
 *
 * Besides the syntax, what promtool would refuse and the grammar lets through: range functions (`rate()`,
 * `increase()`, `irate()`, `*_over_time()`...) of an instant vector, and regex matchers that RE2 cannot compile.
 * A Grafana variable in a rule is an error: Prometheus evaluates rules as written.
 */
export function validatePromQL(scope: IConstruct, field: string, expr: string, options: PromQLOptions = {}): string {
  expectType(scope, field, expr, 'string');
  if (expr.trim() === '') {
    fail(scope, field, 'the PromQL expression is empty');
  }
  const source = options.grafana ? substituteGrafanaVariables(expr) : expr;
  // One walk over the tree (a synth validates every rule and panel query, and the parser runs cold): the
  // string literals, the first syntax error and the first semantic problem, reported in that order.
  const cursor = promqlParser().parse(source).cursor();
  // A rule's string literals matter only if a Grafana variable may hide in one.
  const collectStrings = !options.grafana && source.search(GRAFANA_VARIABLE) >= 0;
  const strings: StringSpan[] = [];
  let syntaxErrorAt: number | undefined;
  let problem: string | undefined;
  do {
    if (cursor.type.isError) syntaxErrorAt ??= cursor.from;
    if (collectStrings && cursor.type.name === 'StringLiteral') strings.push(stringSpan(source, cursor));
    if (syntaxErrorAt === undefined) problem ??= semanticProblem(source, cursor);
  } while (cursor.next());
  const variable = collectStrings ? grafanaVariableIn(source, strings) : undefined;
  if (variable) {
    fail(scope, field, `"${expr}" has the Grafana variable "${variable}": Prometheus evaluates rules as written and never substitutes it (dashboards do)`);
  }
  if (syntaxErrorAt !== undefined) {
    const sent = source === expr ? '' : ` of "${source}", as Grafana sends it`;
    fail(scope, field, `"${expr}" is not valid PromQL (syntax error at character ${syntaxErrorAt + 1}${sent})`);
  }
  if (problem) fail(scope, field, `"${expr}" is not valid PromQL: ${problem}`);
  return expr;
}

/** A string literal of an expression, and whether it is a label matcher's value. */
interface StringSpan {
  readonly from: number;
  readonly to: number;
  readonly matcher: boolean;
}

function stringSpan(source: string, cursor: Cursor): StringSpan {
  return { from: cursor.from, to: cursor.to, matcher: cursor.node.nextSibling === null && source.slice(0, cursor.from).trimEnd().match(/(=~|!~|!=|=)$/) !== null };
}

/**
 * A Grafana variable in an expression meant for Prometheus: anywhere outside string literals (a syntax error
 * there), or in a label matcher's value (where it would match the text "$job"). Other strings may hold `$1` or
 * `${name}` legitimately: label_replace()'s replacement refers to the regex's groups so.
 */
function grafanaVariableIn(source: string, strings: StringSpan[]): string | undefined {
  for (const match of source.matchAll(GRAFANA_VARIABLE)) {
    const at = match.index ?? 0;
    const inString = strings.find((s) => at >= s.from && at < s.to);
    if (!inString || inString.matcher) return match[0];
  }
  return undefined;
}

/** RE2 metacharacters, escaped in literal alternatives. */
const REGEX_META = /[\\.+*?()|[\]{}^$]/g;

/**
 * A PromQL regex literal (quoted) matching exactly one of `values`: `"/predict|/v1/predict"`, with regex
 * metacharacters escaped.
 */
export function anyOf(values: readonly string[]): string {
  return JSON.stringify(values.map((v) => v.replace(REGEX_META, '\\$&')).join('|'));
}

/**
 * A PromQL regex literal (quoted) matching a histogram bucket's `le` value for `bound`, however the client
 * wrote it: Python's prometheus_client writes `1.0`, Go's `1`, and Prometheus 3 normalizes on ingestion.
 */
export function bucketBound(bound: number): string {
  const written = String(bound).replace(REGEX_META, '\\$&');
  return JSON.stringify(Number.isInteger(bound) ? `${written}(\\.0+)?` : `${written}0*`);
}

/** One label matcher with a double-quoted value: `code=~"5.."`. */
const MATCHER = String.raw`[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"`;
/** A metric name, optionally followed by label matchers: `http_requests_total{code=~"5.."}`. */
const SELECTOR = new RegExp(String.raw`^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{\s*(${MATCHER}(?:\s*,\s*${MATCHER})*)?\s*,?\s*\})?\s*$`);

/** Checks that `selector` is one series selector: a metric name with optional label matchers. */
export function validateSelector(scope: IConstruct, field: string, selector: string): string {
  expectType(scope, field, selector, 'string');
  if (!SELECTOR.test(selector)) {
    fail(scope, field, `"${selector}" must be a metric name with optional label matchers, such as http_requests_total{code=~"5.."}`);
  }
  return selector;
}

/**
 * A selector checked by {@link validateSelector} with `matchers` put in front of its own:
 * `withMatchers('x{a="b"}', ['job="j"'])` is `x{job="j", a="b"}`.
 */
export function withMatchers(selector: string, matchers: string[]): string {
  const [, metric, own] = SELECTOR.exec(selector) ?? [];
  return `${metric}{${[...matchers, ...(own ? [own] : [])].join(', ')}}`;
}

/** Which jobs an expression reads, as far as its `job="..."` matchers tell. */
export interface JobScope {
  /** The values of its `job="..."` equality matchers. */
  readonly jobs: string[];
  /** Whether an `absent()` or `absent_over_time()` reads a selector without a `job="..."` matcher. */
  readonly unplacedAbsent: boolean;
}

/** The jobs that `expr` (valid PromQL) names in `job="..."` matchers, and whether an `absent()` escapes them. */
export function jobScope(expr: string): JobScope {
  const jobs = new Set<string>();
  let unplacedAbsent = false;
  const visit = (node: SyntaxNode, inAbsent: boolean): void => {
    if (node.name === 'VectorSelector') {
      const job = jobMatcherValue(expr, node);
      if (job === undefined) unplacedAbsent ||= inAbsent;
      else jobs.add(job);
      return;
    }
    let absent = inAbsent;
    if (node.name === 'FunctionCall') {
      const identifier = node.firstChild!;
      absent ||= ['absent', 'absent_over_time'].includes(expr.slice(identifier.from, identifier.to));
    }
    children(node).forEach((child) => visit(child, absent));
  };
  const tree = promqlParser().parse(expr) as unknown as { topNode: SyntaxNode };
  visit(tree.topNode, false);
  return { jobs: [...jobs].sort(), unplacedAbsent };
}

/** The value of a selector's `job="..."` matcher, if it has one. */
function jobMatcherValue(source: string, selector: SyntaxNode): string | undefined {
  const matchers = children(selector).find((child) => child.name === 'LabelMatchers');
  for (const matcher of matchers ? children(matchers) : []) {
    const [name, op, literal] = children(matcher);
    if (matcher.name !== 'UnquotedLabelMatcher' || !literal || source.slice(name.from, name.to) !== 'job' || op.firstChild?.name !== 'EqlSingle') continue;
    return stringLiteralValue(source.slice(literal.from, literal.to));
  }
  return undefined;
}

/** The value of a PromQL string literal (`"a"`, `'a'` or a raw `` `a` ``), undefined if it does not decode. */
function stringLiteralValue(text: string): string | undefined {
  try {
    return text.startsWith('`') ? text.slice(1, -1) : JSON.parse(text.startsWith('\'') ? `"${text.slice(1, -1).replace(/"/g, '\\"')}"` : text);
  } catch {
    return undefined;
  }
}

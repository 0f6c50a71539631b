import { IConstruct } from 'constructs';
import { fail } from './errors';

type Parser = { parse(input: string): { cursor(): { next(): boolean; type: { isError: boolean }; from: number } } };
let parser: Parser | undefined;

/**
 * Checks that `expr` parses as PromQL with the official Lezer grammar. The parser is loaded on first
 * use only, so apps that add no rules do not pay for it at startup.
 *
 * Syntax only: type errors such as `rate(metric)` without a range are caught by `promtool check rules`.
 */
export function validatePromQL(scope: IConstruct, field: string, expr: string): string {
  if (expr.trim() === '') {
    fail(scope, field, 'the PromQL expression is empty');
  }
  // Grafana's macros are not PromQL; they are replaced by a duration before parsing.
  const source = expr.replace(/\$__(rate_)?interval|\$__range/g, '5m').replace(/\$(\w+)/g, '$1');
  parser ??= (require('@prometheus-io/lezer-promql') as { parser: Parser }).parser;
  const cursor = parser.parse(source).cursor();
  do {
    if (cursor.type.isError) {
      fail(scope, field, `"${expr}" is not valid PromQL (syntax error at character ${cursor.from + 1})`);
    }
  } while (cursor.next());
  return expr;
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

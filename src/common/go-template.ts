import { IConstruct } from 'constructs';
import { fail } from './errors';
import { expectType } from './validation';

/** Functions of Go's text/template itself. */
const BUILTINS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];
/** Functions Prometheus adds for alert labels and annotations (template/template.go). */
export const PROMETHEUS_TEMPLATE_FUNCTIONS = [
  ...BUILTINS, 'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower',
  'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp',
  'toTime', 'toDuration', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort', 'stripDomain', 'now', 'urlQueryEscape',
];
/** Functions Alertmanager adds for notification templates (template/template.go, DefaultFuncs, 0.35). */
const ALERTMANAGER_TEMPLATE_FUNCTIONS = [
  ...BUILTINS, 'toUpper', 'toLower', 'title', 'trimSpace', 'join', 'match', 'safeHtml', 'safeUrl', 'urlUnescape', 'reReplaceAll',
  'stringSlice', 'routeLabels', 'date', 'tz', 'now', 'since', 'humanizeDuration', 'toDate', 'mustToDate', 'addDuration',
];
/** Variables Prometheus defines for alert labels and annotations. */
export const PROMETHEUS_TEMPLATE_VARIABLES = ['$', '$labels', '$value', '$externalLabels', '$externalURL'];

const KEYWORDS = ['if', 'else', 'end', 'range', 'with', 'define', 'block', 'template', 'break', 'continue'];

/**
 * Why `text` is not a Go text/template that the program would parse (or undefined when it is one): every `{{`
 * closed by `}}`, quotes and parentheses balanced in actions, `if`/`range`/`with`/`define`/`block` closed by
 * `end`, and only known functions and defined variables. Text outside actions, `}}` included, is literal.
 */
export function goTemplateProblem(text: string, functions: readonly string[], variables: readonly string[]): string | undefined {
  const stack: string[] = [];
  const defined = new Set(variables);
  let at = 0;
  while (true) {
    const open = text.indexOf('{{', at);
    if (open < 0) break;
    let i = open + 2;
    let quote: string | undefined;
    let close = -1;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\' && quote !== '`') i++;
        else if (c === quote) quote = undefined;
        else if (c === '\n' && quote !== '`') return `unterminated quoted string in action at character ${open + 1}`;
      } else if (c === '"' || c === '`' || c === '\'') {
        quote = c;
      } else if (c === '}' && text[i + 1] === '}') {
        close = i;
        break;
      }
    }
    if (close < 0) return `unclosed action "${text.slice(open, open + 20)}" (no matching }})`;
    let action = text.slice(open + 2, close);
    action = action.replace(/^-\s/, '').replace(/\s-$/, '').trim();
    at = close + 2;
    if (action.startsWith('/*')) {
      if (!action.endsWith('*/')) return 'a comment action must end with */';
      continue;
    }
    const problem = actionProblem(action, stack, defined, functions);
    if (problem) return `${problem} in "{{${text.slice(open + 2, close)}}}"`;
  }
  if (stack.length) return `unexpected EOF: {{${stack[stack.length - 1]}}} has no {{end}}`;
  return undefined;
}

function actionProblem(action: string, stack: string[], defined: Set<string>, functions: readonly string[]): string | undefined {
  if (action === '') return 'missing value for command';
  // Strings and raw strings and chars out of the way; then words and punctuation.
  const stripped = action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, ' "" ');
  let depth = 0;
  for (const c of stripped) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return 'unexpected right paren';
  }
  if (depth !== 0) return 'unclosed left paren';
  const bad = /[^\w\s.$:=|(),"-]/.exec(stripped);
  if (bad) return `unexpected "${bad[0]}"`;
  const words = stripped.split(/[\s(),|]+/).filter((w) => w !== '');
  const [first] = words;
  if (KEYWORDS.includes(first)) {
    if (first === 'end') {
      if (words.length > 1) return 'unexpected words after end';
      if (!stack.pop()) return 'unexpected {{end}}';
      return undefined;
    }
    if (first === 'else') {
      if (!['if', 'range', 'with'].includes(stack[stack.length - 1] ?? '')) return 'unexpected {{else}}';
      if (words.length > 1 && !['if', 'with'].includes(words[1])) return 'unexpected words after else';
      return termsProblem(words.slice(2), defined, functions);
    }
    if (['if', 'range', 'with', 'define', 'block'].includes(first)) {
      if (words.length < 2) return `missing value for ${first}`;
      stack.push(first);
    }
    if (first === 'define' || first === 'template' || first === 'block') return undefined;
    return termsProblem(words.slice(1), defined, functions);
  }
  return termsProblem(words, defined, functions);
}

function termsProblem(words: string[], defined: Set<string>, functions: readonly string[]): string | undefined {
  // `$x := pipeline`, `$k, $v := pipeline` (range): the variables before the assignment are declared.
  const assign = words.findIndex((w) => w === ':=' || w === '=');
  const declared = assign < 0 ? 0 : assign;
  for (let i = 0; i < declared; i++) {
    if (!/^\$\w*$/.test(words[i])) return `unexpected "${words[i]}" before the assignment`;
    if (words[assign] === ':=') defined.add(words[i]);
  }
  for (let i = declared; i < words.length; i++) {
    const word = words[i];
    if (word === ':=' || word === '=' || word === '""') continue;
    if (word.startsWith('$')) {
      const name = /^\$\w*/.exec(word)![0];
      if (!defined.has(name)) return `undefined variable "${name}"`;
      continue;
    }
    if (word.startsWith('.') || /^[-+]?\d/.test(word) || ['true', 'false', 'nil'].includes(word)) continue;
    const name = /^[A-Za-z_]\w*/.exec(word)?.[0];
    if (!name) return `unexpected "${word}"`;
    if (!functions.includes(name)) return `function "${name}" not defined`;
  }
  return undefined;
}

/** A template of an alert's labels or annotations, as Prometheus expands it. */
export function validateAlertTemplate(scope: IConstruct, field: string, text: string): string {
  expectType(scope, field, text, 'string');
  const problem = goTemplateProblem(text, PROMETHEUS_TEMPLATE_FUNCTIONS, PROMETHEUS_TEMPLATE_VARIABLES);
  if (problem !== undefined) fail(scope, field, `${JSON.stringify(text)} is not a valid Go template: ${problem}`);
  return text;
}

/** A notification template (a Slack title, a PagerDuty severity), as Alertmanager expands it. */
export function validateNotificationTemplate(scope: IConstruct, field: string, text: string): string {
  expectType(scope, field, text, 'string');
  const problem = goTemplateProblem(text, ALERTMANAGER_TEMPLATE_FUNCTIONS, ['$']);
  if (problem !== undefined) fail(scope, field, `${JSON.stringify(text)} is not a valid Go template: ${problem}`);
  return text;
}

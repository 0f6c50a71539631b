import { IConstruct } from 'constructs';
import { fail } from './errors';

/**
 * Why `pattern` is not an RE2 regular expression as Go's regexp/syntax parses it (Prometheus relabel and label
 * matcher regexes, Alertmanager matchers), or undefined when it is one. JavaScript's RegExp is both more
 * permissive (lookarounds, backreferences, nested quantifiers, unknown escapes) and stricter (`(?i)`, `(?P<n>)`):
 * RE2's own restrictions are checked first, then the structure with a RegExp of a JavaScript translation.
 */
export function re2Problem(pattern: string): string | undefined {
  let js = '';
  let inClass = false;
  let lastWasQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return 'trailing backslash';
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? undefined : end);
        js += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 1;
        lastWasQuantifier = false;
        continue;
      }
      if (/[1-9]/.test(next)) return `backreference \\${next} (RE2 has none)`;
      if (next === 'k') return 'named backreference (RE2 has none)';
      if (/[a-zA-Z]/.test(next) && !'afnrtvxpPdDsSwWbBAzE'.includes(next)) return `invalid escape sequence \\${next}`;
      if (next === 'C') return '\\C is not supported';
      js += next === 'A' ? '^' : next === 'z' ? '$' : `\\${next}`;
      i++;
      lastWasQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end > 0) {
          const name = pattern.slice(i + 2, end);
          if (!['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit'].includes(name.replace(/^\^/, ''))) {
            return `invalid character class [:${name}:]`;
          }
          js += 'a';
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      js += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      js += c;
      if (pattern[i + 1] === '^') { js += '^'; i++; }
      if (pattern[i + 1] === ']') { js += '\\]'; i++; }
      lastWasQuantifier = false;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) return 'lookaround assertions are not supported by RE2';
      if (rest.startsWith('>')) return 'atomic groups are not supported by RE2';
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        js += '(';
        i += 1 + named[0].length;
        lastWasQuantifier = false;
        continue;
      }
      const flags = /^([imsU]*(?:-[imsU]+)?)([:)])/.exec(rest);
      if (!flags || flags[1] === '') {
        if (!(flags && flags[2] === ':')) return `invalid or unsupported group syntax "(?${rest.slice(0, 3)}"`;
      }
      js += flags[2] === ':' ? '(?:' : '';
      i += 1 + flags[0].length;
      lastWasQuantifier = false;
      continue;
    }
    const quantifier = /^(\*|\+|\?|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i));
    if (quantifier) {
      if (lastWasQuantifier && quantifier[0] !== '?') {
        return `invalid nested repetition operator "${pattern.slice(i - 1, i + 1)}"`;
      }
      if (quantifier[2] !== undefined && (Number(quantifier[2]) > 1000 || Number(quantifier[4] || 0) > 1000)) return 'invalid repeat count (more than 1000)';
      if (lastWasQuantifier) {
        // a lazy quantifier (`*?`): one `?` after a quantifier, no more
        js += '?';
        lastWasQuantifier = false;
        // another quantifier after `*?` is nested repetition
        const after = pattern[i + 1];
        if (after && /[*+?{]/.test(after) && /^(\*|\+|\?|\{\d+(,\d*)?\})/.test(pattern.slice(i + 1))) return 'invalid nested repetition operator';
        continue;
      }
      js += quantifier[0];
      i += quantifier[0].length - 1;
      lastWasQuantifier = true;
      continue;
    }
    js += c;
    lastWasQuantifier = false;
  }
  if (inClass) return 'missing closing ]';
  try {
    new RegExp(js);
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/: /, '');
  }
  return undefined;
}

/** An RE2 regular expression (see {@link re2Problem}). */
export function validateRe2(scope: IConstruct, field: string, pattern: string): string {
  const problem = re2Problem(pattern);
  if (problem !== undefined) fail(scope, field, `"${pattern}" is not an RE2 regular expression: ${problem}`);
  return pattern;
}

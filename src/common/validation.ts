import { ErrorScope, fail } from './errors';

// Prometheus duration: one or more <number><unit> pairs, units from largest to smallest (e.g. 1h30m).
const DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
// RFC 1123 label, as Kubernetes uses for namespaces and Service names.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// RFC 1123 subdomain, as Kubernetes uses for most object names.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes resource.Quantity (the same grammar as apimachinery's quantity parser).
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][-+]?\d+)?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A Prometheus duration such as `15s`, `5m` or `15d`; zero is refused unless `allowZero`. */
export function validateDuration(scope: ErrorScope, field: string, value: string, options: { allowZero?: boolean } = {}): string {
  expectType(scope, field, value, 'string');
  const match = DURATION.exec(value);
  if (value === '' || !match) {
    fail(scope, field, `"${value}" is not a Prometheus duration (e.g. 30s, 5m, 1h30m, 15d)`);
  }
  if (!options.allowZero && /^(0+[a-z]+)+$/.test(value)) {
    fail(scope, field, `"${value}" must be longer than zero`);
  }
  return value;
}

/** The length of a valid Prometheus duration (see {@link validateDuration}), in seconds. */
export function durationSeconds(value: string): number {
  const units = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];
  const match = DURATION.exec(value) ?? [];
  return units.reduce((total, unit, i) => total + Number(match[2 * i + 2] ?? 0) * unit, 0);
}

/** A whole number of seconds as a Prometheus duration, in days, hours, minutes and seconds (`3900` gives `1h5m`). */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
  let rest = seconds;
  const text = units.map(([unit, suffix]) => {
    const count = Math.floor(rest / unit);
    rest -= count * unit;
    return count > 0 ? `${count}${suffix}` : '';
  }).join('');
  return text || '0s';
}

/** A DNS-1123 label (namespaces, Service and container names): at most 63 characters. */
export function validateDnsLabel(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    fail(scope, field, `"${value}" is not a valid DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`);
  }
  return value;
}

/** A DNS-1123 subdomain (most Kubernetes object names): at most 253 characters. */
export function validateDnsSubdomain(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    fail(scope, field, `"${value}" is not a valid DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`);
  }
  return value;
}

/** A Kubernetes quantity such as `10Gi` or `500m`. */
export function validateQuantity(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  if (!QUANTITY.test(value)) {
    fail(scope, field, `"${value}" is not a Kubernetes quantity (e.g. 10Gi, 512Mi, 500m)`);
  }
  return value;
}

/** An integer no smaller than `min` (and no larger than `max`: by default, what a double holds exactly). */
export function validateInteger(scope: ErrorScope, field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  expectType(scope, field, value, 'number');
  if (!Number.isInteger(value) || value < min) {
    fail(scope, field, `${value} must be an integer >= ${min}`);
  }
  if (value > max) fail(scope, field, `${value} must be at most ${max}`);
  return value;
}

/** Bounds of {@link validateNumber}; a bound is inclusive unless said otherwise. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

/** A finite number within bounds: thresholds that PromQL compares against (NaN or Infinity would never fire). */
export function validateNumber(scope: ErrorScope, field: string, value: number, bounds: NumberBounds = {}): number {
  const { min = -Infinity, max = Infinity } = bounds;
  const belowMin = bounds.minExclusive ? value <= min : value < min;
  const aboveMax = bounds.maxExclusive ? value >= max : value > max;
  if (typeof value !== 'number' || !Number.isFinite(value) || belowMin || aboveMax) {
    const low = Number.isFinite(min) ? `${min} ${bounds.minExclusive ? '<' : '<='} ` : '';
    const high = Number.isFinite(max) ? ` ${bounds.maxExclusive ? '<' : '<='} ${max}` : '';
    fail(scope, field, `${value} must be a finite number, ${low}value${high}`);
  }
  return value;
}

/** A Prometheus label name. */
export function validateLabelName(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  if (!LABEL_NAME.test(value) || value.startsWith('__')) {
    fail(scope, field, `"${value}" is not a valid Prometheus label name`);
  }
  return value;
}

/** A metrics or HTTP path: starts with '/'. */
export function validateHttpPath(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  if (!value.startsWith('/') || /\s/.test(value)) {
    fail(scope, field, `"${value}" must be an absolute HTTP path starting with '/'`);
  }
  return value;
}

/** Throws when `key` was already taken in `seen`; records it otherwise. */
export function claimUnique(scope: ErrorScope, field: string, seen: Set<string>, key: string, what: string): void {
  if (seen.has(key)) {
    fail(scope, field, `duplicate ${what} "${key}"`);
  }
  seen.add(key);
}

// OCI image reference (github.com/distribution/reference): [domain[:port]/]path[:tag][@digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,}))?$`);

/**
 * An OCI image reference pinned to a version tag or a digest (`prom/prometheus:v3.13.5`,
 * `registry:5000/team/app@sha256:<64 hex>`): no spaces, lowercase repository path, a sha256 digest of 64 hex digits.
 */
export function validateImage(scope: ErrorScope, field: string, image: string): string {
  expectType(scope, field, image, 'string');
  // A first component with '.' or ':' (or `localhost`) is a registry host, as container runtimes read it.
  const match = IMAGE_REFERENCE.exec(image);
  const firstIsDomain = /^[^/]*[.:][^/]*\/|^localhost\//.test(image);
  if (!match || image.length > 255 || (match[1] !== undefined && !firstIsDomain && /[A-Z]/.test(match[1]))) {
    fail(scope, field, `"${image}" is not an OCI image reference ([registry/]repository[:tag][@sha256:digest], lowercase repository, no spaces)`);
  }
  const [, , , tag, algorithm, hex] = match;
  if (algorithm !== undefined && (algorithm !== 'sha256' || hex.length !== 64) && !(algorithm === 'sha512' && hex.length === 128)) {
    fail(scope, field, `"${image}" has a malformed digest: sha256 takes 64 hex digits`);
  }
  if (algorithm === undefined && (tag === undefined || tag === 'latest')) {
    fail(scope, field, `"${image}" must be pinned to a version tag or digest (not "latest")`);
  }
  return image;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * An Ingress host: a lowercase DNS name, or a wildcard `*.example.com` (one `*`, as the whole first label).
 * IP addresses are refused, as by the API server (an Ingress routes by name).
 */
export function validateIngressHost(scope: ErrorScope, field: string, host: string): string {
  expectType(scope, field, host, 'string');
  if (IPV4.test(host) || host.includes(':')) fail(scope, field, `"${host}" is an IP address: an Ingress host must be a DNS name`);
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name) || !name.includes('.') && host.startsWith('*.')) {
    fail(scope, field, `"${host}" is not a valid Ingress host (a lowercase DNS name such as grafana.example.com, or a wildcard such as *.example.com)`);
  }
  if (name.split('.').some((label) => label.length > 63)) fail(scope, field, `"${host}" has a DNS label longer than 63 characters`);
  return host;
}

/**
 * Alertmanager `group_by`: label names (Alertmanager accepts any UTF-8 name, but the stack's own labels are
 * Prometheus ones), or `['...']` alone to group by every label; no duplicates.
 */
export function validateGroupBy(scope: ErrorScope, field: string, labels: readonly string[]): readonly string[] {
  expectType(scope, field, labels, 'array');
  if (labels.includes('...')) {
    if (labels.length > 1) fail(scope, field, `"..." groups by every label: it cannot be combined with other labels (got ${JSON.stringify(labels)})`);
    return labels;
  }
  labels.forEach((label) => validateLabelName(scope, field, label));
  const seen = new Set<string>();
  labels.forEach((label) => claimUnique(scope, field, seen, label, 'label'));
  return labels;
}

/** The longest scrape interval that leaves two samples in a `windowSeconds` rate window (`rate()` needs two). */
export function maxScrapeIntervalFor(windowSeconds: number): number {
  return windowSeconds / 2;
}

/**
 * A scrape interval (a Prometheus duration) short enough for the stack's 5m `rate()` windows to hold two samples:
 * with a longer one, rate() returns nothing and the alerts on it can never fire.
 */
export function validateScrapeInterval(scope: ErrorScope, field: string, value: string, rateWindowSeconds = 300): string {
  validateDuration(scope, field, value);
  const max = maxScrapeIntervalFor(rateWindowSeconds);
  if (durationSeconds(value) > max) {
    fail(scope, field, `"${value}" leaves fewer than two samples in the ${rateWindowSeconds / 60}m rate windows of the alerts and dashboards: use at most ${max}s`);
  }
  return value;
}

/** An absolute http(s) URL, without spaces. */
export function validateHttpUrl(scope: ErrorScope, field: string, value: string): string {
  expectType(scope, field, value, 'string');
  let ok = /^https?:\/\/[^\s/?#]+[^\s]*$/.test(value);
  if (ok) {
    try {
      new URL(value);
    } catch {
      ok = false;
    }
  }
  if (!ok) fail(scope, field, `"${value}" is not an http(s) URL`);
  return value;
}

// Kubernetes label keys and values (apimachinery's IsQualifiedName and IsValidLabelValue).
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A Kubernetes label key: `[prefix/]name`, the name at most 63 characters, the prefix a DNS subdomain. */
export function validateLabelKey(scope: ErrorScope, field: string, key: string): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length > 63 || !QUALIFIED_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))) {
    fail(scope, field, `"${key}" is not a valid Kubernetes label key ([prefix/]name: letters, digits, '-', '_' and '.', at most 63 characters, starting and ending with a letter or digit)`);
  }
  return key;
}

/**
 * Kubernetes labels (a selector's or an object's): valid keys and values. `nonEmpty`: an empty selector
 * would select every object.
 */
export function validateKubernetesLabels(scope: ErrorScope, field: string, labels: Record<string, string>, options: { nonEmpty?: boolean } = {}): Record<string, string> {
  expectType(scope, field, labels, 'map');
  const entries = Object.entries(labels);
  if (options.nonEmpty && entries.length === 0) fail(scope, field, 'an empty label selector selects every object: give at least one label');
  for (const [key, value] of entries) {
    validateLabelKey(scope, field, key);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      fail(scope, `${field}.${key}`, `${JSON.stringify(value)} is not a valid Kubernetes label value (letters, digits, '-', '_' and '.', at most 63 characters, starting and ending with a letter or digit)`);
    }
  }
  return labels;
}

/**
 * The name of a port (a Service's or a container's): a DNS-1123 label that is not all digits, or it would
 * be read as the port's number.
 */
export function validatePortName(scope: ErrorScope, field: string, name: string): string {
  expectType(scope, field, name, 'string');
  if (/^\d+$/.test(name)) fail(scope, field, `"${name}" is a port number, not a port name: give it as \`port\` (a number) instead`);
  if (name.length > 63 || !DNS_LABEL.test(name)) fail(scope, field, `"${name}" is not a valid port name (lowercase letters, digits and '-', with at least one letter)`);
  return name;
}

/** A TCP port number, 1 to 65535. */
export function validatePortNumber(scope: ErrorScope, field: string, port: number): number {
  expectType(scope, field, port, 'number');
  return validateInteger(scope, field, port, 1, 65535);
}

/** An IPv4 or IPv6 network in CIDR form, as the API server parses a NetworkPolicy's ipBlock (net.ParseCIDR). */
export function validateCidr(scope: ErrorScope, field: string, cidr: string): string {
  expectType(scope, field, cidr, 'string');
  const [address, bits, ...rest] = cidr.split('/');
  const v4 = address.split('.');
  const isV4 = v4.length === 4 && v4.every((octet) => /^(0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255);
  const isV6 = !isV4 && address.includes(':') && isIpv6(address);
  const max = isV4 ? 32 : 128;
  if (rest.length || bits === undefined || !/^(0|[1-9]\d*)$/.test(bits) || Number(bits) > max || !(isV4 || isV6)) {
    fail(scope, field, `"${cidr}" is not an IP network in CIDR form (e.g. 169.254.20.10/32, fd00::/8)`);
  }
  return cidr;
}

function isIpv6(address: string): boolean {
  try {
    return new URL(`http://[${address}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** JavaScript types a user's value is checked against, for callers in JavaScript or Python (jsii). */
export type ExpectedType = 'string' | 'number' | 'boolean' | 'array' | 'map' | 'object';

/**
 * Fails unless `value` has the expected type: from JavaScript or Python, a prop can be null, a number where
 * a string belongs, an object where a list belongs. `map` and `object` are plain objects (not null, not a list).
 */
export function expectType(scope: ErrorScope, field: string, value: unknown, type: ExpectedType): void {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const ok = type === 'map' || type === 'object' ? actual === 'object' : actual === type;
  if (!ok) {
    const what = { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', map: 'a map of names to values', object: 'an object' }[type];
    fail(scope, field, `must be ${what}, got ${describeValue(value)}`);
  }
}

/** Like {@link expectType}, for an optional value: undefined passes. */
export function expectOptional(scope: ErrorScope, field: string, value: unknown, type: ExpectedType): void {
  if (value !== undefined) expectType(scope, field, value, type);
}

/** A value as an error shows it: short, and its type. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const short = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return typeof value === 'string' ? short : `${typeof value} ${short}`;
}

/** Query parameters that carry credentials in the URLs of common services. */
const SECRET_PARAMETERS = /^(token|access_token|api_key|apikey|api-key|key|secret|password|passwd|pass|auth|signature|sig|code|client_secret)$/i;
/** Webhook URLs whose path is the secret (anyone holding the URL can post). */
const SECRET_PATHS: { readonly pattern: RegExp; readonly service: string }[] = [
  { pattern: /^hooks\.slack\.com$/i, service: 'a Slack incoming webhook' },
  { pattern: /^(discord|discordapp)\.com$/i, service: 'a Discord webhook' },
  { pattern: /\.webhook\.office\.com$/i, service: 'a Microsoft Teams webhook' },
];

/**
 * An http(s) URL that carries no credential: no user name or password, no token in its query, and not a
 * webhook whose path is its secret. Such a URL would be written into a ConfigMap, which is neither secret
 * nor private; `hint` says where the credential goes instead.
 */
export function validateUrlWithoutCredentials(scope: ErrorScope, field: string, url: string, hint: string): string {
  validateHttpUrl(scope, field, url);
  const parsed = new URL(url);
  const parameter = [...parsed.searchParams.keys()].find((k) => SECRET_PARAMETERS.test(k));
  const secretPath = SECRET_PATHS.find((s) => s.pattern.test(parsed.hostname) && parsed.pathname.length > 1);
  const what = parsed.username || parsed.password ? 'a user name or password'
    : parameter !== undefined ? `the query parameter "${parameter}"`
      : secretPath ? `the secret of ${secretPath.service} in its path` : undefined;
  if (what) fail(scope, field, `the URL carries ${what}, which would be written into a ConfigMap: ${hint}`);
  return url;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A metric name (no label matchers); a histogram's base name when `histogram`, without the series' suffix. */
export function validateMetricName(scope: ErrorScope, field: string, name: string, options: { histogram?: boolean } = {}): string {
  expectType(scope, field, name, 'string');
  if (!METRIC_NAME.test(name)) fail(scope, field, `"${name}" must be a metric name, without label matchers or suffix`);
  const suffix = options.histogram ? /_(bucket|count|sum)$/.exec(name) : null;
  if (suffix) {
    fail(scope, field, `"${name}" ends with ${suffix[0]}: give the histogram's base name ("${name.slice(0, -suffix[0].length)}"), to which the queries add _bucket and _count`);
  }
  return name;
}

/**
 * Longest latency threshold: no HTTP request lasts longer behind the usual proxies and load balancers (60s
 * is ingress-nginx's, AWS ALB's and most others' timeout). A larger number is most likely milliseconds.
 */
const MAX_LATENCY_SECONDS = 60;

/** A request-latency threshold in seconds: a bucket bound of the request-duration histogram, 0 < value <= 60. */
export function validateLatencySeconds(scope: ErrorScope, field: string, seconds: number): number {
  expectType(scope, field, seconds, 'number');
  if (!Number.isFinite(seconds) || seconds <= 0) fail(scope, field, `${seconds} must be a positive number of seconds, a bucket bound of the histogram`);
  if (seconds > MAX_LATENCY_SECONDS) {
    fail(scope, field, `${seconds} seconds is longer than any HTTP request lasts behind a proxy (at most ${MAX_LATENCY_SECONDS}): the threshold is in seconds, a bucket bound of the histogram (${seconds}ms is ${seconds / 1000})`);
  }
  return seconds;
}

/**
 * The options of a static factory, checked for callers in JavaScript or Python: an object whose `required`
 * fields have their types. A factory has no construct path: its errors name it (`[InferenceApiAlerts.rules]
 * options.job: ...`). Optional options that are undefined or null become `{}`.
 */
export function factoryOptions<T>(factory: string, options: T, required: Record<string, ExpectedType> = {}): T {
  if ((options === undefined || options === null) && Object.keys(required).length === 0) return {} as T;
  expectType(factory, 'options', options, 'object');
  for (const [key, type] of Object.entries(required)) expectType(factory, `options.${key}`, (options as Record<string, unknown>)[key], type);
  return options;
}

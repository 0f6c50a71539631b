import { IConstruct } from 'constructs';
import { fail } from './errors';

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
export function validateDuration(scope: IConstruct, field: string, value: string, options: { allowZero?: boolean } = {}): string {
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
export function validateDnsLabel(scope: IConstruct, field: string, value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    fail(scope, field, `"${value}" is not a valid DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`);
  }
  return value;
}

/** A DNS-1123 subdomain (most Kubernetes object names): at most 253 characters. */
export function validateDnsSubdomain(scope: IConstruct, field: string, value: string): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    fail(scope, field, `"${value}" is not a valid DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`);
  }
  return value;
}

/** A Kubernetes quantity such as `10Gi` or `500m`. */
export function validateQuantity(scope: IConstruct, field: string, value: string): string {
  if (!QUANTITY.test(value)) {
    fail(scope, field, `"${value}" is not a Kubernetes quantity (e.g. 10Gi, 512Mi, 500m)`);
  }
  return value;
}

/** An integer no smaller than `min` (and no larger than `max`: by default, what a double holds exactly). */
export function validateInteger(scope: IConstruct, field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
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
export function validateNumber(scope: IConstruct, field: string, value: number, bounds: NumberBounds = {}): number {
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
export function validateLabelName(scope: IConstruct, field: string, value: string): string {
  if (!LABEL_NAME.test(value) || value.startsWith('__')) {
    fail(scope, field, `"${value}" is not a valid Prometheus label name`);
  }
  return value;
}

/** A metrics or HTTP path: starts with '/'. */
export function validateHttpPath(scope: IConstruct, field: string, value: string): string {
  if (!value.startsWith('/') || /\s/.test(value)) {
    fail(scope, field, `"${value}" must be an absolute HTTP path starting with '/'`);
  }
  return value;
}

/** Throws when `key` was already taken in `seen`; records it otherwise. */
export function claimUnique(scope: IConstruct, field: string, seen: Set<string>, key: string, what: string): void {
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
export function validateImage(scope: IConstruct, field: string, image: string): string {
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
export function validateIngressHost(scope: IConstruct, field: string, host: string): string {
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
export function validateGroupBy(scope: IConstruct, field: string, labels: readonly string[]): readonly string[] {
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
export function validateScrapeInterval(scope: IConstruct, field: string, value: string, rateWindowSeconds = 300): string {
  validateDuration(scope, field, value);
  const max = maxScrapeIntervalFor(rateWindowSeconds);
  if (durationSeconds(value) > max) {
    fail(scope, field, `"${value}" leaves fewer than two samples in the ${rateWindowSeconds / 60}m rate windows of the alerts and dashboards: use at most ${max}s`);
  }
  return value;
}

/** An absolute http(s) URL, without spaces. */
export function validateHttpUrl(scope: IConstruct, field: string, value: string): string {
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

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

/** An integer no smaller than `min`. */
export function validateInteger(scope: IConstruct, field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    fail(scope, field, `${value} must be an integer >= ${min}`);
  }
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

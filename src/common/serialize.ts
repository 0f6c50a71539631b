import { createHash } from 'crypto';
import { stringify } from 'yaml';

/**
 * Deterministic YAML for config files and manifests: keys keep their insertion order (which our models
 * fix), long lines are never folded, and strings are quoted only where YAML needs it.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** Pretty JSON with a trailing newline, the form Grafana dashboards are stored in. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, undefined, 2) + '\n';
}

/** A sha256 of a ConfigMap's data, for the pod-template annotation that rolls pods on config changes. */
export function checksumOf(data: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) {
    hash.update(key).update('\0').update(data[key]).update('\0');
  }
  return hash.digest('hex');
}

/**
 * A user's string map with its keys sorted, so that the order the user wrote them in never changes the
 * output (nor what a reload or a rollout reacts to). `undefined` stays `undefined`.
 */
export function sortedMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map && Object.fromEntries(Object.keys(map).sort().map((key) => [key, map[key]]));
}

/** The fields of `object` that are set: a field set to undefined (None in Python) must not replace a default. */
export function definedFields<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

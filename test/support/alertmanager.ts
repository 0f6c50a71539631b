import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { AlertmanagerConfigFile } from '../../src/alertmanager/config-model';
import { withTempDir } from './promtool';
import { configMapData, Manifest } from './synth';
import { requireBinary, run, RunResult } from './tools';

/** The synthesized alertmanager.yml (ConfigMap `alertmanager-config`). */
export function synthesizedAlertmanagerYml(objects: Manifest[]): string {
  // `<name>-config`, whatever the Alertmanager's name.
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['alertmanager.yml'] !== undefined);
  return (configMap ? configMap.data : configMapData(objects, 'alertmanager-config'))['alertmanager.yml'];
}

/** The synthesized alertmanager.yml, parsed. */
export function alertmanagerConfig(objects: Manifest[]): AlertmanagerConfigFile {
  return parse(synthesizedAlertmanagerYml(objects)) as AlertmanagerConfigFile;
}

/** Runs amtool with `--config.file` pointing at `yml`, written to a temporary folder. */
export function amtoolWithConfig(yml: string, args: (configFile: string) => string[]): RunResult {
  const amtool = requireBinary('amtool');
  return withTempDir('amtool', (dir) => {
    const file = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(file, yml);
    return run(amtool, args(file));
  });
}

/** `amtool check-config`. */
export function amtoolCheckConfig(yml: string): RunResult {
  return amtoolWithConfig(yml, (file) => ['check-config', file]);
}

/** `amtool config routes test`: exits 0 only if an alert with `labels` is routed to exactly `receivers`. */
export function amtoolRoutesTest(yml: string, labels: Record<string, string>, receivers: string[]): RunResult {
  return amtoolWithConfig(yml, (file) => [
    'config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${receivers.join(',')}`,
    ...Object.entries(labels).map(([name, value]) => `${name}=${value}`),
  ]);
}

// ---- inhibition: amtool has no subcommand for it, so its semantics are evaluated from the parsed config ----

type LabelSet = Record<string, string>;

/** Whether `labels` satisfy one Alertmanager matcher string (`name="value"`, `!=`, `=~`, `!~`). */
export function matches(matcher: string, labels: LabelSet): boolean {
  const parsed = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!parsed) throw new Error(`unsupported matcher ${matcher}`);
  const [, name, op, quoted] = parsed;
  const value = JSON.parse(`"${quoted}"`) as string;
  const actual = labels[name] ?? '';
  switch (op) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    case '=~': return new RegExp(`^(?:${value})$`).test(actual);
    default: return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

/**
 * Whether a firing `source` alert mutes `target` under the config's inhibit rules, as Alertmanager
 * decides it: some rule's source matchers match `source`, its target matchers match `target`, and every
 * `equal` label has the same value on both (absent counts as empty).
 */
export function inhibits(config: AlertmanagerConfigFile, source: LabelSet, target: LabelSet): boolean {
  return config.inhibit_rules.some((rule) =>
    rule.source_matchers.every((m) => matches(m, source))
    && rule.target_matchers.every((m) => matches(m, target))
    && rule.equal.every((label) => (source[label] ?? '') === (target[label] ?? '')));
}

/*
 * The oracle of the property-based tests (test/props.test.ts): synthesize a stack from props and judge the
 * outcome. Either synth refuses with ONE clear MonitoringValidationError (its construct path once, then the
 * field), or the output passes every real tool: promtool check config and check rules, amtool check-config
 * and the strict schema validator (the kube-apiserver dry run is done by the test file, in batches).
 */
import * as fs from 'fs';
import * as path from 'path';
import { amtoolCheckConfig, synthesizedAlertmanagerYml } from './alertmanager';
import { checkRules, synthesizedRuleFiles, withTempDir } from './promtool';
import { validateManifest } from './schema';
import { configMapData, Manifest, synthStack } from './synth';
import { requireBinary, run, withLocalFiles, writeRuleFiles } from './tools';
import { MonitoringStack, MonitoringStackProps } from '../../src';
import { MonitoringValidationError } from '../../src/common/errors';

/** How synth ended for one generated case. */
export type Outcome =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'accepted'; readonly objects: Manifest[] };

/** A construct path and field at the start of a message: `[monitoring/stack/Prometheus] scrapeInterval: ...`. */
const HEADED = /^\[(monitoring\/stack[^\]]*)\] ([^\n]+?): \S/;

/**
 * Synthesizes `props`; a refusal must be one MonitoringValidationError (thrown, or collected by the layout's
 * validation as `Validation failed:\n  - [path] field: message`) naming the path exactly once. Anything else
 * thrown (a TypeError, a plain Error) is a bug and is rethrown.
 */
export function synthOutcome(props: MonitoringStackProps, customize?: (stack: MonitoringStack) => void): Outcome {
  try {
    return { kind: 'accepted', objects: synthStack(props, customize).objects };
  } catch (error) {
    let messages: string[];
    if (error instanceof MonitoringValidationError) {
      messages = [error.message];
    } else if (error instanceof Error && error.message.startsWith('Validation failed:\n')) {
      // Validations collected by the layout, one per line; distinct problems may each have their line.
      messages = error.message.split('\n').slice(1).map((line) => line.replace(/^ {2}- /, ''));
      if (new Set(messages).size !== messages.length) throw new Error(`the same error is reported twice:\n${error.message}`);
    } else {
      throw new Error(`synth threw something other than a MonitoringValidationError: ${(error as Error)?.stack ?? String(error)}`);
    }
    for (const message of messages) {
      if (!HEADED.test(message)) throw new Error(`the error does not start with "[construct path] field: ": ${message}`);
      const where = HEADED.exec(message)![1];
      const times = message.split(`[${where}]`).length - 1;
      if (times !== 1) throw new Error(`the construct path appears ${times} times: ${message}`);
    }
    return { kind: 'refused', message: messages.join('\n') };
  }
}

/** `promtool check config` on the synthesized prometheus.yml, with the synthesized rule files. */
function promtoolCheckConfig(objects: Manifest[]): { status: number; output: string } {
  const promtool = requireBinary('promtool');
  return withTempDir('props-config', (dir) => {
    const rulesDir = path.join(dir, 'rules');
    writeRuleFiles(synthesizedRuleFiles(objects), rulesDir);
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(configFile, withLocalFiles(configMapData(objects, 'prometheus-config')['prometheus.yml'], dir, rulesDir));
    return run(promtool, ['check', 'config', configFile]);
  });
}

/** What the real tools (and the schema validator) say about an accepted output: empty when all accept it. */
export function toolComplaints(objects: Manifest[]): string[] {
  const complaints: string[] = [];
  const config = promtoolCheckConfig(objects);
  if (config.status !== 0) complaints.push(`promtool check config:\n${config.output}`);
  const rules = checkRules(synthesizedRuleFiles(objects));
  if (rules.status !== 0) complaints.push(`promtool check rules:\n${rules.output}`);
  const am = amtoolCheckConfig(synthesizedAlertmanagerYml(objects));
  if (am.status !== 0) complaints.push(`amtool check-config:\n${am.output}`);
  for (const object of objects) {
    const errors = validateManifest(object);
    if (errors.length) complaints.push(`schema of ${object.kind}/${object.metadata.name}:\n  ${errors.join('\n  ')}`);
  }
  return complaints;
}

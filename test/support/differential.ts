/*
 * The oracle of the property-based tests (test/props.test.ts): synthesize a stack from props and judge the
 * outcome. Either synth refuses with ONE clear MonitoringValidationError (its construct path once, then the
 * field), or the output passes every real tool: promtool check config and check rules, amtool check-config
 * and the strict schema validator (the kube-apiserver dry run is done by the test file, in batches).
 */
import { amtoolCheckConfig, synthesizedAlertmanagerYml } from './alertmanager';
import { checkRules, synthesizedRuleFiles, withTempDir } from './promtool';
import { validateManifest } from './schema';
import { Manifest, synthStack } from './synth';
import { loadedByConfig, materializePod, prometheusWorkloads } from './pod-files';
import { requireBinary, run } from './tools';
import { jobScope } from '../../src/common/promql';
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

/**
 * `promtool check config` on each Prometheus pod's files (every shard's), laid out as the pod mounts them; and,
 * with shards, what no single tool checks: a rule that names a `job` runs on the shard that scrapes it.
 */
function prometheusPodComplaints(objects: Manifest[]): string[] {
  const promtool = requireBinary('promtool');
  const complaints: string[] = [];
  const loaded = prometheusWorkloads(objects).map((workload) => withTempDir('props-pod', (root) => {
    const config = materializePod(objects, workload, root);
    const result = run(promtool, ['check', 'config', config]);
    if (result.status !== 0) complaints.push(`promtool check config (${workload.metadata.name}):\n${result.output}`);
    return { name: workload.metadata.name, ...loadedByConfig(config) };
  }));
  if (loaded.length > 1) {
    const scraped = new Set(loaded.flatMap((pod) => pod.jobs));
    for (const pod of loaded) {
      for (const rule of pod.rules) {
        const elsewhere = jobScope(rule.expr).jobs.filter((job) => scraped.has(job) && !pod.jobs.includes(job));
        if (elsewhere.length) complaints.push(`${pod.name} runs group ${rule.group}, which reads ${elsewhere.join(', ')} scraped by another shard: "${rule.expr}"`);
      }
    }
  }
  return complaints;
}

/** What the real tools (and the schema validator) say about an accepted output: empty when all accept it. */
export function toolComplaints(objects: Manifest[]): string[] {
  const complaints: string[] = [];
  complaints.push(...prometheusPodComplaints(objects));
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

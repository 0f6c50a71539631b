import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { MonitoringStackLayout, MonitoringStack, MonitoringStackProps } from '../../src';

/** A Kubernetes object as synthesized (parsed back from the YAML the layout writes). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

/** The synthesized stack: file name to YAML text, and every object parsed. */
export interface SynthesizedStack {
  readonly stack: MonitoringStack;
  readonly files: Map<string, string>;
  readonly objects: Manifest[];
}

/**
 * Builds a MonitoringStack the way src/main.ts does (chart `monitoring`, no chart namespace) and renders
 * the ten-file layout in memory. `customize` may add to the stack before rendering.
 */
export function synthStack(props: MonitoringStackProps = {}, customize?: (stack: MonitoringStack) => void): SynthesizedStack {
  const app = new App();
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'stack', props);
  customize?.(stack);
  const files = new Map(Object.entries(new MonitoringStackLayout(stack).render(app)));
  const objects = [...files.values()].flatMap((yaml) => yaml.split(/^---$/m).map((doc) => parse(doc) as Manifest));
  return { stack, files, objects };
}

/** The one object of a kind and name; throws if missing. */
export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The data of a ConfigMap. */
export function configMapData(objects: Manifest[], name: string): Record<string, string> {
  return find(objects, 'ConfigMap', name).data;
}

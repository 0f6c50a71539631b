// Runs the Pod Security Standards plugin of @monokle/validation over Kubernetes objects, offline.
//
// A separate Node process because the package is ESM only, which jest's CommonJS runtime (ts-jest)
// cannot import. Input on stdin: a JSON array of manifests. Output on stdout: JSON
// `{ rules: [{ id, name, enabled }], findings: [{ ruleId, rule, resource, path }] }`.
//
// Offline by construction: the DefaultPluginLoader only knows the plugins bundled in the package (a
// plugin it does not know is an error, never a download), and fetch is disabled so that any attempt to
// reach the network fails loudly instead of passing silently.
import { readFileSync } from 'node:fs';
import { DefaultPluginLoader, DisabledFixer, MonokleValidator, ResourceParser } from '@monokle/validation';
import { stringify } from 'yaml';

globalThis.fetch = async (url) => {
  throw new Error(`pss-check runs offline: refused to fetch ${url}`);
};

const PLUGIN = 'pod-security-standards';
const manifests = JSON.parse(readFileSync(0, 'utf8'));

const validator = new MonokleValidator({
  loader: new DefaultPluginLoader(),
  parser: new ResourceParser(),
  fixer: new DisabledFixer(),
  suppressors: [],
});
// First load: learn the plugin's rules. The "restricted" ones (PSS2xx) are disabled by default, so the
// second load turns every rule on as an error. `debug` makes a rule that crashes print its error (the
// plugin otherwise swallows it, which would look like a pass).
await validator.preload({ plugins: { [PLUGIN]: true } });
const ruleNames = validator.rules[PLUGIN].map((rule) => rule.name);
await validator.preload({
  plugins: { [PLUGIN]: true },
  rules: Object.fromEntries(ruleNames.map((name) => [`${PLUGIN}/${name}`, 'err'])),
  settings: { debug: true },
});
if (validator.getFailedPlugins().length) {
  throw new Error(`plugins failed to load: ${validator.getFailedPlugins().join(', ')}`);
}

const resources = manifests.map((content, index) => ({
  id: `${content.kind}/${content.metadata?.name ?? index}`,
  fileId: `manifest-${index}`,
  filePath: `manifest-${index}.yaml`,
  fileOffset: 0,
  name: content.metadata?.name ?? `manifest-${index}`,
  apiVersion: content.apiVersion,
  kind: content.kind,
  namespace: content.metadata?.namespace,
  content,
  text: stringify(content),
}));
const response = await validator.validate({ resources });

const rules = validator.rules[PLUGIN].map((rule) => ({ id: rule.id, name: rule.name, enabled: rule.configuration.enabled }));
const findings = response.runs.flatMap((run) => run.results).map((result) => ({
  ruleId: result.ruleId,
  rule: rules.find((rule) => rule.id === result.ruleId)?.name,
  resource: result.locations[1].physicalLocation.artifactLocation.uri,
  path: result.locations[1].logicalLocations?.[1]?.fullyQualifiedName,
}));
process.stdout.write(JSON.stringify({ rules, findings }));

import * as fs from 'fs';
import * as path from 'path';
import type * as TypeScript from 'typescript';

/*
 * Strict schema validation of synthesized manifests (like `kubeconform -strict`), offline and from
 * devDependencies only:
 *
 * - The schemas are the validators of `kubernetes-models` (Kubernetes API objects) and
 *   `@kubernetes-models/prometheus-operator` (monitoring.coreos.com CRDs). These packages ship Ajv
 *   *standalone* validators (precompiled JavaScript, one ES module per OpenAPI definition), not JSON
 *   schemas, and those validators ignore unknown fields (no `additionalProperties: false`).
 * - Strictness is added around them: the object is validated through a Proxy that records, for every
 *   object node, which keys the validator read. A compiled validator reads every property its schema
 *   declares (`undefined !== data.prop`) and enumerates the keys of a map (`for (key in data)`, for
 *   `additionalProperties` schemas such as labels, annotations and ConfigMap data). A key of an object that
 *   the validator neither read nor enumerated is therefore not in the schema: an unknown field. An object
 *   whose schema is free-form (x-kubernetes-preserve-unknown-fields) is not read at all, so its keys are
 *   reported too: stricter, never a silent pass.
 * - kubernetes-models 5.1.0 tracks a much newer Kubernetes than 1.28 (its PodSpec has `schedulingGroup`,
 *   its admissionregistration.k8s.io/v1 has MutatingAdmissionPolicy: 1.35 or later; the package does not
 *   record the exact release). The kinds we emit have the same group/version (all GA v1) in 1.28, and the
 *   changes since are additive but for two required fields that became optional. Both are undone here:
 *   every property declared by a definition our kinds reach that Kubernetes 1.28.0 does not have is in
 *   FIELDS_NEWER_THAN_1_28 and rejected, and REQUIRED_IN_1_28 restores the 1.28 required fields. (Fields
 *   1.28 has and the package dropped, such as PodResourceClaim.source, are rejected: stricter.) The lists
 *   were computed once from the v1.28.0 OpenAPI definitions; tests do not need them at run time.
 * - The ServiceMonitor schema of @kubernetes-models/prometheus-operator 6.0.0 has exactly the fields of the
 *   prometheus-operator v0.93.0 CRD (checked by validating an object with every CRD field set).
 * - The packages are ES modules only (`"type": "module"`, `import` exports), which Jest's CommonJS
 *   runtime cannot require: a small loader below rewrites the generated schema modules to CommonJS (they
 *   use four statement forms) and transpiles the few other ES modules they import with TypeScript.
 */

/** The kinds we can validate: `apiVersion/kind` to the definition (module under `_schemas/`) of the object. */
const KINDS: Record<string, { readonly pkg: string; readonly definition: string }> = {
  'v1/ConfigMap': core('IoK8sApiCoreV1ConfigMap'),
  'v1/PersistentVolumeClaim': core('IoK8sApiCoreV1PersistentVolumeClaim'),
  'v1/Secret': core('IoK8sApiCoreV1Secret'),
  'v1/Service': core('IoK8sApiCoreV1Service'),
  'v1/ServiceAccount': core('IoK8sApiCoreV1ServiceAccount'),
  'apps/v1/Deployment': core('IoK8sApiAppsV1Deployment'),
  'apps/v1/StatefulSet': core('IoK8sApiAppsV1StatefulSet'),
  'policy/v1/PodDisruptionBudget': core('IoK8sApiPolicyV1PodDisruptionBudget'),
  'networking.k8s.io/v1/Ingress': core('IoK8sApiNetworkingV1Ingress'),
  'networking.k8s.io/v1/NetworkPolicy': core('IoK8sApiNetworkingV1NetworkPolicy'),
  'rbac.authorization.k8s.io/v1/ClusterRole': core('IoK8sApiRbacV1ClusterRole'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': core('IoK8sApiRbacV1ClusterRoleBinding'),
  'rbac.authorization.k8s.io/v1/Role': core('IoK8sApiRbacV1Role'),
  'rbac.authorization.k8s.io/v1/RoleBinding': core('IoK8sApiRbacV1RoleBinding'),
  'monitoring.coreos.com/v1/ServiceMonitor': {
    pkg: '@kubernetes-models/prometheus-operator',
    definition: 'ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1ServiceMonitor',
  },
};

function core(definition: string) {
  return { pkg: 'kubernetes-models', definition };
}

/**
 * Properties that kubernetes-models 5.1.0 declares but Kubernetes 1.28.0 does not, in every definition
 * reachable from the Kubernetes kinds above (computed once against the v1.28.0 OpenAPI definitions).
 * Keyed by kubernetes-models definition name.
 */
const FIELDS_NEWER_THAN_1_28: Record<string, readonly string[]> = {
  IoK8sApiAppsV1DeploymentStatus: ['terminatingReplicas'],
  IoK8sApiCoreV1Container: ['restartPolicyRules'],
  IoK8sApiCoreV1EnvVarSource: ['fileKeyRef'],
  IoK8sApiCoreV1EphemeralContainer: ['restartPolicyRules'],
  IoK8sApiCoreV1Lifecycle: ['stopSignal'],
  IoK8sApiCoreV1LifecycleHandler: ['sleep'],
  IoK8sApiCoreV1LoadBalancerIngress: ['ipMode'],
  IoK8sApiCoreV1PersistentVolumeClaimSpec: ['volumeAttributesClassName'],
  IoK8sApiCoreV1PersistentVolumeClaimStatus: ['currentVolumeAttributesClassName', 'modifyVolumeStatus'],
  IoK8sApiCoreV1PodAffinityTerm: ['matchLabelKeys', 'mismatchLabelKeys'],
  IoK8sApiCoreV1PodResourceClaim: ['resourceClaimName', 'resourceClaimTemplateName'],
  IoK8sApiCoreV1PodSecurityContext: ['appArmorProfile', 'seLinuxChangePolicy', 'supplementalGroupsPolicy'],
  IoK8sApiCoreV1PodSpec: ['hostnameOverride', 'resources', 'schedulingGroup'],
  IoK8sApiCoreV1ResourceClaim: ['request'],
  IoK8sApiCoreV1SecurityContext: ['appArmorProfile'],
  IoK8sApiCoreV1ServiceSpec: ['trafficDistribution'],
  IoK8sApiCoreV1Volume: ['image'],
  IoK8sApiCoreV1VolumeMount: ['recursiveReadOnly'],
  IoK8sApiCoreV1VolumeProjection: ['clusterTrustBundle', 'podCertificate'],
};

/** Properties that Kubernetes 1.28.0 requires but kubernetes-models 5.1.0 no longer does (same computation). */
const REQUIRED_IN_1_28: Record<string, readonly string[]> = {
  IoK8sApiNetworkingV1NetworkPolicySpec: ['podSelector'],
  IoK8sApiRbacV1RoleRef: ['apiGroup'],
};

/** The apiVersion/kind pairs {@link validateManifest} knows. */
export const SUPPORTED_KINDS: readonly string[] = Object.keys(KINDS);

/**
 * Validates one manifest strictly: schema errors (types, formats, enums, required fields) and unknown
 * fields, each as `<path>: <message>` (path like `spec.template.spec.containers[0].image`, `(root)` for the
 * object itself). An empty array means valid. An unsupported apiVersion/kind is an error.
 */
export function validateManifest(obj: unknown): string[] {
  if (!isObject(obj)) return [`(root): must be an object, got ${typeName(obj)}`];
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return ['(root): apiVersion and kind must be strings: cannot choose a schema'];
  }
  const entry = KINDS[`${apiVersion}/${kind}`];
  if (!entry) {
    return [`(root): no schema for apiVersion "${apiVersion}", kind "${kind}" (known: ${SUPPORTED_KINDS.join(', ')})`];
  }
  const validate = loadDefinition(entry.pkg, entry.definition);
  const tracker = new Tracker();
  const ok = validate(tracker.track(obj, []), {});
  const errors = ok ? [] : (validate.errors ?? []).map(formatAjvError);
  errors.push(...tracker.unknownFields());
  return [...new Set(errors)];
}

// ---------------------------------------------------------------------------------------------------------
// Strictness: which keys did the validator look at?

type Path = ReadonlyArray<string | number>;

interface TrackedNode {
  readonly target: object;
  readonly path: Path;
  /** Keys the validator read (declared properties, required checks). */
  readonly read: Set<string>;
  /** The validator listed the keys: the schema is a map (additionalProperties), any key is allowed. */
  enumerated: boolean;
  /** The definitions (schema modules) that validated this node, outermost first (embedded structs follow). */
  readonly definitions: string[];
}

/** The node a Proxy stands for, for the definition hook of the loader. */
const nodeOfProxy = new WeakMap<object, TrackedNode>();

class Tracker {
  private readonly nodes: TrackedNode[] = [];
  private readonly proxies = new WeakMap<object, object>();

  public track(value: unknown, nodePath: Path): any {
    if (typeof value !== 'object' || value === null) return value;
    const existing = this.proxies.get(value);
    if (existing) return existing;
    const node: TrackedNode = { target: value, path: nodePath, read: new Set(), enumerated: false, definitions: [] };
    this.nodes.push(node);
    const tracker = this;
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return child;
        node.read.add(key);
        if (!Object.prototype.hasOwnProperty.call(target, key)) return child;
        return tracker.track(child, [...nodePath, Array.isArray(target) ? Number(key) : key]);
      },
      has(target, key) {
        if (typeof key === 'string') node.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        node.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    nodeOfProxy.set(proxy, node);
    return proxy;
  }

  public unknownFields(): string[] {
    const errors: string[] = [];
    for (const node of this.nodes) {
      if (Array.isArray(node.target)) continue;
      const where = node.definitions.length ? ` (not in ${node.definitions[0]})` : '';
      if (!node.enumerated) {
        for (const key of Object.keys(node.target)) {
          if (!node.read.has(key)) errors.push(`${formatPath([...node.path, key])}: unknown field "${key}"${where}`);
        }
      }
      for (const definition of node.definitions) {
        for (const key of FIELDS_NEWER_THAN_1_28[definition] ?? []) {
          if (Object.prototype.hasOwnProperty.call(node.target, key)) {
            errors.push(`${formatPath([...node.path, key])}: field "${key}" does not exist in Kubernetes 1.28 (added later to ${definition})`);
          }
        }
        for (const key of REQUIRED_IN_1_28[definition] ?? []) {
          if (!Object.prototype.hasOwnProperty.call(node.target, key)) {
            errors.push(`${formatPath([...node.path, key])}: required field "${key}" is missing (required in Kubernetes 1.28 by ${definition})`);
          }
        }
      }
    }
    return errors;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Error messages

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, any>;
  readonly message?: string;
}

function formatAjvError(error: AjvError): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const { keyword, params } = error;
  switch (keyword) {
    case 'required':
      return `${formatPath([...p, params.missingProperty])}: required field "${params.missingProperty}" is missing`;
    case 'type':
      return `${formatPath(p)}: must be ${params.type}`;
    case 'enum':
      return `${formatPath(p)}: must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'format':
      return `${formatPath(p)}: must match format "${params.format}"`;
    case 'oneOf':
    case 'anyOf':
      return `${formatPath(p)}: must match exactly one schema of ${keyword}`;
    default:
      return `${formatPath(p)}: ${error.message ?? keyword} ${JSON.stringify(params)}`;
  }
}

function formatPath(p: Path): string {
  if (p.length === 0) return '(root)';
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `${i ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`)).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}

// ---------------------------------------------------------------------------------------------------------
// Loading the ES-module-only validators under Jest (CommonJS): rewrite or transpile, resolve with the
// packages' `exports` maps (the `import` condition), and require CommonJS dependencies as usual.

interface StandaloneValidate {
  (data: unknown, context: object): boolean;
  errors?: AjvError[] | null;
}

const modules = new Map<string, { exports: Record<string, any> }>();

function loadDefinition(pkg: string, definition: string): StandaloneValidate {
  // Not through `exports`: @kubernetes-models/prometheus-operator does not export its `_schemas`.
  const file = resolveFile(path.join(packageDir(pkg, __dirname), '_schemas', definition), `${pkg}/_schemas/${definition}`);
  return loadModule(file).validate as StandaloneValidate;
}

function loadModule(file: string): Record<string, any> {
  const cached = modules.get(file);
  if (cached) return cached.exports;
  if (!isEsm(file)) return require(file);
  const module = { exports: {} as Record<string, any> };
  modules.set(file, module);
  const source = fs.readFileSync(file, 'utf8');
  const output = (/[\\/]_schemas[\\/]/.test(file) ? schemaModuleToCommonJs(source) : undefined) ?? transpile(source, file);
  const dir = path.dirname(file);
  const requireFrom = (specifier: string) => (isBuiltin(specifier) ? require(specifier) : loadModule(resolveSpecifier(specifier, dir)));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'require', 'module', '__filename', '__dirname', output)(module.exports, requireFrom, module, file, dir);
  hookDefinition(file, module.exports);
  return module.exports;
}

/** ES module to CommonJS with TypeScript (loaded only when needed: it takes a while). */
function transpile(source: string, file: string): string {
  const ts = require('typescript') as typeof TypeScript;
  return ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  }).outputText;
}

/**
 * The generated `_schemas` modules use four statement forms only; rewriting them is ~100 times faster than
 * transpiling (a few hundred modules). Anything else goes to TypeScript (`undefined`). A named import
 * `validateN` becomes a function that forwards to the module's current export (cycles between definitions,
 * and the definition hook, need the live binding) and copies its `errors`, which the caller reads.
 */
function schemaModuleToCommonJs(source: string): string | undefined {
  let n = 0;
  const rewritten = source
    .replace(/\bimport\{([\w\s,]+)\}from"([^"]+)";?/g, (_, names: string, specifier: string) => {
      const m = `__import${n++}`;
      const bindings = names.split(',').map((binding) => {
        const [imported, local = imported] = binding.trim().split(/\s+as\s+/);
        return /^validate\d+$/.test(local)
          ? `function ${local}(d,o){const f=${m}.${imported};const r=f(d,o);${local}.errors=f.errors;return r}`
          : `const ${local}=${m}.${imported};`;
      });
      return `const ${m}=require(${JSON.stringify(specifier)});${bindings.join('')}`;
    })
    .replace(/\bimport (\w+) from"([^"]+)";?/g, (_, local: string, specifier: string) =>
      `const ${local}=(m=>m&&m.__esModule?m.default:m)(require(${JSON.stringify(specifier)}));`)
    .replace(/\bexport const validate=(\w+);?/g, 'exports.validate=$1;');
  return /(^|[;}])\s*(import|export)\b/m.test(rewritten) ? undefined : rewritten;
}

/** Wraps a definition's `validate` so that every object it validates records the definition's name. */
function hookDefinition(file: string, exports: Record<string, any>): void {
  const match = /[\\/]_schemas[\\/](\w+)\.js$/.exec(file);
  const original = exports.validate as StandaloneValidate | undefined;
  if (!match || typeof original !== 'function') return;
  const definition = match[1];
  const hooked: StandaloneValidate = (data, context) => {
    const node = typeof data === 'object' && data !== null ? nodeOfProxy.get(data) : undefined;
    if (node && !Array.isArray(node.target) && !node.definitions.includes(definition)) node.definitions.push(definition);
    const ok = original(data, context);
    hooked.errors = original.errors;
    return ok;
  };
  exports.validate = hooked;
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || require('module').builtinModules.includes(specifier);
}

function isEsm(file: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs') || file.endsWith('.json')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
    if (path.dirname(dir) === dir) return false;
  }
}

function resolveSpecifier(specifier: string, fromDir: string): string {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return resolveFile(path.resolve(fromDir, specifier), specifier);
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = specifier.slice(name.length + 1);
  const pkgDir = packageDir(name, fromDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (manifest.exports !== undefined) {
    const target = exportTarget(manifest.exports, subpath ? `./${subpath}` : '.');
    if (!target) throw new Error(`${specifier}: not exported by ${name}`);
    return resolveFile(path.join(pkgDir, target), specifier);
  }
  return resolveFile(path.join(pkgDir, subpath || manifest.main || 'index.js'), specifier);
}

function packageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(pkgDir, 'package.json'))) return pkgDir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find package ${name} (from ${fromDir}): is it installed?`);
  }
}

function resolveFile(candidate: string, specifier: string): string {
  for (const file of [candidate, `${candidate}.js`, path.join(candidate, 'index.js')]) {
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  throw new Error(`cannot resolve ${specifier} (${candidate})`);
}

function exportTarget(exports: any, subpath: string): string | undefined {
  const map: Record<string, any> = typeof exports === 'string' || Object.keys(exports).every((k) => !k.startsWith('.')) ? { '.': exports } : exports;
  if (map[subpath] !== undefined) return conditionTarget(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      const target = conditionTarget(value);
      return target?.replace(/\*/g, subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function conditionTarget(value: any): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(conditionTarget).find((t) => t !== undefined);
  if (value && typeof value === 'object') {
    for (const condition of ['import', 'node', 'default', 'require']) {
      const target = value[condition] !== undefined ? conditionTarget(value[condition]) : undefined;
      if (target) return target;
    }
  }
  return undefined;
}

import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';

/*
 * Strict schema validation of synthesized manifests (like `kubeconform -strict`), offline and from
 * devDependencies only:
 *
 * - The schemas are the validators of `kubernetes-models` (Kubernetes API objects) and
 *   `@kubernetes-models/prometheus-operator` (monitoring.coreos.com CRDs). These packages ship Ajv
 *   *standalone* validators (precompiled JavaScript, one CommonJS module per OpenAPI definition under
 *   `_schemas/`), not JSON schemas, and those validators ignore unknown fields (no `additionalProperties: false`).
 * - Strictness is added around them: the object is validated through a Proxy that records, for every
 *   object node, which keys the validator read. A compiled validator reads every property its schema
 *   declares (`void 0 === data.prop`) and enumerates the keys of a map (`for (key in data)`, for
 *   `additionalProperties` schemas such as labels, annotations and ConfigMap data). A key of an object that
 *   the validator neither read nor enumerated is therefore not in the schema: an unknown field. An object
 *   whose schema is free-form (x-kubernetes-preserve-unknown-fields) is not read at all, so its keys are
 *   reported too: stricter, never a silent pass.
 * - The versions are the newest that support Node 20 (kubernetes-models 5 and @kubernetes-models/* of its
 *   generation require Node 22). kubernetes-models 4.5.1 tracks Kubernetes 1.33 (it has 1.33's
 *   `Lifecycle.stopSignal` and `DeploymentStatus.terminatingReplicas`, not 1.34's `PodSpec.hostnameOverride`).
 *   The kinds we emit have the same group/version (all GA v1) in 1.28, and the changes since are additive but
 *   for one required field that became optional. Both are undone here: every property declared by a
 *   definition our kinds reach that Kubernetes 1.28.0 does not have is in FIELDS_NEWER_THAN_1_28 and
 *   rejected, and REQUIRED_IN_1_28 restores the 1.28 required fields. (Fields 1.28 has and the package
 *   dropped, here only PodResourceClaim.source, are rejected: stricter.) The lists were computed once, by
 *   reading which properties each validator declares, against the 167 definitions that the v1.28.0 OpenAPI
 *   definitions (k8s.io/kubernetes v1.28.0 api/openapi-spec/swagger.json) reach from the kinds below; tests do
 *   not need them at run time.
 * - The ServiceMonitor schema of @kubernetes-models/prometheus-operator 4.4.4 is OLDER than the
 *   prometheus-operator v0.93.0 CRD we generate `imports/` from (checked by validating an object with every
 *   v0.93.0 CRD field set): it lacks, among others, `spec.scrapeClass`, `spec.scrapeProtocols`,
 *   `spec.selectorMechanism`, `spec.serviceDiscoveryRole`, `endpoints[].trackTimestampsStaleness`,
 *   `endpoints[].tlsConfig.minVersion`/`maxVersion`, the proxy settings and `status`. Those newer fields are
 *   therefore rejected as unknown (stricter, never a silent pass); no field it accepts is missing from v0.93.0.
 * - Jest's module registry is bypassed for the `_schemas` modules: each is run by a small loader that wraps
 *   its `validate` export, so that every object node records the definitions that validated it (for the
 *   1.28 lists and for error messages).
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
    definition: 'MonitoringCoreosComV1ServiceMonitor',
  },
};

function core(definition: string) {
  return { pkg: 'kubernetes-models', definition };
}

/**
 * Properties that kubernetes-models 4.5.1 declares but Kubernetes 1.28.0 does not, in every definition
 * reachable from the Kubernetes kinds above (computed once against the v1.28.0 OpenAPI definitions).
 * Keyed by kubernetes-models definition name.
 */
const FIELDS_NEWER_THAN_1_28: Record<string, readonly string[]> = {
  IoK8sApiAppsV1DeploymentStatus: ['terminatingReplicas'],
  IoK8sApiCoreV1Lifecycle: ['stopSignal'],
  IoK8sApiCoreV1LifecycleHandler: ['sleep'],
  IoK8sApiCoreV1LoadBalancerIngress: ['ipMode'],
  IoK8sApiCoreV1PersistentVolumeClaimSpec: ['volumeAttributesClassName'],
  IoK8sApiCoreV1PersistentVolumeClaimStatus: ['currentVolumeAttributesClassName', 'modifyVolumeStatus'],
  IoK8sApiCoreV1PodAffinityTerm: ['matchLabelKeys', 'mismatchLabelKeys'],
  IoK8sApiCoreV1PodResourceClaim: ['resourceClaimName', 'resourceClaimTemplateName'],
  IoK8sApiCoreV1PodSecurityContext: ['appArmorProfile', 'seLinuxChangePolicy', 'supplementalGroupsPolicy'],
  IoK8sApiCoreV1PodSpec: ['resources'],
  IoK8sApiCoreV1ResourceClaim: ['request'],
  IoK8sApiCoreV1SecurityContext: ['appArmorProfile'],
  IoK8sApiCoreV1ServiceSpec: ['trafficDistribution'],
  IoK8sApiCoreV1Volume: ['image'],
  IoK8sApiCoreV1VolumeMount: ['recursiveReadOnly'],
  IoK8sApiCoreV1VolumeProjection: ['clusterTrustBundle'],
};

/** Properties that Kubernetes 1.28.0 requires but kubernetes-models 4.5.1 no longer does (same computation). */
const REQUIRED_IN_1_28: Record<string, readonly string[]> = {
  IoK8sApiAppsV1StatefulSetSpec: ['serviceName'],
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
// Loading the validators: every `_schemas` module through a small CommonJS loader (so that each definition's
// `validate` can be wrapped, see hookDefinition); anything else they require (@kubernetes-models/validate's
// formats) through Node's own require.

interface StandaloneValidate {
  (data: unknown, context: object): boolean;
  errors?: AjvError[] | null;
}

const modules = new Map<string, { exports: Record<string, any> }>();

function loadDefinition(pkg: string, definition: string): StandaloneValidate {
  // Not through `exports`: the packages do not export their `_schemas`.
  const file = path.join(packageDir(pkg, __dirname), '_schemas', `${definition}.js`);
  if (!fs.existsSync(file)) throw new Error(`cannot find the definition ${definition} of ${pkg} (${file})`);
  return loadSchemaModule(file).validate as StandaloneValidate;
}

/**
 * Runs one generated `_schemas` module (CommonJS). Its `validate` export is a non-configurable getter; the
 * exports object given to the module makes it configurable, so that hookDefinition can replace it. Sibling
 * definitions (`require("./X.js")`) load the same way; the modules read each other's `validate` at call time
 * (`_X.validate(...)`), so cycles and the wrapping work.
 */
function loadSchemaModule(file: string): Record<string, any> {
  const cached = modules.get(file);
  if (cached) return cached.exports;
  const exportsObject = new Proxy({} as Record<string, any>, {
    defineProperty: (target, key, descriptor) => Reflect.defineProperty(target, key, { ...descriptor, configurable: true }),
  });
  const module = { exports: exportsObject };
  modules.set(file, module);
  const dir = path.dirname(file);
  const nodeRequire = createRequire(file);
  const requireFrom = (specifier: string) =>
    (specifier.startsWith('./') && specifier.endsWith('.js') ? loadSchemaModule(path.join(dir, specifier)) : nodeRequire(specifier));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'require', 'module', '__filename', '__dirname', fs.readFileSync(file, 'utf8'))(module.exports, requireFrom, module, file, dir);
  hookDefinition(file, module.exports);
  return module.exports;
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
  Object.defineProperty(exports, 'validate', { value: hooked, enumerable: true, writable: true, configurable: true });
}

function packageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(pkgDir, 'package.json'))) return pkgDir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find package ${name} (from ${fromDir}): is it installed?`);
  }
}

import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Marks a subtree whose objects are already checked, so nested components do not check twice. */
const CHECKED = Symbol.for('cdk8s-mlops-monitoring.unique-objects');
/** Kinds without a namespace: their names are shared by the whole cluster. */
const CLUSTER_SCOPED = new Set([
  'ClusterRole', 'ClusterRoleBinding', 'Namespace', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
]);

/**
 * At synth, fails when an object of `scope` has the kind, namespace and name of another object of the app
 * (another stack's, or the user's own): applied, the second would silently replace the first.
 */
export function checkUniqueObjects(scope: IConstruct): void {
  if (scope.node.scopes.some((s) => (s as any)[CHECKED])) return;
  (scope as any)[CHECKED] = true;
  scope.node.addValidation({ validate: () => collisions(scope) });
}

function collisions(scope: IConstruct): string[] {
  const all = scope.node.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const firstAt = new Map<string, ApiObject>();
  const errors: string[] = [];
  for (const obj of all) {
    const key = identity(obj);
    const first = firstAt.get(key);
    if (!first) {
      firstAt.set(key, obj);
      continue;
    }
    // Reported once: by the subtree of the later object, or of the first when the later one is unchecked.
    const mine = (o: ApiObject) => o.node.scopes.includes(scope);
    const checked = (o: ApiObject) => o.node.scopes.some((s) => (s as any)[CHECKED]);
    if (mine(obj) || (mine(first) && !checked(obj))) {
      errors.push(`objects: ${key} (${obj.node.path}) is also defined at ${first.node.path}: applied, one would replace the other. Give one of them another name or namespace.`);
    }
  }
  return errors;
}

function identity(obj: ApiObject): string {
  const group = obj.apiVersion.includes('/') ? `.${obj.apiVersion.split('/')[0]}` : '';
  const namespace = CLUSTER_SCOPED.has(obj.kind) ? '' : obj.metadata.namespace ?? Chart.of(obj).namespace ?? 'default';
  return `${obj.kind}${group} ${namespace ? `${namespace}/` : ''}${obj.name}`;
}

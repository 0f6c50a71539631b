import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Props of {@link ConfigMapShards}. */
export interface ConfigMapShardsProps {
  /** Name of the first ConfigMap; the next ones are `<name>-2`, `<name>-3`, ... */
  readonly name: string;
  /** Namespace of the ConfigMaps. */
  readonly namespace: string;
  /** Labels of the ConfigMaps. */
  readonly labels: Record<string, string>;
  /** Where the first ConfigMap is mounted; the next ones at `<mountPath>-2`, ... */
  readonly mountPath: string;
  /** Name of the first ConfigMap's volume in the pod; the next ones `<volumeName>-2`, ... */
  readonly volumeName: string;
  /**
   * Mount the ConfigMaps as optional volumes: a pod created before them starts with empty folders, which the
   * kubelet fills once they exist, instead of waiting for them (a `FailedMount` event, then a retry).
   * @default false
   */
  readonly optional?: boolean;
  /**
   * Data bytes a ConfigMap may take before the next key goes to a new one.
   * @default 200 KiB: `kubectl apply` (client side) copies the object into an annotation, and annotations may
   * take 256 KiB in all; Kubernetes itself caps an object at 1 MiB
   */
  readonly budgetBytes?: number;
}

/** One ConfigMap of a {@link ConfigMapShards}. */
export interface ConfigMapShard {
  /** The ConfigMap. */
  readonly configMap: k8s.KubeConfigMap;
  /** Where the pod mounts it. */
  readonly mountPath: string;
  /** The pod volume that mounts it. */
  readonly volume: kplus.Volume;
}

const KUBERNETES_OBJECT_LIMIT = 1024 * 1024;

/**
 * Files (ConfigMap keys) spread over as many ConfigMaps as their size needs: Kubernetes caps an object at
 * 1 MiB, which a few hundred dashboards or a thousand applications' rules exceed. One ConfigMap is the
 * common case; each further one gets its own volume and mount path, mounted as soon as it exists.
 */
export class ConfigMapShards extends Construct {
  private readonly props: ConfigMapShardsProps;
  private readonly shardList: (ConfigMapShard & { entries: Map<string, string>; bytes: number })[] = [];
  private readonly shardOfKey = new Map<string, number>();
  private readonly containers: kplus.Container[] = [];

  constructor(scope: Construct, id: string, props: ConfigMapShardsProps) {
    super(scope, id);
    this.props = props;
    this.addShard();
    this.node.addValidation({ validate: () => this.oversizedShards() });
  }

  /** Sets the content of a file: a new key goes to the last ConfigMap if it fits, else to a new one. */
  public put(key: string, content: string): void {
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(content);
    let index = this.shardOfKey.get(key);
    if (index === undefined) {
      const last = this.shardList[this.shardList.length - 1];
      const budget = this.props.budgetBytes ?? 200 * 1024;
      index = last.entries.size === 0 || last.bytes + bytes <= budget ? this.shardList.length - 1 : this.addShard();
      this.shardOfKey.set(key, index);
    }
    const shard = this.shardList[index];
    const previous = shard.entries.get(key);
    shard.bytes += bytes - (previous === undefined ? 0 : Buffer.byteLength(key) + Buffer.byteLength(previous));
    shard.entries.set(key, content);
  }

  /** Mounts every ConfigMap, now and as they are added, read-only into `container`. */
  public mountInto(container: kplus.Container): void {
    this.containers.push(container);
    this.shardList.forEach((shard) => container.mount(shard.mountPath, shard.volume, { readOnly: true }));
  }

  /** The ConfigMaps, in order. */
  public get shards(): ConfigMapShard[] {
    return this.shardList.map(({ configMap, mountPath, volume }) => ({ configMap, mountPath, volume }));
  }

  /** Every file, key to content, across all ConfigMaps. */
  public data(): Record<string, string> {
    return Object.assign({}, ...this.shardList.map((shard) => sortedData(shard.entries)));
  }

  private addShard(): number {
    const n = this.shardList.length + 1;
    const suffix = n === 1 ? '' : `-${n}`;
    const name = `${this.props.name}${suffix}`;
    const entries = new Map<string, string>();
    const configMap = new k8s.KubeConfigMap(this, `ConfigMap${suffix}`, {
      metadata: { name, namespace: this.props.namespace, labels: this.props.labels },
      data: Lazy.any({ produce: () => sortedData(entries) }),
    });
    const volume = kplus.Volume.fromConfigMap(this, `Volume${suffix}`, kplus.ConfigMap.fromConfigMapName(this, `Ref${suffix}`, name), {
      name: `${this.props.volumeName}${suffix}`,
      optional: this.props.optional,
    });
    const shard = { configMap, volume, mountPath: `${this.props.mountPath}${suffix}`, entries, bytes: 0 };
    this.shardList.push(shard);
    this.containers.forEach((container) => container.mount(shard.mountPath, volume, { readOnly: true }));
    return n - 1;
  }

  private oversizedShards(): string[] {
    return this.shardList
      .filter((shard) => shard.bytes > KUBERNETES_OBJECT_LIMIT - 16 * 1024)
      .map((shard) => `${shard.configMap.name}: ${shard.bytes} bytes of data do not fit in one ConfigMap (1 MiB); split the largest file (${largestKey(shard.entries)})`);
  }
}

function sortedData(entries: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...entries.keys()].sort().map((key) => [key, entries.get(key)!]));
}

function largestKey(entries: Map<string, string>): string {
  return [...entries].sort((a, b) => b[1].length - a[1].length)[0]?.[0] ?? '';
}

/**
 * A {@link ConfigMapShards} created with its first file, for ConfigMaps most stacks never need (no empty
 * ConfigMap is written). Containers given before then get its ConfigMaps mounted as soon as it exists.
 */
export class OnDemandConfigMapShards {
  private readonly containers: kplus.Container[] = [];
  private created?: ConfigMapShards;

  constructor(private readonly scope: Construct, private readonly id: string, private readonly props: ConfigMapShardsProps) {}

  /** Sets the content of a file, creating the ConfigMaps with the first one. */
  public put(key: string, content: string): void {
    if (!this.created) {
      this.created = new ConfigMapShards(this.scope, this.id, this.props);
      this.containers.forEach((container) => this.created!.mountInto(container));
    }
    this.created.put(key, content);
  }

  /** Mounts the ConfigMaps, now and once they exist, read-only into `container`. */
  public mountInto(container: kplus.Container): void {
    this.containers.push(container);
    this.created?.mountInto(container);
  }

  /** The ConfigMaps, once a file was put. */
  public get configMaps(): ConfigMapShards | undefined {
    return this.created;
  }
}

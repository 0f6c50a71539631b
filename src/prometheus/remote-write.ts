import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { validateRelabelConfigs } from './scrape-job-validation';
import { durationSeconds, expectOptional, expectType, validateDuration, validateInteger, validateUrlWithoutCredentials } from '../common/validation';
import { AuthorizationConfig, RelabelConfig } from './config-model';

/** The long-term store a {@link RemoteWrite} sends to. */
export enum LongTermStore {
  /** Thanos Receive (`/api/v1/receive`); tenant in the `THANOS-TENANT` header. */
  THANOS_RECEIVE = 'thanos-receive',
  /** Grafana Mimir (`/api/v1/push`); tenant in the `X-Scope-OrgID` header. */
  MIMIR = 'mimir',
  /** VictoriaMetrics (`/api/v1/write`); a cluster's tenant is part of the URL (`/insert/<accountID>/prometheus/...`). */
  VICTORIA_METRICS = 'victoria-metrics',
}

/** Queue tuning of one remote_write target (`queue_config`): see the Prometheus documentation. */
export interface RemoteWriteQueueOptions {
  /**
   * Samples buffered per shard.
   * @default - Prometheus's (10000)
   */
  readonly capacity?: number;
  /**
   * Upper bound of parallel senders.
   * @default - Prometheus's (50)
   */
  readonly maxShards?: number;
  /**
   * Lower bound of parallel senders.
   * @default - Prometheus's (1)
   */
  readonly minShards?: number;
  /**
   * Samples per request.
   * @default - Prometheus's (2000)
   */
  readonly maxSamplesPerSend?: number;
  /**
   * Longest wait before a partly filled request is sent, a duration.
   * @default - Prometheus's (5s)
   */
  readonly batchSendDeadline?: string;
  /**
   * First retry back-off, a duration.
   * @default - Prometheus's (30ms)
   */
  readonly minBackoff?: string;
  /**
   * Longest retry back-off, a duration.
   * @default - Prometheus's (5s)
   */
  readonly maxBackoff?: string;
}

/** Where and how Prometheus writes to a long-term store. Credentials are keys of a mounted Secret, never values. */
export interface RemoteWriteOptions {
  /** The store's write URL, such as `http://mimir-distributor.mimir.svc:8080/api/v1/push`. */
  readonly url: string;
  /**
   * Name of this target in Prometheus's metrics (`remote_name`); unique per server.
   * @default - the store kind, with a number when there are several
   */
  readonly name?: string;
  /**
   * Tenant (Mimir `X-Scope-OrgID`, Thanos Receive `THANOS-TENANT`). VictoriaMetrics takes it in the URL.
   * @default - none: the store's default tenant
   */
  readonly tenant?: string;
  /**
   * Basic-auth user name; the password is `passwordSecretKey` of the remote-write Secret.
   * @default - no basic auth
   */
  readonly basicAuthUsername?: string;
  /**
   * Key of the remote-write Secret holding the basic-auth password (read as a file, `password_file`).
   * @default - no basic auth
   */
  readonly passwordSecretKey?: string;
  /**
   * Key of the remote-write Secret holding a bearer token (`authorization.credentials_file`).
   * @default - no token
   */
  readonly bearerTokenSecretKey?: string;
  /**
   * Queue tuning.
   * @default - Prometheus's defaults
   */
  readonly queue?: RemoteWriteQueueOptions;
  /**
   * Relabeling of the series sent (e.g. drop high-cardinality ones); the local TSDB keeps everything.
   * @default - everything is sent
   */
  readonly writeRelabelConfigs?: RelabelConfig[];
  /**
   * The store's Prometheus-compatible query URL (Mimir `http://mimir-query-frontend.mimir.svc:8080/prometheus`,
   * Thanos Query, VictoriaMetrics `vmselect`): Grafana's datasource then queries it instead of Prometheus.
   * @default - Grafana queries Prometheus
   */
  readonly queryUrl?: string;
}

/** Basic authentication whose password is read from a file (`basic_auth` in prometheus.yml). */
export interface BasicAuthConfig {
  /** The user name. */
  readonly username: string;
  /** File holding the password. */
  readonly passwordFile: string;
}

/** One `remote_write` entry of prometheus.yml. */
export interface RemoteWriteConfig {
  /** The store's write URL. */
  readonly url: string;
  /** Name of this target in Prometheus's metrics (`remote_name`). */
  readonly name: string;
  /**
   * HTTP headers sent with every request (the tenant's).
   * @default - none
   */
  readonly headers?: Record<string, string>;
  /**
   * Basic authentication.
   * @default - none
   */
  readonly basicAuth?: BasicAuthConfig;
  /**
   * Authorization header, its credentials read from a file.
   * @default - none
   */
  readonly authorization?: AuthorizationConfig;
  /**
   * Queue tuning (`queue_config`).
   * @default - Prometheus's defaults
   */
  readonly queueConfig?: RemoteWriteQueueOptions;
  /**
   * Relabeling of the series sent.
   * @default - everything is sent
   */
  readonly writeRelabelConfigs?: RelabelConfig[];
}

const TENANT_HEADERS: Record<LongTermStore, string | undefined> = {
  [LongTermStore.THANOS_RECEIVE]: 'THANOS-TENANT',
  [LongTermStore.MIMIR]: 'X-Scope-OrgID',
  [LongTermStore.VICTORIA_METRICS]: undefined,
};

/**
 * A long-term store Prometheus remote-writes to. The store runs elsewhere: this library never stores metrics
 * beyond Prometheus's own TSDB.
 */
export class RemoteWrite {
  /**
   * Thanos Receive, e.g. `http://thanos-receive.thanos.svc:19291/api/v1/receive`.
   * @param options URL, tenant, credentials and queue tuning
   */
  public static thanosReceive(options: RemoteWriteOptions): RemoteWrite {
    return new RemoteWrite(LongTermStore.THANOS_RECEIVE, options);
  }

  /**
   * Grafana Mimir, e.g. `http://mimir-distributor.mimir.svc:8080/api/v1/push`.
   * @param options URL, tenant, credentials and queue tuning
   */
  public static mimir(options: RemoteWriteOptions): RemoteWrite {
    return new RemoteWrite(LongTermStore.MIMIR, options);
  }

  /**
   * VictoriaMetrics, e.g. `http://vminsert.vm.svc:8480/insert/0/prometheus/api/v1/write` (cluster) or `http://victoria-metrics:8428/api/v1/write`.
   * @param options URL, credentials and queue tuning (the tenant is part of the URL)
   */
  public static victoriaMetrics(options: RemoteWriteOptions): RemoteWrite {
    return new RemoteWrite(LongTermStore.VICTORIA_METRICS, options);
  }

  /** The kind of store written to. */
  public readonly store: LongTermStore;
  /** Where and how Prometheus writes to it. */
  public readonly options: RemoteWriteOptions;

  private constructor(store: LongTermStore, options: RemoteWriteOptions) {
    this.store = store;
    this.options = options;
  }

  /** The store's query URL for Grafana, when given. */
  public get queryUrl(): string | undefined {
    return this.options.queryUrl;
  }

  /**
   * The `remote_write` entry, validated (errors name `field` on `scope`); secrets are files under `secretsDir`.
   * @internal
   */
  public _render(scope: Construct, field: string, defaultName: string, secretsDir: string): RemoteWriteConfig {
    const o = this.options;
    expectType(scope, field, o, 'object');
    expectType(scope, `${field}.url`, o.url, 'string');
    // Both URLs are written into ConfigMaps (prometheus.yml, Grafana's datasource): no credential in them.
    validateUrlWithoutCredentials(scope, `${field}.url`, o.url, 'give the user name in basicAuthUsername and the password\'s Secret key in passwordSecretKey, or a token\'s Secret key in bearerTokenSecretKey');
    if (o.queryUrl !== undefined) {
      validateUrlWithoutCredentials(scope, `${field}.queryUrl`, o.queryUrl, 'Grafana\'s datasource cannot read a credential from a Secret: let the query URL accept the cluster-internal client without one');
    }
    const header = TENANT_HEADERS[this.store];
    if (o.tenant !== undefined) {
      if (!header) fail(scope, `${field}.tenant`, `${this.store} takes its tenant in the URL (e.g. /insert/<accountID>/prometheus/api/v1/write), not a header`);
      if (!/^[A-Za-z0-9!_.*'()-]{1,150}$/.test(o.tenant)) fail(scope, `${field}.tenant`, `"${o.tenant}" is not a valid tenant ID`);
    }
    if ((o.basicAuthUsername === undefined) !== (o.passwordSecretKey === undefined)) {
      fail(scope, field, 'basicAuthUsername and passwordSecretKey go together');
    }
    if (o.passwordSecretKey !== undefined && o.bearerTokenSecretKey !== undefined) {
      fail(scope, field, 'use basic auth or a bearer token, not both');
    }
    for (const key of ['passwordSecretKey', 'bearerTokenSecretKey'] as const) {
      const value = o[key];
      if (value !== undefined && !/^[-._a-zA-Z0-9]{1,253}$/.test(value)) fail(scope, `${field}.${key}`, `"${value}" is not a valid Secret key`);
    }
    expectOptional(scope, `${field}.queue`, o.queue, 'object');
    const q = o.queue ?? {};
    for (const key of ['capacity', 'maxShards', 'minShards', 'maxSamplesPerSend'] as const) {
      if (q[key] !== undefined) validateInteger(scope, `${field}.queue.${key}`, q[key], 1);
    }
    if (q.minShards !== undefined && q.maxShards !== undefined && q.minShards > q.maxShards) fail(scope, `${field}.queue.minShards`, 'must not exceed maxShards');
    for (const key of ['batchSendDeadline', 'minBackoff', 'maxBackoff'] as const) {
      if (q[key] !== undefined) validateDuration(scope, `${field}.queue.${key}`, q[key]);
    }
    // Prometheus doubles the back-off from minBackoff up to maxBackoff.
    const [minBackoff, maxBackoff] = [q.minBackoff ?? '30ms', q.maxBackoff ?? '5s'];
    if (durationSeconds(minBackoff) > durationSeconds(maxBackoff)) {
      fail(scope, `${field}.queue.minBackoff`, `"${minBackoff}" is longer than maxBackoff "${maxBackoff}"${q.maxBackoff === undefined ? ' (Prometheus\'s default)' : ''}`);
    }
    // The set fields only, in the order prometheus.yml lists them.
    const queue: RemoteWriteQueueOptions = {
      ...(q.capacity !== undefined ? { capacity: q.capacity } : {}),
      ...(q.maxShards !== undefined ? { maxShards: q.maxShards } : {}),
      ...(q.minShards !== undefined ? { minShards: q.minShards } : {}),
      ...(q.maxSamplesPerSend !== undefined ? { maxSamplesPerSend: q.maxSamplesPerSend } : {}),
      ...(q.batchSendDeadline !== undefined ? { batchSendDeadline: q.batchSendDeadline } : {}),
      ...(q.minBackoff !== undefined ? { minBackoff: q.minBackoff } : {}),
      ...(q.maxBackoff !== undefined ? { maxBackoff: q.maxBackoff } : {}),
    };
    validateRelabelConfigs(scope, `${field}.writeRelabelConfigs`, o.writeRelabelConfigs, false);
    const name = o.name ?? defaultName;
    // `remote_name` is a label value of Prometheus's own metrics: any text, but not an empty or padded one.
    expectType(scope, `${field}.name`, name, 'string');
    if (!/^\S(.*\S)?$/.test(name) || name.length > 253) fail(scope, `${field}.name`, `${JSON.stringify(name)} must be 1-253 characters, without line breaks or spaces at its ends`);
    return {
      url: o.url,
      name,
      ...(o.tenant !== undefined && header ? { headers: { [header]: o.tenant } } : {}),
      ...(o.passwordSecretKey !== undefined ? { basicAuth: { username: o.basicAuthUsername!, passwordFile: `${secretsDir}/${o.passwordSecretKey}` } } : {}),
      ...(o.bearerTokenSecretKey !== undefined ? { authorization: { authenticationType: 'Bearer', credentialsFile: `${secretsDir}/${o.bearerTokenSecretKey}` } } : {}),
      ...(Object.keys(queue).length ? { queueConfig: queue } : {}),
      ...(o.writeRelabelConfigs?.length ? { writeRelabelConfigs: o.writeRelabelConfigs } : {}),
    };
  }
}

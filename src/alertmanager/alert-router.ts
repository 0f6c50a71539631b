import { Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IAlertmanagerEndpoint } from '../common/endpoints';
import { IngressOptions } from '../common/exposure';
import { programLabels } from '../common/labels';
import { ProgramWorkload } from '../common/program-workload';
import { ResourceSpec } from '../common/resources';
import { checksumOf, toYaml } from '../common/serialize';
import { claimUnique, validateDnsLabel, validateDuration, validateLabelName } from '../common/validation';
import { DEFAULT_ALERTMANAGER_IMAGE } from '../common/versions';
import { AlertmanagerConfigFile, ReceiverFile, RouteFile } from './config-model';
import { Receiver, renderReceiver, validateReceiverName } from './receivers';

/** A child route: alerts whose labels match go to `receiver`. */
export interface Route {
  /** Name of the receiver the matching alerts go to. */
  readonly receiver: string;
  /** Label equality matchers, such as `{ severity: 'critical' }`. */
  readonly match: Record<string, string>;
  /**
   * Keep looking for further matching routes after this one.
   * @default false
   */
  readonly continue?: boolean;
  /**
   * Repeat interval of this route.
   * @default - the root route's
   */
  readonly repeatInterval?: string;
}

/** Mutes `target` alerts while a `source` alert fires with the same `equal` labels. */
export interface InhibitRule {
  /** Labels of the alerts that mute others while they fire. */
  readonly sourceMatch: Record<string, string>;
  /** Labels of the alerts that are muted. */
  readonly targetMatch: Record<string, string>;
  /** Labels whose values must be equal in the source and target alert. */
  readonly equal: string[];
}

/** Props of {@link AlertRouter}. */
export interface AlertRouterProps {
  /**
   * Name of the Deployment; the Service is `<name>-service`, the ConfigMap `<name>-config`.
   * @default 'alertmanager'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Container image, pinned.
   * @default DEFAULT_ALERTMANAGER_IMAGE
   */
  readonly image?: string;
  /**
   * Labels that group alerts into one notification.
   * @default ['alertname', 'severity', 'component']
   */
  readonly groupBy?: string[];
  /** @default '30s' */
  readonly groupWait?: string;
  /** @default '5m' */
  readonly groupInterval?: string;
  /**
   * How often a still-firing notification is sent again.
   * @default '12h'
   */
  readonly repeatInterval?: string;
  /**
   * Receivers. Names used by the routes must exist.
   * @default - `default`, `critical` and `warning`, with no integration (alerts shown in the UI only)
   */
  readonly receivers?: Receiver[];
  /**
   * Receiver of alerts no route matches.
   * @default 'default'
   */
  readonly defaultReceiver?: string;
  /**
   * Child routes, tried in order.
   * @default - severity=critical to `critical`, severity=warning to `warning`
   */
  readonly routes?: Route[];
  /**
   * Inhibit rules.
   * @default - a critical alert mutes the warning of the same alertname and component
   */
  readonly inhibitRules?: InhibitRule[];
  /**
   * Secret holding the receivers' credentials, mounted read-only at /etc/alertmanager/secrets. Create it
   * out of band: `kubectl create secret generic alertmanager-secrets --from-literal=slack-webhook-url=...`.
   * @default 'alertmanager-secrets'
   */
  readonly secretName?: string;
  /** @default - 50m/200m CPU, 64Mi/256Mi memory */
  readonly resources?: ResourceSpec;
  /**
   * Create a NetworkPolicy: only Prometheus (see `allowAccessFrom`) and Alertmanager's peers reach port 9093.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /** @default - no Ingress */
  readonly ingress?: IngressOptions;
}

const PORT = 9093;
const UID = 65534;
// Sibling folders, not nested: a mount point inside a read-only ConfigMap mount cannot be created.
const CONFIG_DIR = '/etc/alertmanager/config';
const SECRETS_DIR = '/etc/alertmanager/secrets';
const DATA_DIR = '/alertmanager';

/**
 * Alertmanager: routing by severity, typed receivers whose credentials stay in a mounted Secret, inhibit
 * rules, a Deployment and a Service.
 */
export class AlertRouter extends Construct implements IAlertmanagerEndpoint {
  /** An Alertmanager that runs elsewhere. */
  public static fromAddress(address: string): IAlertmanagerEndpoint {
    return { address };
  }

  /** Name of the Deployment (and prefix of the other objects' names). */
  public readonly name: string;
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** Name of the Service. */
  public readonly serviceName: string;
  /** `<service>:9093`, resolvable from the same namespace. */
  public readonly address: string;
  /** Port of the HTTP API and UI. */
  public readonly port = PORT;
  /** The ConfigMap holding the configuration file(s). */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Deployment and Service. */
  public readonly workload: ProgramWorkload;
  /** Labels of the pods, for NetworkPolicies and Services. */
  public readonly podSelector: Record<string, string>;

  private readonly props: AlertRouterProps;
  /** Receivers as written to alertmanager.yml, rendered (and so validated) when added. */
  private readonly receivers: ReceiverFile[] = [];
  private readonly receiverNames = new Set<string>();
  private readonly routes: Route[] = [];
  private readonly inhibitRules: InhibitRule[];
  private readonly secretName: string;
  private rendered?: Record<string, string>;

  constructor(scope: Construct, id: string, props: AlertRouterProps = {}) {
    super(scope, id);
    this.props = props;
    this.name = validateDnsLabel(this, 'name', props.name ?? 'alertmanager');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.secretName = validateDnsLabel(this, 'secretName', props.secretName ?? 'alertmanager-secrets');
    this.serviceName = `${this.name}-service`;
    this.address = `${this.serviceName}:${PORT}`;
    validateDuration(this, 'groupWait', props.groupWait ?? '30s', { allowZero: true });
    validateDuration(this, 'groupInterval', props.groupInterval ?? '5m');
    validateDuration(this, 'repeatInterval', props.repeatInterval ?? '12h');
    (props.groupBy ?? []).forEach((label) => validateLabelName(this, 'groupBy', label));

    const receivers = props.receivers ?? [{ name: 'default' }, { name: 'critical' }, { name: 'warning' }];
    receivers.forEach((receiver) => this.addReceiver(receiver));
    const routes = props.routes ?? [
      { receiver: 'critical', match: { severity: 'critical' } },
      { receiver: 'warning', match: { severity: 'warning' } },
    ];
    routes.forEach((route) => this.addRoute(route));
    this.inhibitRules = props.inhibitRules ?? [
      { sourceMatch: { severity: 'critical' }, targetMatch: { severity: 'warning' }, equal: ['alertname', 'component'] },
    ];
    // Routes may name receivers added later, so references are checked when the app is synthesized.
    this.node.addValidation({ validate: () => this.unknownReceivers() });

    const labels = programLabels(this.name, 'alertmanager');
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => this.configData() }),
    });

    // Optional: the pod starts without the Secret, so the default stack (no credentials) needs none.
    const secrets = kplus.Volume.fromSecret(this, 'SecretsVolume', kplus.Secret.fromSecretName(this, 'SecretRef', this.secretName), { name: 'secrets', optional: true });
    this.workload = new ProgramWorkload(this, 'Workload', {
      name: this.name,
      namespace: this.namespace,
      program: 'alertmanager',
      image: props.image ?? DEFAULT_ALERTMANAGER_IMAGE,
      args: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        `--storage.path=${DATA_DIR}`,
        `--web.listen-address=:${PORT}`,
        '--cluster.listen-address=', // one replica: no gossip port to open
      ],
      port: PORT,
      livenessPath: '/-/healthy',
      readinessPath: '/-/ready',
      uid: UID,
      replicas: 1,
      resources: props.resources ?? { cpuRequestMillis: 50, cpuLimitMillis: 200, memoryRequestMebibytes: 64, memoryLimitMebibytes: 256 },
      mounts: [
        { volume: kplus.Volume.fromConfigMap(this, 'ConfigVolume', kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', `${this.name}-config`), { name: 'config' }), path: CONFIG_DIR, readOnly: true },
        { volume: secrets, path: SECRETS_DIR, readOnly: true },
      ],
      dataPath: DATA_DIR,
      networkPolicy: (props.networkPolicy ?? true) ? { restrictIngress: true } : undefined,
      ingress: props.ingress,
      configChecksum: () => checksumOf(this.configData()),
    });
    this.podSelector = this.workload.podSelector;
  }

  /**
   * Adds a receiver; its name must be unique and each of its integrations must name the key of the
   * receivers Secret that holds its credential.
   */
  public addReceiver(receiver: Receiver): this {
    validateReceiverName(this, receiver.name);
    claimUnique(this, 'receivers', this.receiverNames, receiver.name, 'receiver name');
    this.receivers.push(renderReceiver(this, receiver, SECRETS_DIR));
    this.rendered = undefined;
    return this;
  }

  /** Adds a child route after the existing ones. */
  public addRoute(route: Route): this {
    Object.keys(route.match).forEach((label) => validateLabelName(this, 'routes.match', label));
    if (route.repeatInterval !== undefined) validateDuration(this, 'routes.repeatInterval', route.repeatInterval);
    this.routes.push(route);
    this.rendered = undefined;
    return this;
  }

  /** Lets pods with these labels (same namespace) reach Alertmanager through its NetworkPolicy. */
  public allowAccessFrom(podSelector: Record<string, string>): this {
    this.workload.allowAccessFrom(podSelector);
    return this;
  }

  /** The alertmanager.yml model, as written at synth. */
  public renderConfig(): AlertmanagerConfigFile {
    const props = this.props;
    const route: RouteFile = {
      receiver: props.defaultReceiver ?? 'default',
      group_by: props.groupBy ?? ['alertname', 'severity', 'component'],
      group_wait: props.groupWait ?? '30s',
      group_interval: props.groupInterval ?? '5m',
      repeat_interval: props.repeatInterval ?? '12h',
      routes: this.routes.map((r) => ({
        receiver: r.receiver,
        matchers: matchers(r.match),
        ...(r.continue ? { continue: true } : {}),
        ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
      })),
    };
    return {
      global: { resolve_timeout: '5m' },
      route,
      inhibit_rules: this.inhibitRules.map((rule) => ({
        source_matchers: matchers(rule.sourceMatch),
        target_matchers: matchers(rule.targetMatch),
        equal: rule.equal,
      })),
      receivers: this.receivers,
    };
  }

  private configData(): Record<string, string> {
    this.rendered ??= { 'alertmanager.yml': toYaml(this.renderConfig()) };
    return this.rendered;
  }

  private unknownReceivers(): string[] {
    const used = [
      { field: 'defaultReceiver', name: this.props.defaultReceiver ?? 'default' },
      ...this.routes.map((r, i) => ({ field: `routes[${i}].receiver`, name: r.receiver })),
    ];
    return used
      .filter((u) => !this.receiverNames.has(u.name))
      .map((u) => `[${this.node.path}] ${u.field}: route to unknown receiver "${u.name}" (known: ${[...this.receiverNames].join(', ')})`);
  }
}

function matchers(match: Record<string, string>): string[] {
  return Object.entries(match).map(([label, value]) => `${label}=${JSON.stringify(value)}`);
}

import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addressFrom, externalAlertmanager, IAlertmanagerEndpoint, NetworkPeer } from '../common/endpoints';
import { IngressOptions } from '../common/exposure';
import { programLabels } from '../common/labels';
import { ProgramWorkload } from '../common/program-workload';
import { ResourceSpec } from '../common/resources';
import { claimUnique, expectOptional, expectType, validateDnsLabel, validateDuration, validateGroupBy, validateInteger, validateLabelName } from '../common/validation';
import { ALERTMANAGER_CLUSTER_PORT, alertmanagerClusterArgs, alertmanagerMemberHosts } from './cluster';
import { alertmanagerYml, renderMatcher, ResolvedInhibitRule, ResolvedRoute } from './config-render';
import { fail } from '../common/errors';
import { covers, LabelMatcher, MatchOperator, toMatchers, validateMatchers } from './matchers';
import { Versions } from '../common/versions';
import { toContainerResources } from '../common/resources';
import { restrictedContainerSecurity } from '../common/security';
import { PersistenceOptions } from '../common/storage';
import { readsSecret, Receiver, validateReceiver, validateReceiverName } from './receivers';
import { checkUniqueObjects } from '../common/unique-objects';

/** A child route: alerts whose labels match go to `receiver`. */
export interface Route {
  /** Name of the receiver the matching alerts go to. */
  readonly receiver: string;
  /**
   * Label equality matchers, such as `{ severity: 'critical' }`.
   * @default - none
   */
  readonly match?: Record<string, string>;
  /**
   * More matchers (negations, regular expressions), ANDed with `match`. A route with neither matches
   * every alert.
   * @default - none
   */
  readonly matchers?: LabelMatcher[];
  /**
   * Keep looking for further matching routes after this one (alertmanager.yml's `continue`).
   * @default false
   */
  readonly continueMatching?: boolean;
  /**
   * Repeat interval of this route.
   * @default - the root route's
   */
  readonly repeatInterval?: string;
}

/** Mutes `target` alerts while a `source` alert fires with the same `equal` labels. */
export interface InhibitRule {
  /**
   * Label equality matchers of the alerts that mute others while they fire.
   * @default - none
   */
  readonly sourceMatch?: Record<string, string>;
  /**
   * More matchers of the muting alerts.
   * @default - none
   */
  readonly sourceMatchers?: LabelMatcher[];
  /**
   * Label equality matchers of the alerts that are muted.
   * @default - none
   */
  readonly targetMatch?: Record<string, string>;
  /**
   * More matchers of the muted alerts.
   * @default - none
   */
  readonly targetMatchers?: LabelMatcher[];
  /** Labels whose values must be equal in the source and target alert (absent counts as empty). */
  readonly equal: string[];
}

/** Where the always-firing Watchdog alert goes: the dead man's switch. */
export interface WatchdogOptions {
  /**
   * Receiver of the Watchdog alert. Give it a webhook to an outside heartbeat service, which pages when
   * the notifications stop.
   * @default - a receiver named `watchdog` with no integration
   */
  readonly receiver?: Receiver;
  /**
   * How often the Watchdog notification is sent again: the heartbeat period.
   * @default '1m'
   */
  readonly repeatInterval?: string;
}

/** Options of {@link AlertRouter}: everything but where it lives and what it connects to (what {@link MonitoringStack} sets itself). */
export interface AlertRouterOptions {
  /**
   * Name of the Deployment; the Service is `<name>-service`, the ConfigMap `<name>-config`.
   * @default 'alertmanager'
   */
  readonly name?: string;
  /**
   * Container image, pinned.
   * @default - Versions.ALERTMANAGER_IMAGE
   */
  readonly image?: string;
  /**
   * Labels that group alerts into one notification.
   * @default ['alertname', 'severity', 'component']
   */
  readonly groupBy?: string[];
  /**
   * How long to wait before the first notification of a new group.
   * @default '30s'
   */
  readonly groupWait?: string;
  /**
   * How long to wait before notifying about alerts added to a group already notified.
   * @default '5m'
   */
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
   * Your routes, tried in order before the built-in severity routes, so they take precedence. A route that
   * an earlier one makes unreachable is an error.
   * @default - none
   */
  readonly routes?: Route[];
  /**
   * After your routes, send `severity="critical"` alerts to the receiver `critical` and
   * `severity="warning"` ones to `warning` (a built-in route that one of yours makes unreachable is left out).
   * @default true
   */
  readonly severityRoutes?: boolean;
  /**
   * The Watchdog alert's receiver and heartbeat period; its route comes first.
   * @default - a receiver `watchdog` with no integration, every minute
   */
  readonly watchdog?: WatchdogOptions;
  /**
   * Inhibit rules.
   * @default - a critical alert about an application (its `job`) mutes the warning and info alerts of the
   * same job and namespace: the cause mutes its symptoms, never across applications or namespaces
   */
  readonly inhibitRules?: InhibitRule[];
  /**
   * Secret holding the receivers' credentials, mounted read-only at /etc/alertmanager/secrets. Create it
   * out of band: `kubectl create secret generic alertmanager-secrets --from-literal=slack-webhook-url=...`.
   * @default 'alertmanager-secrets'
   */
  readonly secretName?: string;
  /**
   * CPU and memory of the Alertmanager container.
   * @default - 50m/200m CPU, 64Mi/256Mi memory
   */
  readonly resources?: ResourceSpec;
  /**
   * Create a NetworkPolicy: only Prometheus (see `allowAccessFrom`) and Alertmanager's peers reach port 9093.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Expose the UI and API through an Ingress.
   * @default - no Ingress
   */
  readonly ingress?: IngressOptions;
  /**
   * Keep silences and the notification log in a PersistentVolumeClaim, so they survive the pod.
   * @default - an emptyDir: silences are lost when the pod goes
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Size limit of the emptyDir data volume when there is no `persistence`.
   * @default '256Mi'
   */
  readonly dataSizeLimit?: string;
  /**
   * Image of the sidecar that reloads Alertmanager when its config or Secret changes, pinned.
   * @default - Versions.CONFIG_RELOADER_IMAGE
   */
  readonly configReloaderImage?: string;
  /**
   * Pods allowed through the NetworkPolicy besides the stack's own (e.g. a Prometheus you already run, in
   * its namespace). The same as `allowAccessFrom`.
   * @default - none
   */
  readonly allowedClients?: NetworkPeer[];
  /**
   * Number of Alertmanagers. With more than one, they run as a StatefulSet behind a headless Service
   * `<name>-cluster`, gossip over port 9094 (TCP and UDP, open between members only) to share silences and
   * the notification log, so each alert is notified once; every Prometheus sends to every member
   * (`memberAddresses`), and a PodDisruptionBudget and topology spread keep a majority running.
   * @default 1
   */
  readonly replicas?: number;
}

/** Props of {@link AlertRouter}. */
export interface AlertRouterProps extends AlertRouterOptions {
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
}

const PORT = 9093;
const UID = 65534;
// Sibling folders, not nested: a mount point inside a read-only ConfigMap mount cannot be created.
const CONFIG_DIR = '/etc/alertmanager/config';
const SECRETS_DIR = '/etc/alertmanager/secrets';
const DATA_DIR = '/alertmanager';
/** Port of the config reloader's own metrics, bound to loopback. */
const RELOADER_PORT = 8080;

/**
 * Alertmanager: routing by severity, typed receivers whose credentials stay in a mounted Secret, inhibit
 * rules, a Deployment and a Service.
 */
export class AlertRouter extends Construct implements IAlertmanagerEndpoint {
  /** Port of Alertmanager's gossip (memberlist), TCP and UDP, between the members of a cluster. */
  public static readonly CLUSTER_PORT: number = ALERTMANAGER_CLUSTER_PORT;

  /** An Alertmanager that runs elsewhere. */
  public static fromAddress(address: string): IAlertmanagerEndpoint {
    return externalAlertmanager(address);
  }

  /** Name of the Deployment (and prefix of the other objects' names). */
  public readonly name: string;
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** Name of the Service. */
  public readonly serviceName: string;
  /** `<service>:9093`, resolvable from the same namespace. */
  public readonly address: string;
  /** `<service>.<namespace>.svc:9093`, resolvable from any namespace. */
  public readonly clusterAddress: string;
  /** Port of the HTTP API and UI. */
  public readonly port = PORT;
  /** The ConfigMap holding the configuration file(s). */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Deployment and Service. */
  public readonly workload: ProgramWorkload;
  /** Labels of the pods, for NetworkPolicies and Services. */
  public readonly podSelector: Record<string, string>;
  /** Number of members. */
  public readonly replicas: number;
  /**
   * With several replicas, each member's `host:9093` (stable DNS names through the headless Service):
   * Prometheus must send every alert to every member.
   */
  public readonly memberAddresses?: string[];

  private readonly props: AlertRouterProps;
  /** Receivers, validated when added. */
  private readonly receivers: Receiver[] = [];
  private readonly receiverNames = new Set<string>();
  /** Your routes, validated, with their matchers resolved. */
  private readonly routes: { readonly route: Route; readonly matchers: LabelMatcher[] }[] = [];
  private readonly watchdogRoute: ResolvedRoute;
  private readonly inhibitRules: ResolvedInhibitRule[];
  private readonly secretName: string;
  private rendered?: Record<string, string>;
  private secretRequired = false;
  private secretPatched = false;

  constructor(scope: Construct, id: string, props: AlertRouterProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    props ??= {};
    expectType(this, 'props', props, 'object');
    this.props = props;
    this.name = validateDnsLabel(this, 'name', props.name ?? 'alertmanager');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.secretName = validateDnsLabel(this, 'secretName', props.secretName ?? 'alertmanager-secrets');
    this.serviceName = `${this.name}-service`;
    this.address = `${this.serviceName}:${PORT}`;
    this.clusterAddress = `${this.serviceName}.${this.namespace}.svc:${PORT}`;
    this.replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    const members = { name: this.name, headlessServiceName: `${this.name}-cluster`, namespace: this.namespace, replicas: this.replicas };
    if (this.replicas > 1) this.memberAddresses = alertmanagerMemberHosts(members).map((host) => `${host}:${PORT}`);
    validateDuration(this, 'groupWait', props.groupWait ?? '30s', { allowZero: true });
    validateDuration(this, 'groupInterval', props.groupInterval ?? '5m');
    validateDuration(this, 'repeatInterval', props.repeatInterval ?? '12h');
    for (const key of ['groupBy', 'receivers', 'routes', 'inhibitRules', 'allowedClients'] as const) expectOptional(this, key, props[key], 'array');
    expectOptional(this, 'watchdog', props.watchdog, 'object');
    validateGroupBy(this, 'groupBy', props.groupBy ?? []);

    const receivers = props.receivers ?? [{ name: 'default' }, { name: 'critical' }, { name: 'warning' }];
    receivers.forEach((receiver) => this.addReceiver(receiver));
    const watchdogReceiver = props.watchdog?.receiver ?? { name: 'watchdog' };
    this.addReceiver(watchdogReceiver);
    const heartbeat = validateDuration(this, 'watchdog.repeatInterval', props.watchdog?.repeatInterval ?? '1m');
    this.watchdogRoute = {
      receiver: watchdogReceiver.name,
      matchers: [{ label: 'alertname', value: 'Watchdog' }],
      groupWait: '0s',
      groupInterval: heartbeat,
      repeatInterval: heartbeat,
    };
    (props.routes ?? []).forEach((route) => this.addRoute(route));
    this.inhibitRules = resolveInhibitRules(this, props.inhibitRules ?? DEFAULT_INHIBIT_RULES);
    // Routes may name receivers added later, so references are checked when the app is synthesized.
    this.node.addValidation({ validate: () => this.unknownReceivers() });

    const labels = programLabels(this.name, 'alertmanager');
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => this.configData() }),
    });

    // Optional while no receiver reads from it, so the default stack (no credentials) needs none; required
    // as soon as one does (see requireSecret).
    const secrets = kplus.Volume.fromSecret(this, 'SecretsVolume', kplus.Secret.fromSecretName(this, 'SecretRef', this.secretName), { name: 'secrets', optional: true });
    const config = kplus.Volume.fromConfigMap(this, 'ConfigVolume', kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', `${this.name}-config`), { name: 'config' });
    this.workload = new ProgramWorkload(this, 'Workload', {
      name: this.name,
      namespace: this.namespace,
      program: 'alertmanager',
      image: props.image ?? Versions.ALERTMANAGER_IMAGE,
      args: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        `--storage.path=${DATA_DIR}`,
        `--web.listen-address=:${PORT}`,
        ...alertmanagerClusterArgs(members),
      ],
      env: this.replicas > 1 ? { POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) } : undefined,
      statefulSet: this.replicas > 1 ? { headlessServiceName: members.headlessServiceName, peerPorts: [ALERTMANAGER_CLUSTER_PORT] } : undefined,
      port: PORT,
      livenessPath: '/-/healthy',
      readinessPath: '/-/ready',
      // Ready within half a second (measured under load: test/probes.test.ts).
      startup: { firstProbeSeconds: 3, maxSeconds: 300 },
      uid: UID,
      replicas: this.replicas,
      resources: props.resources ?? { cpuRequestMillis: 50, cpuLimitMillis: 200, memoryRequestMebibytes: 64, memoryLimitMebibytes: 256 },
      mounts: [
        { volume: config, path: CONFIG_DIR, readOnly: true },
        { volume: secrets, path: SECRETS_DIR, readOnly: true },
      ],
      dataPath: DATA_DIR,
      persistence: props.persistence,
      dataSizeLimit: props.dataSizeLimit ?? '256Mi',
      networkPolicy: (props.networkPolicy ?? true) ? { restrictIngress: true } : undefined,
      ingress: props.ingress,
    });
    // Hot reload: Alertmanager has no file watch of its own, so a sidecar watches the mounted config and
    // Secret (the kubelet refreshes both in place) and asks Alertmanager to reload over loopback. Silences
    // and the notification log survive an edit.
    this.workload.podController.addContainer({
      name: 'config-reloader',
      image: props.configReloaderImage ?? Versions.CONFIG_RELOADER_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        `--watched-dir=${CONFIG_DIR}`,
        `--watched-dir=${SECRETS_DIR}`,
        `--reload-url=http://127.0.0.1:${PORT}/-/reload`,
        // Its own metrics on loopback only: no port to open.
        `--listen-address=127.0.0.1:${RELOADER_PORT}`,
      ],
      securityContext: restrictedContainerSecurity(UID),
      resources: toContainerResources({ cpuRequestMillis: 10, cpuLimitMillis: 50, memoryRequestMebibytes: 16, memoryLimitMebibytes: 32 }),
      volumeMounts: [
        { path: CONFIG_DIR, volume: config, readOnly: true },
        { path: SECRETS_DIR, volume: secrets, readOnly: true },
      ],
    });
    if (this.secretRequired) this.requireSecret();
    this.podSelector = this.workload.podSelector;
    (props.allowedClients ?? []).forEach((peer) => this.allowAccessFrom(peer.podLabels, peer.namespace));
  }

  /**
   * Adds a receiver; its name must be unique and each of its integrations must name the key of the
   * receivers Secret that holds its credential.
   */
  public addReceiver(receiver: Receiver): this {
    expectType(this, 'receivers', receiver, 'object');
    validateReceiverName(this, receiver.name);
    claimUnique(this, 'receivers', this.receiverNames, receiver.name, 'receiver name');
    validateReceiver(this, receiver);
    this.receivers.push(receiver);
    if (readsSecret(receiver)) this.requireSecret();
    this.rendered = undefined;
    return this;
  }

  /**
   * Adds receivers, each as {@link addReceiver} does. The variant for receivers built beforehand: in Python,
   * `add_receiver` takes a receiver's fields as keyword arguments (jsii turns a trailing struct parameter into
   * keyword arguments), `add_receivers` takes `Receiver` objects: `router.add_receivers(Receiver(name="oncall", ...))`.
   * @param receivers the receivers
   */
  public addReceivers(...receivers: Receiver[]): this {
    receivers.forEach((receiver) => this.addReceiver(receiver));
    return this;
  }

  /**
   * Makes the receivers Secret a required volume once a receiver reads a credential from it: a missing
   * Secret then keeps the pod from starting, instead of notifications failing at the first alert.
   */
  private requireSecret(): void {
    this.secretRequired = true;
    if (!this.workload || this.secretPatched) return;
    this.secretPatched = true;
    const index = this.workload.podVolumeIndex('secrets');
    ApiObject.of(this.workload.podController).addJsonPatch(JsonPatch.remove(`/spec/template/spec/volumes/${index}/secret/optional`));
  }

  /**
   * Adds a route after your earlier ones and before the built-in severity routes. It must be reachable:
   * an earlier route without `continue` must not already catch every alert it matches.
   */
  public addRoute(route: Route): this {
    const field = `routes[${this.routes.length}]`;
    expectType(this, field, route, 'object');
    expectType(this, `${field}.receiver`, route.receiver, 'string');
    expectOptional(this, `${field}.match`, route.match, 'map');
    expectOptional(this, `${field}.matchers`, route.matchers, 'array');
    const matchers = toMatchers(route.match, route.matchers);
    validateMatchers(this, `${field}.matchers`, matchers);
    if (route.repeatInterval !== undefined) validateDuration(this, `${field}.repeatInterval`, route.repeatInterval);
    this.routes.forEach((earlier, i) => {
      if (!earlier.route.continueMatching && covers(earlier.matchers, matchers)) {
        fail(this, field, `can never match: routes[${i}] (${describe(earlier.matchers)} → ${earlier.route.receiver}) already catches every alert it would. Put it first, narrow it, or set continueMatching: true on routes[${i}]`);
      }
    });
    this.routes.push({ route, matchers });
    this.rendered = undefined;
    return this;
  }

  /**
   * Adds routes, each as {@link addRoute} does, in order. The variant for routes built beforehand: in Python,
   * `add_routes(Route(receiver="oncall", match={"team": "ml"}))`.
   * @param routes the routes
   */
  public addRoutes(...routes: Route[]): this {
    routes.forEach((route) => this.addRoute(route));
    return this;
  }

  /** Every member's address with several replicas; else {@link address} from this namespace, {@link clusterAddress} from another. */
  public targetsFrom(clientNamespace: string): string[] {
    return this.memberAddresses ? [...this.memberAddresses] : [addressFrom(this.namespace, clientNamespace, this.address, this.clusterAddress)];
  }

  /** Lets pods with these labels (in `namespace`, by default this one) reach Alertmanager through its NetworkPolicy. */
  public allowAccessFrom(podSelector: Record<string, string>, namespace?: string): this {
    this.workload.allowAccessFrom({ podLabels: podSelector, namespace });
    return this;
  }

  /** The alertmanager.yml file, as written into the ConfigMap at synth. */
  public renderConfig(): string {
    const props = this.props;
    return alertmanagerYml({
      resolveTimeout: '5m',
      route: {
        receiver: props.defaultReceiver ?? 'default',
        groupBy: props.groupBy ?? ['alertname', 'severity', 'component'],
        groupWait: props.groupWait ?? '30s',
        groupInterval: props.groupInterval ?? '5m',
        repeatInterval: props.repeatInterval ?? '12h',
        routes: [this.watchdogRoute, ...this.routes.map(({ route: r, matchers }) => ({
          receiver: r.receiver,
          matchers,
          continueMatching: r.continueMatching,
          repeatInterval: r.repeatInterval,
        })), ...this.severityRoutes()],
      },
      inhibitRules: this.inhibitRules,
      receivers: this.receivers,
      secretsDir: SECRETS_DIR,
    });
  }

  /** The built-in severity routes that none of your routes makes unreachable. */
  private severityRoutes(): ResolvedRoute[] {
    if (this.props.severityRoutes === false) return [];
    return SEVERITY_ROUTES
      .filter((severity) => !this.routes.some((r) => !r.route.continueMatching && covers(r.matchers, [{ label: 'severity', value: severity }])))
      .map((severity) => ({ receiver: severity, matchers: [{ label: 'severity', value: severity }] }));
  }

  private configData(): Record<string, string> {
    this.rendered ??= { 'alertmanager.yml': this.renderConfig() };
    return this.rendered;
  }

  private unknownReceivers(): string[] {
    const used = [
      { field: 'defaultReceiver', name: this.props.defaultReceiver ?? 'default' },
      ...this.routes.map((r, i) => ({ field: `routes[${i}].receiver`, name: r.route.receiver })),
      ...this.severityRoutes().map((r) => ({ field: 'severityRoutes', name: r.receiver })),
    ];
    return used
      .filter((u) => !this.receiverNames.has(u.name))
      .map((u) => `${u.field}: route to unknown receiver "${u.name}" (known: ${[...this.receiverNames].join(', ')})${u.field === 'severityRoutes' ? '; add that receiver or set severityRoutes: false' : ''}`);
  }
}

/**
 * Checks inhibit rules given as `inhibitRules` (shapes, matchers, the `equal` label names) and resolves their
 * `match` maps and `matchers` into one list of matchers each.
 */
export function resolveInhibitRules(scope: Construct, rules: InhibitRule[]): ResolvedInhibitRule[] {
  expectType(scope, 'inhibitRules', rules, 'array');
  return rules.map((rule, i) => {
    const field = `inhibitRules[${i}]`;
    expectType(scope, field, rule, 'object');
    expectOptional(scope, `${field}.sourceMatch`, rule.sourceMatch, 'map');
    expectOptional(scope, `${field}.targetMatch`, rule.targetMatch, 'map');
    expectOptional(scope, `${field}.sourceMatchers`, rule.sourceMatchers, 'array');
    expectOptional(scope, `${field}.targetMatchers`, rule.targetMatchers, 'array');
    expectType(scope, `${field}.equal`, rule.equal, 'array');
    const source = toMatchers(rule.sourceMatch, rule.sourceMatchers);
    const target = toMatchers(rule.targetMatch, rule.targetMatchers);
    validateMatchers(scope, `${field}.sourceMatchers`, source);
    validateMatchers(scope, `${field}.targetMatchers`, target);
    rule.equal.forEach((label) => validateLabelName(scope, `${field}.equal`, label));
    return { sourceMatchers: source, targetMatchers: target, equal: rule.equal };
  });
}

/** Receivers of the built-in severity routes, named after the severity they receive. */
const SEVERITY_ROUTES = ['critical', 'warning'];

/**
 * A critical alert about an application mutes that application's warning and info alerts: the same
 * `job` and `namespace`. `job=~".+"` keeps alerts about no job (the infrastructure's) from muting each
 * other, since Alertmanager treats two absent labels as equal.
 */
export const DEFAULT_INHIBIT_RULES: InhibitRule[] = [{
  sourceMatchers: [{ label: 'severity', value: 'critical' }, { label: 'job', operator: MatchOperator.REGEX, value: '.+' }],
  targetMatchers: [{ label: 'severity', operator: MatchOperator.REGEX, value: 'warning|info' }],
  equal: ['namespace', 'job'],
}];

function describe(matchers: LabelMatcher[]): string {
  return matchers.length ? matchers.map(renderMatcher).join(', ') : 'no matchers';
}

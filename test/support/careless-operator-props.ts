/*
 * fast-check arbitraries of an Operator delivery as a careless user writes it: the target's selectors, the
 * application's namespace and labels, the monitor kind, receivers and routes, each mostly plausible and sometimes
 * one of the mistakes people make (a release label with another value, a namespace the Operator does not read,
 * a route to a receiver of the stack, a Secret key with a slash, a datasource uid with spaces).
 */
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import {
  AlertmanagerConfigMatcherStrategy, IrisApiMonitoring, MonitorKind, OperatorTarget, OperatorTargetProps, PrometheusOperatorDelivery, Receiver, Route,
} from '../../src';
import { Manifest } from './synth';

function careless<T>(values: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(values[0]) }, { weight: 4, arbitrary: fc.constantFrom(...values) });
}
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
const labels = fc.dictionary(careless(['team', 'release', 'prometheus', 'app.kubernetes.io/part-of', 'Team Name', '', 'x/y/z']), careless(['ml', 'kps', 'other', '', 'a b', 'x'.repeat(64)]), { maxKeys: 2 });

/** A whole delivery's inputs. */
export interface CarelessDelivery {
  readonly releaseName?: string;
  readonly target?: OperatorTargetProps;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly monitorKind?: MonitorKind;
  readonly podLabels?: Record<string, string>;
  readonly receivers?: Receiver[];
  readonly routes?: Route[];
  readonly receiversSecretName?: string;
  readonly dashboardFolder?: string;
}

const receiver: fc.Arbitrary<Receiver> = fc.record({
  name: careless(['ml-oncall', 'pager', 'unrouted', ' spaced ', '']),
  webhook: maybe(fc.array(fc.record({
    urlSecretKey: maybe(careless(['url', 'ml/url', ''])),
    url: maybe(careless(['http://hooks.example/ml', 'https://user:secret@hooks.example/x', 'not a url'])),
    bearerTokenSecretKey: maybe(careless(['token', 'a b'])),
  }), { minLength: 1, maxLength: 1 })),
  slack: maybe(fc.array(fc.record({ channel: careless(['#ml']), apiUrlSecretKey: careless(['slack-url', '']) }), { maxLength: 1 })),
}, { requiredKeys: ['name'] });

const route: fc.Arbitrary<Route> = fc.record({
  receiver: careless(['ml-oncall', 'pager', 'critical', 'unrouted']),
  match: maybe(fc.dictionary(careless(['severity', 'namespace', 'team', 'bad-label']), careless(['critical', 'warning', 'ml', 'CRITICAL']), { maxKeys: 2 })),
  continueMatching: maybe(fc.boolean()),
  repeatInterval: maybe(careless(['4h', '1x', '0s'])),
}, { requiredKeys: ['receiver'] });

export const carelessDelivery: fc.Arbitrary<CarelessDelivery> = fc.record({
  releaseName: maybe(careless(['kps', 'kube-prometheus-stack', 'KPS', ''])),
  target: maybe(fc.record({
    monitorSelector: maybe(labels),
    ruleSelector: maybe(labels),
    alertmanagerConfigSelector: maybe(labels),
    namespaces: maybe(fc.array(careless(['iris', 'monitoring', 'Iris', '']), { maxLength: 2 })),
    matcherStrategy: maybe(careless([AlertmanagerConfigMatcherStrategy.ON_NAMESPACE, AlertmanagerConfigMatcherStrategy.NONE, AlertmanagerConfigMatcherStrategy.ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE, 'onNamespace' as AlertmanagerConfigMatcherStrategy])),
    alertmanagerNamespace: maybe(careless(['monitoring', 'Monitoring'])),
    dashboardLabel: maybe(careless([{ grafana_dashboard: '1' }, {}, { a: '1', b: '2' }, { 'bad key': '1' }])),
    dashboardFolderAnnotation: maybe(careless(['grafana_folder', 'k8s-sidecar-target-directory', 'bad key'])),
    datasourceUid: maybe(careless(['prometheus', 'mimir', 'a b', ''])),
  }, { requiredKeys: [] })),
  namespace: careless(['iris', 'ml-serving', 'Iris', 'a_b']),
  labels: maybe(labels),
  monitorKind: maybe(careless([MonitorKind.SERVICE_MONITOR, MonitorKind.POD_MONITOR, 'servicemonitor' as MonitorKind])),
  podLabels: maybe(careless([{ app: 'iris-api' }, {}, { 'bad key': 'x' }])),
  receivers: maybe(fc.array(receiver, { maxLength: 2 })),
  routes: maybe(fc.array(route, { maxLength: 2 })),
  receiversSecretName: maybe(careless(['ml-receivers', 'Bad_Name'])),
  dashboardFolder: maybe(careless(['ML', ''])),
}, { requiredKeys: ['namespace'] });

/** The delivery of the Iris API with these inputs, synthesized: its objects, or the error synth threw. */
export function synthDelivery(input: CarelessDelivery): Manifest[] {
  const app = new App();
  const chart = new Chart(app, 'delivery', { namespace: input.namespace });
  const target = input.releaseName !== undefined ? OperatorTarget.kubePrometheusStack(input.releaseName) : OperatorTarget.custom(input.target);
  new PrometheusOperatorDelivery(chart, 'Operator', {
    monitoring: new IrisApiMonitoring(chart, 'IrisApi', { receivers: input.receivers, routes: input.routes }),
    target,
    labels: input.labels,
    monitorKind: input.monitorKind,
    podLabels: input.podLabels,
    receiversSecretName: input.receiversSecretName,
    dashboardFolder: input.dashboardFolder,
  });
  return app.synthYaml().split(/^---$/m).map((doc) => parse(doc) as Manifest);
}

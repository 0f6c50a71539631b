import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DnsEgress, NetworkDestination, NetworkPeer } from './endpoints';

/** Props of {@link ProgramNetworkPolicy}. */
export interface ProgramNetworkPolicyProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The pods this policy isolates. */
  readonly podSelector: Record<string, string>;
  /** The port that may be reached. */
  readonly port: number;
  /**
   * Pods allowed in, read at synth time; `undefined` lets every source in.
   * @default - every source
   */
  readonly allowFromPods?: () => NetworkPeer[] | undefined;
  /**
   * When set, egress is restricted to DNS and these pods/ports.
   * @default - egress is not restricted
   */
  readonly egressToPods?: NetworkDestination[];
  /**
   * The DNS servers egress may reach, with `egressToPods`.
   * @default - kube-dns/CoreDNS pods in any namespace, and NodeLocal DNSCache
   */
  readonly dns?: DnsEgress;
  /**
   * Ports the selected pods open to each other only, over TCP and UDP (a cluster's gossip).
   * @default - none
   */
  readonly peerPorts?: number[];
}

/**
 * A NetworkPolicy around one program: ingress only on its port and only from the given pods; optionally
 * egress only to DNS and the given pods.
 */
export class ProgramNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ProgramNetworkPolicyProps) {
    super(scope, id);
    const ingressFrom = () => props.allowFromPods?.()?.map((peer) => peerOf(peer, props.namespace));
    const egress = props.egressToPods && [
      {
        // DNS, wherever the cluster runs it.
        to: [
          { namespaceSelector: selector(props.dns?.namespaceLabels), podSelector: selector(props.dns?.podLabels ?? { 'k8s-app': 'kube-dns' }) },
          ...(props.dns?.ipBlocks ?? ['169.254.20.10/32']).map((cidr) => ({ ipBlock: { cidr } })),
        ],
        ports: (props.dns?.ports ?? [53]).flatMap((port) => ['UDP', 'TCP'].map((protocol) => ({ protocol, port: k8s.IntOrString.fromNumber(port) }))),
      },
      ...props.egressToPods.map(({ peer, port }) => ({
        to: [peerOf(peer, props.namespace)],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }],
      })),
    ];
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        podSelector: selector(props.podSelector),
        policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress: [{
          from: Lazy.any({ produce: ingressFrom }),
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.port) }],
        }, ...(props.peerPorts ?? []).map((port) => ({
          from: [{ podSelector: selector(props.podSelector) }],
          ports: ['TCP', 'UDP'].map((protocol) => ({ protocol, port: k8s.IntOrString.fromNumber(port) })),
        }))],
        ...(egress ? { egress } : {}),
      },
    });
  }
}

/** A NetworkPolicy peer: the pods by their labels, in another namespace by its name label when not our own. */
function peerOf(peer: NetworkPeer, ownNamespace: string): k8s.NetworkPolicyPeer {
  const podSelector = selector(peer.podLabels);
  return peer.namespace && peer.namespace !== ownNamespace
    ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } }, podSelector }
    : { podSelector };
}

/**
 * A label selector as the API server stores it: `{}` (everything) without labels, since it drops an empty
 * `matchLabels` (and `kubectl apply` would then report the NetworkPolicy `configured` on every run).
 */
function selector(labels: Record<string, string> | undefined): k8s.LabelSelector {
  return labels && Object.keys(labels).length ? { matchLabels: labels } : {};
}

import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

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
   * Pods (of the same namespace) allowed in, read at synth time; `undefined` lets every source in.
   * @default - every source
   */
  readonly allowFromPods?: () => Record<string, string>[] | undefined;
  /**
   * When set, egress is restricted to DNS and these pods/ports (of the same namespace).
   * @default - egress is not restricted
   */
  readonly egressToPods?: { readonly podSelector: Record<string, string>; readonly port: number }[];
}

/**
 * A NetworkPolicy around one program: ingress only on its port and only from the given pods; optionally
 * egress only to DNS and the given pods.
 */
export class ProgramNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ProgramNetworkPolicyProps) {
    super(scope, id);
    const ingressFrom = () => props.allowFromPods?.()?.map((labels) => ({ podSelector: { matchLabels: labels } }));
    const egress = props.egressToPods && [
      {
        // DNS, wherever the cluster runs it.
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      },
      ...props.egressToPods.map((peer) => ({
        to: [{ podSelector: { matchLabels: peer.podSelector } }],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(peer.port) }],
      })),
    ];
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        podSelector: { matchLabels: props.podSelector },
        policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress: [{
          from: Lazy.any({ produce: ingressFrom }),
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.port) }],
        }],
        ...(egress ? { egress } : {}),
      },
    });
  }
}

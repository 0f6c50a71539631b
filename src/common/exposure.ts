import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { validateDnsSubdomain } from './validation';

/** How a UI of the stack is exposed outside the cluster through an Ingress. */
export interface IngressOptions {
  /** Host name, such as `prometheus.mlops.local`. */
  readonly host: string;
  /**
   * Secret (type kubernetes.io/tls) holding the certificate for `host`.
   * @default - no TLS: plain HTTP
   */
  readonly tlsSecretName?: string;
  /**
   * IngressClass to use.
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}

/** Props of {@link ProgramIngress}. */
export interface ProgramIngressProps extends IngressOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly serviceName: string;
  readonly servicePort: number;
}

/** Checks the options, naming the fields as the user wrote them on `scope`. */
export function validateIngress(scope: Construct, options: IngressOptions): void {
  validateDnsSubdomain(scope, 'ingress.host', options.host);
  if (options.tlsSecretName !== undefined) validateDnsSubdomain(scope, 'ingress.tlsSecretName', options.tlsSecretName);
}

/**
 * An Ingress that routes every path of one host to one program's Service, with optional TLS. The caller
 * validates the options with {@link validateIngress}, so errors name the user's construct.
 */
export class ProgramIngress extends Construct {
  constructor(scope: Construct, id: string, props: ProgramIngressProps) {
    super(scope, id);
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        ingressClassName: props.ingressClassName,
        tls: props.tlsSecretName ? [{ hosts: [props.host], secretName: props.tlsSecretName }] : undefined,
        rules: [{
          host: props.host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: props.serviceName, port: { number: props.servicePort } } },
            }],
          },
        }],
      },
    });
  }
}

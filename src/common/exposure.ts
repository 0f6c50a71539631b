import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fail } from './errors';
import { describeValue, expectOptional, expectType, validateDnsLabel, validateDnsSubdomain, validateIngressHost, validateLabelKey } from './validation';

/** Who may use a UI that has no login of its own (Prometheus, Alertmanager) once an Ingress exposes it. */
export enum IngressAuthentication {
  /**
   * The ingress controller authenticates, as the Ingress's `annotations` tell it (for example ingress-nginx's
   * `nginx.ingress.kubernetes.io/auth-url` pointing at an oauth2-proxy, or `auth-type: basic`).
   */
  ANNOTATIONS = 'annotations',
  /** Nobody: whoever reaches the host uses the UI (and, for Alertmanager, can silence every alert). */
  NONE = 'none',
}

/** How a UI of the stack is exposed outside the cluster through an Ingress. */
export interface IngressOptions {
  /** Host name, such as `prometheus.mlops.local`. */
  readonly host: string;
  /**
   * Secret (type kubernetes.io/tls) holding the certificate for `host`; with a cert-manager annotation,
   * cert-manager creates it.
   * @default - none: an error unless `allowPlainHttp`
   */
  readonly tlsSecretName?: string;
  /**
   * Serve the UI over plain HTTP: passwords and session cookies cross the network in clear text.
   * @default false
   */
  readonly allowPlainHttp?: boolean;
  /**
   * IngressClass to use.
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
  /**
   * Annotations of the Ingress: a cert-manager issuer, the controller's authentication, rate limits.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * How users of a UI without its own login authenticate (required for Prometheus and Alertmanager).
   * @default - required for Prometheus and Alertmanager; Grafana has its own login
   */
  readonly authentication?: IngressAuthentication;
  /**
   * Namespace of the ingress controller's pods, which the program's NetworkPolicy admits (and nothing
   * else from outside the stack).
   * @default 'ingress-nginx'
   */
  readonly controllerNamespace?: string;
}

/** Props of {@link ProgramIngress}. */
export interface ProgramIngressProps extends IngressOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly serviceName: string;
  readonly servicePort: number;
}

/** The controller's namespace when none is given: ingress-nginx's own manifests and chart use it. */
export const DEFAULT_INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';

/**
 * Checks the options, naming the fields as the user wrote them on `scope`. `hasLogin`: the program
 * authenticates its users itself (Grafana); otherwise the Ingress must say who authenticates them.
 */
export function validateIngress(scope: Construct, options: IngressOptions, hasLogin: boolean): void {
  expectType(scope, 'ingress', options, 'object');
  expectType(scope, 'ingress.host', options.host, 'string');
  validateIngressHost(scope, 'ingress.host', options.host);
  if (options.ingressClassName !== undefined) validateDnsSubdomain(scope, 'ingress.ingressClassName', options.ingressClassName);
  expectOptional(scope, 'ingress.annotations', options.annotations, 'map');
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    validateLabelKey(scope, 'ingress.annotations', key);
    expectType(scope, `ingress.annotations.${key}`, value, 'string');
  }
  if (options.tlsSecretName !== undefined) validateDnsSubdomain(scope, 'ingress.tlsSecretName', options.tlsSecretName);
  else if (!options.allowPlainHttp) {
    fail(scope, 'ingress.tlsSecretName', 'an Ingress serves TLS: name the certificate\'s Secret (cert-manager can create it), or set allowPlainHttp: true to serve plain HTTP');
  }
  if (options.controllerNamespace !== undefined) validateDnsLabel(scope, 'ingress.controllerNamespace', options.controllerNamespace);
  if (hasLogin) return;
  if (options.authentication === undefined) {
    fail(scope, 'ingress.authentication', 'this UI has no login of its own: set IngressAuthentication.ANNOTATIONS with your controller\'s auth annotations (e.g. nginx.ingress.kubernetes.io/auth-url), or IngressAuthentication.NONE to open it to whoever reaches the host');
  }
  if (!Object.values(IngressAuthentication).includes(options.authentication)) {
    fail(scope, 'ingress.authentication', `${describeValue(options.authentication)} is not one of ${Object.values(IngressAuthentication).join(', ')}`);
  }
  if (options.authentication === IngressAuthentication.ANNOTATIONS) {
    const annotations = options.annotations ?? {};
    const configured = Object.keys(annotations).filter((key) => annotations[key].trim() !== '' && configuresAuthentication(key));
    if (configured.length === 0) {
      fail(scope, 'ingress.annotations', `authentication by annotations needs an annotation that configures it (got ${Object.keys(annotations).length ? Object.keys(annotations).join(', ') : 'none'}): ${AUTH_ANNOTATION_EXAMPLES}`);
    }
    const nginxType = annotations['nginx.ingress.kubernetes.io/auth-type'];
    if (nginxType !== undefined && !annotations['nginx.ingress.kubernetes.io/auth-secret'] && !annotations['nginx.ingress.kubernetes.io/auth-url']) {
      fail(scope, 'ingress.annotations', `nginx.ingress.kubernetes.io/auth-type "${nginxType}" needs nginx.ingress.kubernetes.io/auth-secret, the Secret of the users: without it ingress-nginx lets everyone in`);
    }
  }
}

/**
 * Annotations that make an ingress controller authenticate: each controller's own (ingress-nginx's auth-url or
 * auth-type, NGINX Inc.'s basic-auth or JWT, HAProxy's and AWS ALB's auth-type), and those that attach an
 * authentication component (Traefik middlewares, Kong plugins, a GKE BackendConfig with IAP). A cert-manager
 * issuer or a rate limit authenticates nobody.
 */
const AUTH_ANNOTATIONS = [
  /^nginx\.ingress\.kubernetes\.io\/(auth-url|auth-type|auth-tls-secret)$/,
  /^nginx\.org\/basic-auth-secret$/, /^nginx\.com\/jwt-key$/,
  /^(haproxy\.org|haproxy-ingress\.github\.io|ingress\.kubernetes\.io)\/auth-(type|url)$/,
  /^alb\.ingress\.kubernetes\.io\/auth-type$/,
  /^traefik\.ingress\.kubernetes\.io\/router\.middlewares$/,
  /^konghq\.com\/plugins$/,
  /^cloud\.google\.com\/backend-config$/,
];

const AUTH_ANNOTATION_EXAMPLES = 'ingress-nginx\'s nginx.ingress.kubernetes.io/auth-url (an oauth2-proxy) or auth-type with auth-secret, '
  + 'traefik.ingress.kubernetes.io/router.middlewares (a ForwardAuth or BasicAuth middleware), alb.ingress.kubernetes.io/auth-type, '
  + 'haproxy.org/auth-type, nginx.org/basic-auth-secret, konghq.com/plugins or cloud.google.com/backend-config (IAP)';

function configuresAuthentication(key: string): boolean {
  return AUTH_ANNOTATIONS.some((pattern) => pattern.test(key));
}

/**
 * An Ingress that routes every path of one host to one program's Service, with optional TLS. The caller
 * validates the options with {@link validateIngress}, so errors name the user's construct.
 */
export class ProgramIngress extends Construct {
  constructor(scope: Construct, id: string, props: ProgramIngressProps) {
    super(scope, id);
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
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

import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { validateNotificationTemplate } from '../common/go-template';
import { validateDnsLabel } from '../common/validation';
import { EmailConfigFile, PagerDutyConfigFile, ReceiverFile, SlackConfigFile, WebhookConfigFile } from './config-model';

/** A Slack incoming webhook. */
export interface SlackIntegration {
  /** Channel, such as `#mlops-alerts`. */
  readonly channel: string;
  /** Key of the receivers Secret holding the webhook URL (mounted as a file, never in the ConfigMap). */
  readonly apiUrlSecretKey: string;
  /** @default '{{ .GroupLabels.alertname }} ({{ .Status }})' */
  readonly title?: string;
  /** @default - each alert's description */
  readonly text?: string;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** Email through an SMTP server. */
export interface EmailIntegration {
  /** Recipient address. */
  readonly to: string;
  /** Sender address. */
  readonly from: string;
  /** SMTP server, `host:port`. */
  readonly smarthost: string;
  /**
   * SMTP user name; requires `authPasswordSecretKey`.
   * @default - no SMTP authentication
   */
  readonly authUsername?: string;
  /**
   * Key of the receivers Secret holding the SMTP password.
   * @default - no SMTP authentication
   */
  readonly authPasswordSecretKey?: string;
  /** @default true */
  readonly requireTls?: boolean;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** PagerDuty Events API v2. */
export interface PagerDutyIntegration {
  /** Key of the receivers Secret holding the integration's routing key. */
  readonly routingKeySecretKey: string;
  /** @default '{{ .CommonLabels.severity }}' */
  readonly severity?: string;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** A generic webhook. */
export interface WebhookIntegration {
  /**
   * URL that receives the alerts as JSON, written into the ConfigMap: one with credentials in it (a user
   * name or password, a token in the query) is refused. Give exactly one of `url` and `urlSecretKey`.
   * @default - none: `urlSecretKey`
   */
  readonly url?: string;
  /**
   * Key of the receivers Secret holding the URL (`url_file`), for URLs that are secrets themselves
   * (heartbeat and chat-ops webhooks with a token in the path).
   * @default - none: `url`
   */
  readonly urlSecretKey?: string;
  /**
   * Key of the receivers Secret holding a bearer token sent with each request.
   * @default - no Authorization header
   */
  readonly bearerTokenSecretKey?: string;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** A named receiver and its notification integrations (none: alerts are only shown in the UI). */
export interface Receiver {
  /** Receiver name, referenced by routes; a DNS-1123 label. */
  readonly name: string;
  /** @default - none */
  readonly slack?: SlackIntegration[];
  /** @default - none */
  readonly email?: EmailIntegration[];
  /** @default - none */
  readonly pagerDuty?: PagerDutyIntegration[];
  /** @default - none */
  readonly webhook?: WebhookIntegration[];
}

/** Renders a receiver; every credential becomes a file path under `secretsDir`. */
export function renderReceiver(scope: IConstruct, receiver: Receiver, secretsDir: string): ReceiverFile {
  const field = `receivers[${receiver.name}]`;
  const secretFile = (key: string | undefined, what: string): string => {
    if (!key) fail(scope, `${field}.${what}`, `no credential source (got ${JSON.stringify(key) ?? 'undefined'}): name the key of the receivers Secret that holds it`);
    validateSecretKey(scope, `${field}.${what}`, key);
    return `${secretsDir}/${key}`;
  };
  const template = (text: string, what: string) => validateNotificationTemplate(scope, `${field}.${what}`, text);
  const slack = receiver.slack?.map((s): SlackConfigFile => ({
    send_resolved: s.sendResolved ?? true,
    api_url_file: secretFile(s.apiUrlSecretKey, 'slack.apiUrlSecretKey'),
    channel: s.channel,
    title: template(s.title ?? '{{ .GroupLabels.alertname }} ({{ .Status }})', 'slack.title'),
    text: template(s.text ?? '{{ range .Alerts }}{{ .Annotations.description }}\n{{ end }}', 'slack.text'),
  }));
  const email = receiver.email?.map((e): EmailConfigFile => {
    if (e.authUsername !== undefined && !e.authPasswordSecretKey) {
      fail(scope, `${field}.email.authPasswordSecretKey`, `authUsername "${e.authUsername}" is set but there is no password source (got ${JSON.stringify(e.authPasswordSecretKey) ?? 'undefined'}): name the key of the receivers Secret that holds it`);
    }
    return {
      send_resolved: e.sendResolved ?? true,
      to: e.to,
      from: e.from,
      smarthost: e.smarthost,
      ...(e.authUsername ? { auth_username: e.authUsername, auth_password_file: secretFile(e.authPasswordSecretKey, 'email.authPasswordSecretKey') } : {}),
      require_tls: e.requireTls ?? true,
    };
  });
  const pagerDuty = receiver.pagerDuty?.map((p): PagerDutyConfigFile => ({
    send_resolved: p.sendResolved ?? true,
    routing_key_file: secretFile(p.routingKeySecretKey, 'pagerDuty.routingKeySecretKey'),
    severity: template(p.severity ?? '{{ .CommonLabels.severity }}', 'pagerDuty.severity'),
  }));
  const webhook = receiver.webhook?.map((w): WebhookConfigFile => {
    if ((w.url === undefined) === (w.urlSecretKey === undefined)) {
      fail(scope, `${field}.webhook`, 'give exactly one of url and urlSecretKey');
    }
    if (w.url !== undefined) validateWebhookUrl(scope, `${field}.webhook.url`, w.url);
    return {
      send_resolved: w.sendResolved ?? true,
      ...(w.url !== undefined ? { url: w.url } : { url_file: secretFile(w.urlSecretKey, 'webhook.urlSecretKey') }),
      ...(w.bearerTokenSecretKey ? { http_config: { authorization: { credentials_file: secretFile(w.bearerTokenSecretKey, 'webhook.bearerTokenSecretKey') } } } : {}),
    };
  });
  return {
    name: receiver.name,
    ...(slack?.length ? { slack_configs: slack } : {}),
    ...(email?.length ? { email_configs: email } : {}),
    ...(pagerDuty?.length ? { pagerduty_configs: pagerDuty } : {}),
    ...(webhook?.length ? { webhook_configs: webhook } : {}),
  };
}

/** Query parameters that carry credentials in the URLs of common webhook services. */
const SECRET_PARAMETERS = /^(token|access_token|api_key|apikey|key|secret|password|pass|auth|signature|sig|code)$/i;

/** An http(s) URL with no credential in it: it is written into a ConfigMap, which is neither secret nor private. */
function validateWebhookUrl(scope: IConstruct, field: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(scope, field, `"${url}" is not an http(s) URL`);
  }
  if (!/^https?:$/.test(parsed.protocol) || /\s/.test(url)) fail(scope, field, `"${url}" is not an http(s) URL`);
  const secret = (parsed.username || parsed.password) ? 'a user name or password'
    : [...parsed.searchParams.keys()].find((k) => SECRET_PARAMETERS.test(k));
  if (secret) {
    const what = secret === 'a user name or password' ? secret : `the query parameter "${secret}"`;
    fail(scope, field, `the URL carries ${what}, which would be written into a ConfigMap: put the URL in the receivers Secret and name its key in urlSecretKey (or send a token with bearerTokenSecretKey)`);
  }
}

function validateSecretKey(scope: IConstruct, field: string, key: string): void {
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) fail(scope, field, `"${key}" is not a valid Secret key`);
}

/** Receiver names become file names and label values: keep them simple. */
export function validateReceiverName(scope: IConstruct, name: string): void {
  validateDnsLabel(scope, 'receivers.name', name);
}

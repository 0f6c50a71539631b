import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { validateNotificationTemplate } from '../common/go-template';
import { describeValue, expectOptional, expectType, validateUrlWithoutCredentials } from '../common/validation';

/** A Slack incoming webhook. */
export interface SlackIntegration {
  /** Channel, such as `#mlops-alerts`. */
  readonly channel: string;
  /** Key of the receivers Secret holding the webhook URL (mounted as a file, never in the ConfigMap). */
  readonly apiUrlSecretKey: string;
  /**
   * Message title (Go template).
   * @default '{{ .GroupLabels.alertname }} ({{ .Status }})'
   */
  readonly title?: string;
  /**
   * Message text (Go template).
   * @default - each alert's description
   */
  readonly text?: string;
  /**
   * Also notify when the alerts resolve.
   * @default true
   */
  readonly sendResolved?: boolean;
}

/** Email through an SMTP server. */
export interface EmailIntegration {
  /** Recipient address. */
  readonly to: string;
  /** Sender address (alertmanager.yml's `from`). */
  readonly fromAddress: string;
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
  /**
   * Refuse to send without STARTTLS.
   * @default true
   */
  readonly requireTls?: boolean;
  /**
   * Also notify when the alerts resolve.
   * @default true
   */
  readonly sendResolved?: boolean;
}

/** PagerDuty Events API v2. */
export interface PagerDutyIntegration {
  /** Key of the receivers Secret holding the integration's routing key. */
  readonly routingKeySecretKey: string;
  /**
   * PagerDuty severity (`critical`, `error`, `warning` or `info`), as a Go template: by default the alert's
   * own `severity` label.
   * @default '{{ .CommonLabels.severity }}'
   */
  readonly severity?: string;
  /**
   * Also notify when the alerts resolve.
   * @default true
   */
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
  /**
   * Also notify when the alerts resolve.
   * @default true
   */
  readonly sendResolved?: boolean;
}

/** A named receiver and its notification integrations (none: alerts are only shown in the UI). */
export interface Receiver {
  /** Receiver name, referenced by routes: any text, without control characters or spaces at its ends. */
  readonly name: string;
  /**
   * Slack notifications.
   * @default - none
   */
  readonly slack?: SlackIntegration[];
  /**
   * Email notifications.
   * @default - none
   */
  readonly email?: EmailIntegration[];
  /**
   * PagerDuty notifications.
   * @default - none
   */
  readonly pagerDuty?: PagerDutyIntegration[];
  /**
   * Webhook notifications.
   * @default - none
   */
  readonly webhook?: WebhookIntegration[];
}

/** Title of a Slack message, unless the integration sets one. */
export const DEFAULT_SLACK_TITLE = '{{ .GroupLabels.alertname }} ({{ .Status }})';
/** Text of a Slack message, unless the integration sets one: each alert's description. */
export const DEFAULT_SLACK_TEXT = '{{ range .Alerts }}{{ .Annotations.description }}\n{{ end }}';
/** PagerDuty severity, unless the integration sets one. */
export const DEFAULT_PAGERDUTY_SEVERITY = '{{ .CommonLabels.severity }}';

/**
 * Checks a receiver's integrations: each credential names a key of the receivers Secret, templates are
 * valid Go templates, webhook URLs carry no credential. Rendering is config-render.ts's.
 */
export function validateReceiver(scope: IConstruct, receiver: Receiver): void {
  const field = `receivers[${receiver.name}]`;
  for (const key of ['slack', 'email', 'pagerDuty', 'webhook'] as const) {
    expectOptional(scope, `${field}.${key}`, receiver[key], 'array');
    receiver[key]?.forEach((integration, i) => expectType(scope, `${field}.${key}[${i}]`, integration, 'object'));
  }
  const secretKey = (key: string | undefined, what: string): void => {
    if (!key) fail(scope, `${field}.${what}`, `no credential source (got ${JSON.stringify(key) ?? 'undefined'}): name the key of the receivers Secret that holds it`);
    validateSecretKey(scope, `${field}.${what}`, key);
  };
  const template = (text: string, what: string) => validateNotificationTemplate(scope, `${field}.${what}`, text);
  receiver.slack?.forEach((s) => {
    secretKey(s.apiUrlSecretKey, 'slack.apiUrlSecretKey');
    template(s.title ?? DEFAULT_SLACK_TITLE, 'slack.title');
    template(s.text ?? DEFAULT_SLACK_TEXT, 'slack.text');
  });
  receiver.email?.forEach((e) => {
    for (const [key, value] of [['to', e.to], ['fromAddress', e.fromAddress]] as const) {
      // Alertmanager takes a list of addresses (`a@x, b@y`), or a template that renders to them.
      if (typeof value !== 'string' || !/\S+@\S+|\{\{/.test(value)) fail(scope, `${field}.email.${key}`, `${describeValue(value)} is not an email address`);
    }
    validateSmarthost(scope, `${field}.email.smarthost`, e.smarthost);
    if (e.authUsername !== undefined && !e.authPasswordSecretKey) {
      fail(scope, `${field}.email.authPasswordSecretKey`, `authUsername "${e.authUsername}" is set but there is no password source (got ${JSON.stringify(e.authPasswordSecretKey) ?? 'undefined'}): name the key of the receivers Secret that holds it`);
    }
    if (e.authUsername) secretKey(e.authPasswordSecretKey, 'email.authPasswordSecretKey');
  });
  receiver.pagerDuty?.forEach((p) => {
    secretKey(p.routingKeySecretKey, 'pagerDuty.routingKeySecretKey');
    template(p.severity ?? DEFAULT_PAGERDUTY_SEVERITY, 'pagerDuty.severity');
  });
  receiver.webhook?.forEach((w) => {
    if ((w.url === undefined) === (w.urlSecretKey === undefined)) {
      fail(scope, `${field}.webhook`, 'give exactly one of url and urlSecretKey');
    }
    if (w.url !== undefined) validateUrlWithoutCredentials(scope, `${field}.webhook.url`, w.url, WEBHOOK_URL_HINT);
    else secretKey(w.urlSecretKey, 'webhook.urlSecretKey');
    if (w.bearerTokenSecretKey) secretKey(w.bearerTokenSecretKey, 'webhook.bearerTokenSecretKey');
  });
}

/** Whether one of the receiver's integrations reads a credential from the receivers Secret. */
export function readsSecret(receiver: Receiver): boolean {
  return !!receiver.slack?.length || !!receiver.pagerDuty?.length
    || !!receiver.email?.some((e) => e.authUsername)
    || !!receiver.webhook?.some((w) => w.url === undefined || w.bearerTokenSecretKey);
}

function validateSecretKey(scope: IConstruct, field: string, key: string): void {
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) fail(scope, field, `"${key}" is not a valid Secret key`);
}

/**
 * A receiver name: Alertmanager takes any string, and routes name it; one with spaces or control characters at
 * its ends, or none at all, is a typo that a route would not find.
 */
export function validateReceiverName(scope: IConstruct, name: string): void {
  expectType(scope, 'receivers.name', name, 'string');
  if (!/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u.test(name)) {
    fail(scope, 'receivers.name', `${JSON.stringify(name)} is not a valid receiver name (not empty, no control characters, no spaces at either end)`);
  }
}

/** Where the credential of a webhook URL goes instead of the ConfigMap. */
const WEBHOOK_URL_HINT = 'put the URL in the receivers Secret and name its key in urlSecretKey (or send a token with bearerTokenSecretKey)';

/** An SMTP server, `host:port`: Alertmanager dials it as written, and refuses one without a port. */
function validateSmarthost(scope: IConstruct, field: string, smarthost: string): void {
  const match = typeof smarthost === 'string' ? /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):(\d{1,5})$/.exec(smarthost) : null;
  if (!match || Number(match[3]) < 1 || Number(match[3]) > 65535) {
    fail(scope, field, `${describeValue(smarthost)} is not an SMTP server as host:port (e.g. smtp.example.com:587)`);
  }
}

/*
 * INTERNAL (not exported from the package): the subset of Alertmanager's configuration file format that the
 * stack writes, typed field by field, with the names of alertmanager.yml (snake_case). Credentials only ever
 * appear as `*_file` paths. The public model is camelCase (Route, InhibitRule, Receiver, ...);
 * config-render.ts is the one place that turns it into these types.
 */

export interface SlackConfigFile {
  /** Also notify when the alerts resolve. */
  readonly send_resolved: boolean;
  /** File holding the Slack webhook URL (a mounted Secret key). */
  readonly api_url_file: string;
  /** Slack channel. */
  readonly channel: string;
  /** Message title (Go template). */
  readonly title: string;
  /** Message text (Go template). */
  readonly text: string;
}

export interface EmailConfigFile {
  /** Also notify when the alerts resolve. */
  readonly send_resolved: boolean;
  /** Recipient address. */
  readonly to: string;
  /** Sender address. */
  readonly from: string;
  /** SMTP server, `host:port`. */
  readonly smarthost: string;
  /**
   * SMTP user name.
   * @default - no SMTP authentication
   */
  readonly auth_username?: string;
  /**
   * File holding the SMTP password (a mounted Secret key).
   * @default - no SMTP authentication
   */
  readonly auth_password_file?: string;
  /** Refuse to send without STARTTLS. */
  readonly require_tls: boolean;
}

export interface PagerDutyConfigFile {
  /** Also notify when the alerts resolve. */
  readonly send_resolved: boolean;
  /** File holding the PagerDuty routing key (a mounted Secret key). */
  readonly routing_key_file: string;
  /** PagerDuty severity (Go template). */
  readonly severity: string;
}

export interface WebhookConfigFile {
  /** Also notify when the alerts resolve. */
  readonly send_resolved: boolean;
  /**
   * URL the alerts are posted to.
   * @default - `url_file`
   */
  readonly url?: string;
  /**
   * File holding that URL (a mounted Secret key).
   * @default - `url`
   */
  readonly url_file?: string;
  /**
   * Bearer token read from a file (a mounted Secret key).
   * @default - no Authorization header
   */
  readonly http_config?: HttpConfigFile;
}

/** HTTP client settings of an integration. */
export interface HttpConfigFile {
  /** The Authorization header. */
  readonly authorization: AuthorizationFile;
}

/** An Authorization header whose credentials are read from a file. */
export interface AuthorizationFile {
  /** File holding the credentials (a mounted Secret key). */
  readonly credentials_file: string;
}

export interface ReceiverFile {
  /** Receiver name, referenced by routes. */
  readonly name: string;
  /**
   * Slack notifications.
   * @default - none
   */
  readonly slack_configs?: SlackConfigFile[];
  /**
   * Email notifications.
   * @default - none
   */
  readonly email_configs?: EmailConfigFile[];
  /**
   * PagerDuty notifications.
   * @default - none
   */
  readonly pagerduty_configs?: PagerDutyConfigFile[];
  /**
   * Webhook notifications.
   * @default - none
   */
  readonly webhook_configs?: WebhookConfigFile[];
}

export interface RouteFile {
  /** Receiver of the alerts this route matches. */
  readonly receiver: string;
  /**
   * Label matchers such as `severity="critical"`.
   * @default - matches every alert
   */
  readonly matchers?: string[];
  /**
   * Labels that group alerts into one notification.
   * @default - the parent route's
   */
  readonly group_by?: string[];
  /**
   * Wait before the first notification of a new group.
   * @default - the parent route's
   */
  readonly group_wait?: string;
  /**
   * Wait before notifying about alerts added to a group.
   * @default - the parent route's
   */
  readonly group_interval?: string;
  /**
   * Wait before repeating a notification.
   * @default - the parent route's
   */
  readonly repeat_interval?: string;
  /**
   * Keep matching the following sibling routes.
   * @default false
   */
  readonly continue?: boolean;
  /**
   * Child routes, tried in order.
   * @default - none
   */
  readonly routes?: RouteFile[];
}

export interface InhibitRuleFile {
  /** Matchers of the alerts that mute. */
  readonly source_matchers: string[];
  /** Matchers of the alerts that are muted. */
  readonly target_matchers: string[];
  /** Labels that must be equal in source and target. */
  readonly equal: string[];
}

/** Global settings. */
export interface GlobalConfigFile {
  /** How long an alert that is no longer updated stays firing. */
  readonly resolve_timeout: string;
}

export interface AlertmanagerConfigFile {
  /** Global settings. */
  readonly global: GlobalConfigFile;
  /** The root route. */
  readonly route: RouteFile;
  /** Inhibit rules. */
  readonly inhibit_rules: InhibitRuleFile[];
  /** Receivers. */
  readonly receivers: ReceiverFile[];
}

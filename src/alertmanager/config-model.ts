/*
 * The subset of Alertmanager's configuration file format that the stack writes, typed field by field,
 * with the names of alertmanager.yml (snake_case). Credentials only ever appear as `*_file` paths.
 */

export interface SlackConfigFile {
  readonly send_resolved: boolean;
  readonly api_url_file: string;
  readonly channel: string;
  readonly title: string;
  readonly text: string;
}

export interface EmailConfigFile {
  readonly send_resolved: boolean;
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly auth_username?: string;
  readonly auth_password_file?: string;
  readonly require_tls: boolean;
}

export interface PagerDutyConfigFile {
  readonly send_resolved: boolean;
  readonly routing_key_file: string;
  readonly severity: string;
}

export interface WebhookConfigFile {
  readonly send_resolved: boolean;
  readonly url: string;
  readonly http_config?: { readonly authorization: { readonly credentials_file: string } };
}

export interface ReceiverFile {
  readonly name: string;
  readonly slack_configs?: SlackConfigFile[];
  readonly email_configs?: EmailConfigFile[];
  readonly pagerduty_configs?: PagerDutyConfigFile[];
  readonly webhook_configs?: WebhookConfigFile[];
}

export interface RouteFile {
  readonly receiver: string;
  readonly matchers?: string[];
  readonly group_by?: string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: RouteFile[];
}

export interface InhibitRuleFile {
  readonly source_matchers: string[];
  readonly target_matchers: string[];
  readonly equal: string[];
}

export interface AlertmanagerConfigFile {
  readonly global: { readonly resolve_timeout: string };
  readonly route: RouteFile;
  readonly inhibit_rules: InhibitRuleFile[];
  readonly receivers: ReceiverFile[];
}

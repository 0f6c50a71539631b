/*
 * The one place where the camelCase model of Alertmanager's configuration becomes alertmanager.yml's
 * snake_case (config-model.ts, internal). Everything here is pure: the values are validated before
 * (AlertRouter, receivers.ts, matchers.ts).
 */
import { toYaml } from '../common/serialize';
import {
  AlertmanagerConfigFile, EmailConfigFile, InhibitRuleFile, PagerDutyConfigFile, ReceiverFile, RouteFile,
  SlackConfigFile, WebhookConfigFile,
} from './config-model';
import { LabelMatcher, MatchOperator } from './matchers';
import { DEFAULT_PAGERDUTY_SEVERITY, DEFAULT_SLACK_TEXT, DEFAULT_SLACK_TITLE, Receiver } from './receivers';

/** A route as AlertRouter resolved it (its matchers merged and validated), before rendering. */
export interface ResolvedRoute {
  readonly receiver: string;
  /** Written only when not empty. */
  readonly matchers?: LabelMatcher[];
  readonly groupBy?: string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  /** Written only when true. */
  readonly continueMatching?: boolean;
  readonly routes?: ResolvedRoute[];
}

/** An inhibit rule with its matchers merged and validated. */
export interface ResolvedInhibitRule {
  readonly sourceMatchers: LabelMatcher[];
  readonly targetMatchers: LabelMatcher[];
  readonly equal: string[];
}

/** The whole of alertmanager.yml, camelCase and validated. */
export interface ResolvedAlertmanagerConfig {
  readonly resolveTimeout: string;
  readonly route: ResolvedRoute;
  readonly inhibitRules: ResolvedInhibitRule[];
  /** Validated receivers; their credentials are read from files under `secretsDir`. */
  readonly receivers: Receiver[];
  /** Folder where the receivers Secret is mounted. */
  readonly secretsDir: string;
}

/** alertmanager.yml, as the ConfigMap holds it. */
export function alertmanagerYml(config: ResolvedAlertmanagerConfig): string {
  return toYaml(renderAlertmanagerConfig(config));
}

/** The snake_case model of alertmanager.yml. */
export function renderAlertmanagerConfig(config: ResolvedAlertmanagerConfig): AlertmanagerConfigFile {
  return {
    global: { resolve_timeout: config.resolveTimeout },
    route: renderRoute(config.route),
    inhibit_rules: config.inhibitRules.map(renderInhibitRule),
    receivers: config.receivers.map((r) => renderReceiver(r, config.secretsDir)),
  };
}

/** The matcher as alertmanager.yml writes it: `team=~"ml|data"`. */
export function renderMatcher(m: LabelMatcher): string {
  return `${m.label}${m.operator ?? MatchOperator.EQUAL}${JSON.stringify(m.value)}`;
}

export function renderRoute(route: ResolvedRoute): RouteFile {
  return {
    receiver: route.receiver,
    ...(route.matchers?.length ? { matchers: route.matchers.map(renderMatcher) } : {}),
    ...(route.groupBy !== undefined ? { group_by: route.groupBy } : {}),
    ...(route.groupWait !== undefined ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval !== undefined ? { group_interval: route.groupInterval } : {}),
    ...(route.continueMatching ? { continue: true } : {}),
    ...(route.repeatInterval !== undefined ? { repeat_interval: route.repeatInterval } : {}),
    ...(route.routes !== undefined ? { routes: route.routes.map(renderRoute) } : {}),
  };
}

export function renderInhibitRule(rule: ResolvedInhibitRule): InhibitRuleFile {
  return {
    source_matchers: rule.sourceMatchers.map(renderMatcher),
    target_matchers: rule.targetMatchers.map(renderMatcher),
    equal: rule.equal,
  };
}

/** Renders a (validated) receiver; every credential becomes a file path under `secretsDir`. */
export function renderReceiver(receiver: Receiver, secretsDir: string): ReceiverFile {
  const secretFile = (key: string | undefined): string => `${secretsDir}/${key}`;
  const slack = receiver.slack?.map((s): SlackConfigFile => ({
    send_resolved: s.sendResolved ?? true,
    api_url_file: secretFile(s.apiUrlSecretKey),
    channel: s.channel,
    title: s.title ?? DEFAULT_SLACK_TITLE,
    text: s.text ?? DEFAULT_SLACK_TEXT,
  }));
  const email = receiver.email?.map((e): EmailConfigFile => ({
    send_resolved: e.sendResolved ?? true,
    to: e.to,
    from: e.fromAddress,
    smarthost: e.smarthost,
    ...(e.authUsername ? { auth_username: e.authUsername, auth_password_file: secretFile(e.authPasswordSecretKey) } : {}),
    require_tls: e.requireTls ?? true,
  }));
  const pagerDuty = receiver.pagerDuty?.map((p): PagerDutyConfigFile => ({
    send_resolved: p.sendResolved ?? true,
    routing_key_file: secretFile(p.routingKeySecretKey),
    severity: p.severity ?? DEFAULT_PAGERDUTY_SEVERITY,
  }));
  const webhook = receiver.webhook?.map((w): WebhookConfigFile => ({
    send_resolved: w.sendResolved ?? true,
    ...(w.url !== undefined ? { url: w.url } : { url_file: secretFile(w.urlSecretKey) }),
    ...(w.bearerTokenSecretKey ? { http_config: { authorization: { credentials_file: secretFile(w.bearerTokenSecretKey) } } } : {}),
  }));
  return {
    name: receiver.name,
    ...(slack?.length ? { slack_configs: slack } : {}),
    ...(email?.length ? { email_configs: email } : {}),
    ...(pagerDuty?.length ? { pagerduty_configs: pagerDuty } : {}),
    ...(webhook?.length ? { webhook_configs: webhook } : {}),
  };
}

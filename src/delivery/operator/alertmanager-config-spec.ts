import {
  AlertmanagerConfigSpec, AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType, AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType,
  AlertmanagerConfigSpecReceivers,
  AlertmanagerConfigSpecRouteMatchersMatchType,
} from '../../../imports/alertmanagerconfigs-monitoring.coreos.com';
import { Route } from '../../alertmanager/alert-router';
import { ResolvedInhibitRule } from '../../alertmanager/config-render';
import { LabelMatcher, MatchOperator, toMatchers } from '../../alertmanager/matchers';
import { DEFAULT_PAGERDUTY_SEVERITY, DEFAULT_SLACK_TEXT, DEFAULT_SLACK_TITLE, Receiver } from '../../alertmanager/receivers';

/** The receiver an application's AlertmanagerConfig routes unmatched alerts to: no integration. */
export const UNROUTED_RECEIVER = 'unrouted';

/** What an AlertmanagerConfig is made of: the application's receivers, routes and inhibit rules. */
export interface AlertmanagerConfigContent {
  readonly receivers: Receiver[];
  readonly routes: Route[];
  readonly inhibitRules: ResolvedInhibitRule[];
  /** Secret (in the AlertmanagerConfig's namespace) whose keys the receivers' `*SecretKey` fields name. */
  readonly secretName: string;
}

/**
 * The `monitoring.coreos.com/v1alpha1` AlertmanagerConfig spec: credentials as SecretKeySelectors on
 * `secretName`, never inline. Its top route sends to a receiver without integrations; the Operator makes it
 * `continue`, so the alerts still reach the Alertmanager's own routes as well.
 */
export function alertmanagerConfigSpec(content: AlertmanagerConfigContent): AlertmanagerConfigSpec {
  const secret = (key: string) => ({ name: content.secretName, key });
  const receivers: AlertmanagerConfigSpecReceivers[] = [{ name: UNROUTED_RECEIVER }, ...content.receivers.map((r) => ({
    name: r.name,
    ...(r.slack?.length ? {
      slackConfigs: r.slack.map((s) => ({
        apiUrl: secret(s.apiUrlSecretKey), channel: s.channel, title: s.title ?? DEFAULT_SLACK_TITLE, text: s.text ?? DEFAULT_SLACK_TEXT, sendResolved: s.sendResolved ?? true,
      })),
    } : {}),
    ...(r.email?.length ? {
      emailConfigs: r.email.map((e) => ({
        to: e.to, from: e.fromAddress, smarthost: e.smarthost, requireTls: e.requireTls ?? true, sendResolved: e.sendResolved ?? true,
        ...(e.authUsername ? { authUsername: e.authUsername, authPassword: secret(e.authPasswordSecretKey!) } : {}),
      })),
    } : {}),
    ...(r.pagerDuty?.length ? {
      pagerdutyConfigs: r.pagerDuty.map((p) => ({ routingKey: secret(p.routingKeySecretKey), severity: p.severity ?? DEFAULT_PAGERDUTY_SEVERITY, sendResolved: p.sendResolved ?? true })),
    } : {}),
    ...(r.webhook?.length ? {
      webhookConfigs: r.webhook.map((w) => ({
        ...(w.url !== undefined ? { url: w.url } : { urlSecret: secret(w.urlSecretKey!) }),
        ...(w.bearerTokenSecretKey ? { httpConfig: { authorization: { type: 'Bearer', credentials: secret(w.bearerTokenSecretKey) } } } : {}),
        sendResolved: w.sendResolved ?? true,
      })),
    } : {}),
  }))];
  return {
    route: {
      receiver: UNROUTED_RECEIVER,
      ...(content.routes.length ? {
        routes: content.routes.map((route) => ({
          receiver: route.receiver,
          matchers: matchersOf(toMatchers(route.match, route.matchers), AlertmanagerConfigSpecRouteMatchersMatchType),
          ...(route.continueMatching ? { continue: true } : {}),
          ...(route.repeatInterval ? { repeatInterval: route.repeatInterval } : {}),
        })),
      } : {}),
    },
    receivers,
    ...(content.inhibitRules.length ? {
      inhibitRules: content.inhibitRules.map((rule) => ({
        sourceMatch: matchersOf(rule.sourceMatchers, AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType),
        targetMatch: matchersOf(rule.targetMatchers, AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType),
        equal: [...rule.equal],
      })),
    } : {}),
  };
}

/** Matchers as the AlertmanagerConfig writes them: `{ name, value, matchType }`, whose values are the operators'. */
function matchersOf<T extends string>(matchers: LabelMatcher[], matchType: Record<string, T>): { name: string; value: string; matchType: T }[] {
  const types = Object.values(matchType);
  return matchers.map((m) => ({ name: m.label, value: m.value, matchType: types.find((t) => t === (m.operator ?? MatchOperator.EQUAL))! }));
}

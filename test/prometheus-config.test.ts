import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { alertmanagerConfig, amtoolCheckConfig, synthesizedAlertmanagerYml } from './support/alertmanager';
import { expectSuccess, RuleFile, synthesizedRuleFiles, withTempDir } from './support/promtool';
import { configMapData, synthStack } from './support/synth';
import { requireBinary, run, withLocalFiles, writeRuleFiles } from './support/tools';
import { Receiver } from '../src';

describe('promtool check config', () => {
  const { objects } = synthStack();
  const prometheusYml = configMapData(objects, 'prometheus-config')['prometheus.yml'];

  /** `promtool check config` on `yml`, with the synthesized rule files and files for the credentials. */
  function checkConfig(yml: string) {
    const promtool = requireBinary('promtool');
    return withTempDir('check-config', (dir) => {
      // Rules in a subfolder, so the rule glob cannot match prometheus.yml itself.
      const rulesDir = path.join(dir, 'rules');
      writeRuleFiles(synthesizedRuleFiles(objects), rulesDir);
      const configFile = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(configFile, withLocalFiles(yml, dir, rulesDir));
      return run(promtool, ['check', 'config', configFile]);
    });
  }

  test('the synthesized prometheus.yml, with the synthesized rule files, passes', () => {
    const result = checkConfig(prometheusYml);
    expectSuccess(result, 'promtool check config');
    // promtool also loaded and checked every rule file through rule_files, each with all its rules.
    for (const [file, content] of Object.entries(synthesizedRuleFiles(objects))) {
      const rules = (parse(content) as RuleFile).groups.reduce((n, g) => n + g.rules.length, 0);
      expect(result.output).toMatch(new RegExp(`rules/${file.replace(/\./g, '\\.')}\\s+SUCCESS: ${rules} rules found`));
    }
  });

  test('its Kubernetes service discovery is checked too: promtool rejects an unknown role', () => {
    expect(prometheusYml).toContain('- role: endpointslice');
    const result = checkConfig(prometheusYml.replace('- role: endpointslice', '- role: endpointslices'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('unknown Kubernetes SD role "endpointslices"');
  });
});

describe('amtool check-config', () => {
  test('the default alertmanager.yml passes', () => {
    expectSuccess(amtoolCheckConfig(synthesizedAlertmanagerYml(synthStack().objects)), 'amtool check-config');
  });

  const SECRETS_DIR = '/etc/alertmanager/secrets';
  const receivers: Receiver[] = [
    { name: 'default', webhook: [{ url: 'https://hooks.example.com/alerts', bearerTokenSecretKey: 'webhook-token' }, { urlSecretKey: 'heartbeat-url' }] },
    { name: 'critical', slack: [{ channel: '#mlops-alerts', apiUrlSecretKey: 'slack-webhook-url' }], pagerDuty: [{ routingKeySecretKey: 'pagerduty-routing-key' }] },
    { name: 'warning', email: [{ to: 'oncall@example.com', fromAddress: 'alertmanager@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alertmanager', authPasswordSecretKey: 'smtp-password' }] },
  ];
  const typed = synthStack({ alertmanager: { receivers } }).objects;

  test('typed receivers (slack, email with auth, pagerduty, webhook with bearer token, webhook URL from the Secret) pass', () => {
    expectSuccess(amtoolCheckConfig(synthesizedAlertmanagerYml(typed)), 'amtool check-config (typed receivers)');
  });

  test('their credentials appear only as *_file paths into the mounted Secret', () => {
    const config = alertmanagerConfig(typed);
    const byName = Object.fromEntries(config.receivers.map((r) => [r.name, r]));
    expect(byName.critical.slack_configs?.[0].api_url_file).toBe(`${SECRETS_DIR}/slack-webhook-url`);
    expect(byName.critical.pagerduty_configs?.[0].routing_key_file).toBe(`${SECRETS_DIR}/pagerduty-routing-key`);
    expect(byName.warning.email_configs?.[0].auth_password_file).toBe(`${SECRETS_DIR}/smtp-password`);
    expect(byName.default.webhook_configs?.[0].http_config?.authorization.credentials_file).toBe(`${SECRETS_DIR}/webhook-token`);
    expect(byName.default.webhook_configs?.[1].url_file).toBe(`${SECRETS_DIR}/heartbeat-url`);

    // No inline credential field anywhere: every key naming a credential ends in _file.
    const credentialKeys: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (/api_url|password|routing_key|service_key|credentials|bearer_token|token|secret/.test(key)) credentialKeys.push(key);
          walk(child);
        }
      }
    };
    walk(config);
    expect(credentialKeys.sort()).toEqual(['api_url_file', 'auth_password_file', 'credentials_file', 'routing_key_file']);
  });
});

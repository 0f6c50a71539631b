import * as fs from 'fs';
import * as path from 'path';
import { Versions } from '../src/common/versions';
import { requireBinary, ToolName } from './support/tools';

// The default images take their versions from src/common/versions.ts; tools/install.sh builds the test tools
// from the go.mod files under tools/. These tests keep the two the same.

const TOOLS = path.join(__dirname, '..', 'tools');

/** The version of `module` that tools/<wrapper>/go.mod requires. */
function required(wrapper: string, module: string): string | undefined {
  const goMod = fs.readFileSync(path.join(TOOLS, wrapper, 'go.mod'), 'utf8');
  return new RegExp(`^\\s*(?:require\\s+)?${module.replace(/\./g, '\\.')}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
}

/** Prometheus 3.MM.P is published as Go module v0.3MM.P. */
function prometheusModuleVersion(release: string): string {
  const [major, minor, patch] = release.split('.');
  return `v0.${major}${minor.padStart(2, '0')}.${patch}`;
}

test('tools/prometheus/go.mod builds the Prometheus the library deploys', () => {
  expect(prometheusModuleVersion('3.13.5')).toBe('v0.313.5');
  expect(required('prometheus', 'github.com/prometheus/prometheus')).toBe(prometheusModuleVersion(Versions.PROMETHEUS));
});

test('tools/alertmanager/go.mod builds the Alertmanager the library deploys', () => {
  expect(required('alertmanager', 'github.com/prometheus/alertmanager')).toBe(`v${Versions.ALERTMANAGER}`);
});

test.each<ToolName>(['promtool', 'prometheus', 'amtool', 'alertmanager'])('%s is built at that version', (name) => {
  // requireBinary runs `<name> --version` and fails on any other version.
  expect(fs.existsSync(requireBinary(name))).toBe(true);
});

import { canonicalQuantity } from '../src/common/quantity';
import { find, synthStack } from './support/synth';

// What the API server stores in a resource list, quirks included (kube-apiserver.test.ts checks the same
// function against a real API server): rounded up to millis, and a string kept as written when it looks canonical.
test.each([
  ['1000m', '1'], ['1500m', '1500m'], ['250m', '250m'], ['0.5', '500m'], ['2.5', '2500m'], ['.5', '500m'],
  ['0.1m', '1m'], ['1n', '1m'], ['1.5e-3', '2e-3'], ['1e3', '1e3'], ['5.', '5.'], ['+1', '+1'], ['01', '01'], ['1.000', '1'], ['12e2', '1200'], ['1000k', '1M'], ['1.5G', '1500M'],
  ['2048Mi', '2Gi'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['10240Mi', '10Gi'], ['0.5Gi', '512Mi'], ['1.5Gi', '1536Mi'],
  ['1048576Ki', '1Gi'], ['1Ki', '1Ki'], ['0.5Ki', '512'], ['1023Ki', '1023Ki'], ['0', '0'], ['0Mi', '0'], ['0m', '0'],
])('%s is stored as %s', (written, stored) => {
  expect(canonicalQuantity(written)).toBe(stored);
});

test('a string that is not a quantity throws', () => {
  expect(() => canonicalQuantity('1.5 Gi')).toThrow(/not a Kubernetes quantity/);
});

test('container resources and PVC sizes come out canonical', () => {
  const { objects } = synthStack({
    prometheus: {
      resources: { cpuRequestMillis: 500, cpuLimitMillis: 2000, memoryRequestMebibytes: 1024, memoryLimitMebibytes: 1536 },
      persistence: { size: '51200Mi' },
    },
  });
  const container = find(objects, 'Deployment', 'prometheus').spec.template.spec.containers[0];
  expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '1536Mi' } });
  expect(find(objects, 'PersistentVolumeClaim', 'prometheus-data').spec.resources.requests.storage).toBe('50Gi');
});

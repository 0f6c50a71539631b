import { synthStack } from './support/synth';

test('the default stack renders the ten files', () => {
  const { files } = synthStack();
  expect([...files.keys()]).toHaveLength(10);
});

// Jest test sequencer: the real-cluster suite first, then jest's own order (slowest first from its cache,
// else the largest file first). That suite mostly waits (a 20-minute soak, alerts' `for` durations), so with two
// workers the others run beside it instead of after it.
const Sequencer = require('@jest/test-sequencer').default;

class ClusterFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = (test) => (test.path.endsWith('/test/cluster.test.ts') ? 0 : 1);
    return [...sorted].sort((a, b) => first(a) - first(b));
  }
}

module.exports = ClusterFirstSequencer;

// Jest test sequencer: the real-cluster suite first, then jest's own order (slowest first from its cache,
// else the largest file first), and the Prometheus Operator's cluster suite last. The first mostly waits (a
// 20-minute soak, alerts' `for` durations), so with two workers the others run beside it instead of after it.
// Both use the one cluster (a fixed network namespace): the last one, once the other worker has run everything
// else, attaches to the cluster the first started (RealCluster.start), and the last to finish stops it.
const Sequencer = require('@jest/test-sequencer').default;

const RANK = { '/test/cluster.test.ts': 0, '/test/operator-cluster.test.ts': 2 };

class ClusterFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => Object.entries(RANK).find(([suffix]) => test.path.endsWith(suffix))?.[1] ?? 1;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = ClusterFirstSequencer;

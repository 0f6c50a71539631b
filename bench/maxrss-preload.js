// Fallback peak-memory probe for bench/run.js when GNU time (/usr/bin/time, Debian package `time`) is missing:
// loaded into every Node.js process of a run through NODE_OPTIONS=--require, it appends this process's peak
// RSS (KB) and CPU seconds (user, system) to $BENCH_RSS_FILE at exit. run.js takes the largest RSS of a run
// (as GNU time's %M does) and the sum of the CPU times.
'use strict';
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      require('fs').appendFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
    } catch {
      // never break the measured program
    }
  });
}

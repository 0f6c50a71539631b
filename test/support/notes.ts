/**
 * Informational lines a suite may report (timings, counts, the property-test seed): printed only with
 * TEST_NOTES=1, and then as plain `note:` lines, not as Jest console blocks. A normal run's output holds
 * results and failures only; what a failure needs to be understood belongs in its error message.
 */
export function note(message: string): void {
  if (process.env.TEST_NOTES === '1') process.stdout.write(`note: ${message}\n`);
}

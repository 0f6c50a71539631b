import * as fc from 'fast-check';
import { carelessProps } from './support/careless-props';
import { synthOutcome } from './support/differential';

test('synth only', () => {
  let refused = 0; let n = 0;
  fc.assert(fc.property(carelessProps, (props) => { n++; if (synthOutcome(props).kind === 'refused') refused++; }), { seed: Number(process.env.S ?? 1), numRuns: Number(process.env.N ?? 2000), endOnFailure: true });
  console.log(`${n} cases, ${refused} refused`);
}, 600000);

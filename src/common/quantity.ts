// How the API server stores a Kubernetes quantity of a resource list (container requests and limits, a PVC's
// requested storage), after apimachinery's resource.ParseQuantity, the core/v1 defaulting of resource lists
// (rounded up to millis) and Quantity.String(). A manifest that spells a quantity differently never matches
// the live object, so `kubectl apply` reports it `configured` on every run: `1000m` is stored as `1`,
// `2048Mi` as `2Gi`, `0.5` as `500m`. kube-apiserver.test.ts compares this with a real API server.

// The grammar of apimachinery's parser (and of validateQuantity), non-negative.
const QUANTITY = /^\+?(\d*)(?:\.(\d*))?(?:([KMGTPE]i)|([numkMGTPE])|[eE]([-+]?\d+))?$/;
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIXES: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const MAX_INT64 = 2n ** 63n - 1n;
const NANO = -9;
const MILLI = -3;

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** value = mantissa × 10^scale */
interface Amount {
  readonly mantissa: bigint;
  readonly scale: number;
}

/**
 * The string the API server stores for `quantity` in a resource list. As apimachinery does:
 * - the value keeps nano precision at parsing, then resource lists round it up to millis (`1n` → `1m`);
 * - a string already in canonical form is kept as written (so are the quirks it allows, such as `5.`);
 * - otherwise binary quantities (`Ki` ... `Ei`) of at least 1Ki that are whole numbers take the largest binary
 *   suffix that keeps the number whole (`2048Mi` → `2Gi`, `1536Mi` stays), smaller or fractional ones become
 *   decimal (`0.5Ki` → `512`); decimal quantities take the largest suffix among `n u m "" k M G T P E` that keeps
 *   the number whole (`1000m` → `1`, `0.5` → `500m`, `1500m` stays), and those written with an exponent keep one
 *   (`1.5e-3` → `2e-3`, `12e2` → `1200`).
 * Throws on a string that is not a non-negative quantity (callers validate user input first).
 */
export function canonicalQuantity(quantity: string): string {
  const match = QUANTITY.exec(quantity);
  if (!match || !/\d/.test(`${match[1]}${match[2] ?? ''}`)) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
  if (quantity === '0') return '0';
  const [, whole, fraction, binary, decimal, exponentText] = match;
  const num = whole.replace(/^0+/, '') || '0';
  const denom = fraction ?? '';
  const format: Format = binary ? 'BinarySI' : exponentText !== undefined ? 'DecimalExponent' : 'DecimalSI';
  const exponent = binary ? 10 * BINARY_SUFFIXES.indexOf(binary) : exponentText !== undefined ? Number(exponentText) : DECIMAL_EXPONENTS[decimal ?? ''] ?? 0;

  // The parser's fast path: small enough for an int64, and the string is reused when it looks canonical.
  const precision = format === 'BinarySI'
    ? (denom.length === 0 ? 15 - num.length - Math.trunc(exponent * 3 / 10) - 1 : -1)
    : 18 - (num.length + denom.length);
  if (precision >= 0) {
    const scale = (format === 'BinarySI' ? 0 : exponent) - denom.length;
    const shifted = num + denom;
    const value = BigInt(shifted);
    const result = format === 'BinarySI' ? value << BigInt(exponent) : value;
    if (scale >= NANO && result <= MAX_INT64) {
      const looksCanonical = format === 'BinarySI'
        ? (value & 7n) !== 0n
        : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
      // Resource lists round up to millis; a value already that coarse keeps its string.
      if (scale >= MILLI) return looksCanonical ? quantity : canonicalize({ mantissa: result, scale }, format);
      return canonicalize(roundUp({ mantissa: result, scale }, MILLI), format);
    }
  }

  // The slow path: an exact decimal, rounded up to nano precision, binary values capped at the int64 maximum.
  let amount: Amount = { mantissa: BigInt(`${whole}${fraction ?? ''}` || '0'), scale: -(fraction ?? '').length };
  amount = format === 'BinarySI'
    ? { mantissa: amount.mantissa * 2n ** BigInt(exponent), scale: amount.scale }
    : { mantissa: amount.mantissa, scale: amount.scale + exponent };
  if (amount.mantissa !== 0n) amount = roundUp(amount, NANO);
  let slowFormat = format;
  if (format === 'BinarySI') {
    if (compare(amount, { mantissa: MAX_INT64, scale: 0 }) > 0) amount = { mantissa: MAX_INT64, scale: 0 };
    if (amount.mantissa !== 0n && compare(amount, { mantissa: 1n, scale: 0 }) < 0) slowFormat = 'DecimalSI';
  }
  return canonicalize(roundUp(amount, MILLI), slowFormat);
}

/** Quantity.CanonicalizeBytes: the number and suffix for an amount in a format. */
function canonicalize(amount: Amount, format: Format): string {
  if (amount.mantissa === 0n) return '0';
  if (format === 'BinarySI') {
    const whole = roundUp(amount, 0);
    if (compare(amount, { mantissa: 1024n, scale: 0 }) >= 0 && compare(whole, amount) === 0) {
      let value = whole.mantissa * 10n ** BigInt(whole.scale);
      let power = 0;
      while (value >= 1024n && value % 1024n === 0n) {
        value /= 1024n;
        power++;
      }
      return `${value}${BINARY_SUFFIXES[power] ?? ''}`;
    }
    format = 'DecimalSI';
  }
  let { mantissa, scale } = amount;
  while (mantissa >= 10n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale++;
  }
  // The largest multiple of 3 not above the exponent: the number stays whole.
  const power = Math.floor(scale / 3) * 3;
  mantissa *= 10n ** BigInt(scale - power);
  if (format === 'DecimalExponent') return power === 0 ? `${mantissa}` : `${mantissa}e${power}`;
  // apimachinery writes no suffix beyond E (10^18) or below n: so do we.
  return `${mantissa}${DECIMAL_SUFFIXES[power] ?? ''}`;
}

/** The amount at `scale` or coarser, rounded up (away from zero) when digits finer than `scale` are dropped. */
function roundUp(amount: Amount, scale: number): Amount {
  if (amount.scale >= scale) return amount;
  const divisor = 10n ** BigInt(scale - amount.scale);
  return { mantissa: (amount.mantissa + divisor - 1n) / divisor, scale };
}

function compare(a: Amount, b: Amount): number {
  const scale = Math.min(a.scale, b.scale);
  const x = a.mantissa * 10n ** BigInt(a.scale - scale);
  const y = b.mantissa * 10n ** BigInt(b.scale - scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

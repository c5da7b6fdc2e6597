// Hostile NATS payloads for the fuzz test: random bytes, truncated and wrong-typed requests, deep and huge JSON.

/** A small seeded PRNG (mulberry32): a failing run can be replayed with the seed it printed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -0.5,
  '',
  'x',
  '\u0000\u001b[2J',
  [],
  {},
  [[[]]],
  { __proto__: { polluted: 1 } },
  'a'.repeat(5_000),
  2 ** 53 + 1,
];

export type Kind = 'bytes' | 'truncated' | 'wrong-typed' | 'primitive' | 'deep' | 'huge' | 'random-object';
export const KINDS: Kind[] = ['bytes', 'truncated', 'wrong-typed', 'primitive', 'deep', 'huge', 'random-object'];

export function hostilePayload(kind: Kind, template: Record<string, unknown>, rnd: () => number): Uint8Array | string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  switch (kind) {
    case 'bytes':
      return Uint8Array.from({ length: Math.floor(rnd() * 2_000) }, () => Math.floor(rnd() * 256));
    case 'truncated': {
      const text = JSON.stringify(template);
      return text.slice(0, Math.floor(rnd() * (text.length - 1)));
    }
    case 'wrong-typed': {
      const keys = Object.keys(template);
      const copy: Record<string, unknown> = { ...template };
      copy[keys.length > 0 && rnd() < 0.8 ? pick(keys) : `extra${Math.floor(rnd() * 9)}`] = pick(ODD_VALUES);
      return JSON.stringify(copy);
    }
    case 'primitive':
      return JSON.stringify(pick(ODD_VALUES));
    case 'deep': {
      const depth = 1_000 + Math.floor(rnd() * 20_000);
      return rnd() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    }
    case 'huge':
      // Under nats-server's 1 MB max_payload, so it reaches the subscriber.
      return JSON.stringify({ ...template, filler: 'x'.repeat(100_000 + Math.floor(rnd() * 800_000)) });
    case 'random-object': {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(rnd() * 6); i++)
        o[pick(['id', 'event', 'type', 'environment', 'services', 'name', 'value', 'tail', 'at', String(i)])] =
          pick(ODD_VALUES);
      return JSON.stringify(o);
    }
  }
}

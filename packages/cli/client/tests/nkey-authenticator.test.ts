// The native nkey authenticator answers exactly as the NATS client's own: same public key, same (deterministic) signature.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nkeyAuthenticator, nkeys } from '@nats-io/nats-core';
import { nativeNkeyAuthenticator } from '../nkey-authenticator.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('public key and signature equal nats-core nkeyAuthenticator for fresh user seeds', () => {
  for (let i = 0; i < 5; i++) {
    const seed = text(nkeys.createUser().getSeed());
    const nonce = `nonce-${i}-${Math.random()}`;
    const ours = nativeNkeyAuthenticator(seed)(nonce);
    const theirs = nkeyAuthenticator(new TextEncoder().encode(seed))(nonce);
    assert.equal(ours, theirs);
  }
});

test('the signature verifies against the public key it names', () => {
  const seed = text(nkeys.createUser().getSeed());
  const auth = nativeNkeyAuthenticator(seed);
  const { nkey, sig } = auth('abc') as { nkey: string; sig: string };
  const ok = nkeys.fromPublic(nkey).verify(new TextEncoder().encode('abc'), nkeys.decode(sig));
  assert.ok(ok);
  // A second nonce reuses the derived key and still signs its own nonce.
  const second = auth('xyz') as { nkey: string; sig: string };
  assert.is(second.nkey, nkey);
  assert.ok(nkeys.fromPublic(nkey).verify(new TextEncoder().encode('xyz'), nkeys.decode(second.sig)));
});

test('without a nonce there is nothing to sign', () => {
  const seed = text(nkeys.createUser().getSeed());
  assert.is((nativeNkeyAuthenticator(seed)() as { sig: string }).sig, '');
});

test('a seed with a broken checksum is refused', () => {
  const seed = text(nkeys.createUser().getSeed());
  const broken = `${seed.slice(0, -2)}${seed.endsWith('AA') ? 'BB' : 'AA'}`;
  assert.throws(() => nativeNkeyAuthenticator(broken)('n'));
});

test.run();

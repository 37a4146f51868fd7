import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, signToken, type AuthConfig } from './auth.js';

const auth: AuthConfig & { secret: string } = { secret: 's'.repeat(32), issuer: 'orderflow', audience: 'orderflow-api' };
const otherKey = { ...auth, secret: 't'.repeat(32) };

function clock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const rejection = { status: 401, code: 'unauthorized' };

describe('createTokenVerifier', () => {
  it('takes a verified token on trust for a minute at most, then verifies it again', async () => {
    const time = clock();
    const verify = createTokenVerifier(auth, time.now);
    const token = await signToken(auth, { sub: 'c-1', role: 'customer' }, '1h');
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 'c-1', role: 'customer' });
    time.advance(59_000);
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 'c-1', role: 'customer' });
    // Verified again after the minute: a token signed by another key (say, after rotation) would fail now.
    time.advance(2_000);
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 'c-1', role: 'customer' });
    const rotated = createTokenVerifier(otherKey, time.now);
    await expect(rotated(`Bearer ${token}`)).rejects.toMatchObject(rejection);
  });

  it('stops trusting a token at its own expiry, even within the minute', async () => {
    const time = clock(Math.floor(Date.now() / 1000) * 1000);
    const verify = createTokenVerifier(auth, time.now);
    const exp = Math.floor(time.now() / 1000) + 10;
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a-1')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(auth.secret));
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 'a-1', role: 'admin' });
    time.advance(9_000);
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 'a-1', role: 'admin' });
    time.advance(1_000);
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject(rejection);
  });

  it('never remembers a failure: a forged token stays refused, the real one is accepted', async () => {
    const verify = createTokenVerifier(auth);
    const real = await signToken(auth, { sub: 'c-1', role: 'customer' });
    const forged = await signToken(otherKey, { sub: 'c-1', role: 'customer' });
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject(rejection);
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject(rejection);
    expect(await verify(`Bearer ${real}`)).toEqual({ sub: 'c-1', role: 'customer' });
    // A token is trusted by its exact bytes only: the same claims under another signature are checked afresh.
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject(rejection);
  });
});

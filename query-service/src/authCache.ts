import type { Principal } from '@orderflow/platform';
import type { FastifyRequest } from 'fastify';

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/**
 * Remembers verified bearer tokens (reads are many, tokens few): a token verified once is trusted again, without
 * the signature check, until its `exp` or for `maxAgeMs` at most (so a key taken out of a JWKS stops working within
 * that time). Failures are not remembered; only a verified token's exact text ever hits.
 */
export function withAuthCache(verify: Authenticate, { maxAgeMs = 60_000, maxEntries = 10_000 } = {}): Authenticate {
  const verified = new Map<string, { readonly principal: Principal; readonly until: number }>();
  return async (request) => {
    const header = request.headers.authorization;
    const now = Date.now();
    const known = header === undefined ? undefined : verified.get(header);
    if (known !== undefined && now < known.until) return known.principal;
    const principal = await verify(request);
    if (header !== undefined) {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value ?? '');
      verified.set(header, { principal, until: Math.min(now + maxAgeMs, expiryOf(header) ?? Infinity) });
    }
    return principal;
  };
}

/** The `exp` of a token that has just been verified, in ms. */
function expiryOf(header: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

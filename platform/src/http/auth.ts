import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { dropOldestBeyond } from '../boundedEntries.js';
import { HttpProblem } from './problem.js';

export const roles = ['customer', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: the token's subject and role. */
export interface Principal {
  readonly sub: string;
  readonly role: Role;
}

export interface AuthConfig {
  /** HS256 shared secret (at least 32 bytes); or */
  readonly secret?: string;
  /** a JWKS URL for asymmetric keys (RS256/ES256). */
  readonly jwksUrl?: string;
  readonly issuer: string;
  readonly audience: string;
}

const claims = z.object({ sub: z.string().min(1).max(200), role: z.enum(roles) });

/** How long a verified token is taken on trust before it is verified again (a rotated-out key stops working then). */
const trustedForMs = 60_000;
/** Verified tokens remembered at most; past it the longest remembered leaves first. */
const maxTrusted = 10_000;

/**
 * Verifies bearer tokens with jose: signature, `alg` pinned to the key type (never taken from the token),
 * issuer, audience, expiry. Every failure is the same 401, so a caller learns nothing about why.
 * A client sends the same token with every request: a token verified in the last minute is taken on trust (its exact
 * bytes, up to its own expiry) instead of checking its signature again, which is most of what a command costs the
 * API. Failures are never remembered.
 */
export function createTokenVerifier(
  config: AuthConfig,
  now: () => number = Date.now,
): (authorization: string | undefined) => Promise<Principal> {
  const { key, algorithms } = keyFor(config);
  const trusted = new Map<string, { readonly principal: Principal; readonly until: number }>();
  return async (authorization) => {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) throw unauthorized('A bearer token is required.');
    const known = trusted.get(token);
    if (known !== undefined && now() < known.until) return known.principal;
    if (known !== undefined) trusted.delete(token);
    try {
      const options = { algorithms, issuer: config.issuer, audience: config.audience, currentDate: new Date(now()) };
      const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      const principal = claims.parse(payload);
      const expiresAt = payload.exp === undefined ? Number.POSITIVE_INFINITY : payload.exp * 1000;
      trusted.set(token, { principal, until: Math.min(expiresAt, now() + trustedForMs) });
      dropOldestBeyond(trusted, maxTrusted);
      return principal;
    } catch {
      throw unauthorized('The bearer token is invalid or expired.');
    }
  };
}

function keyFor(config: AuthConfig): { key: Uint8Array | JWTVerifyGetKey; algorithms: string[] } {
  if (config.secret !== undefined) {
    if (Buffer.byteLength(config.secret) < 32) throw new Error('the JWT secret must be at least 32 bytes');
    return { key: new TextEncoder().encode(config.secret), algorithms: ['HS256'] };
  }
  if (config.jwksUrl !== undefined) return { key: createRemoteJWKSet(new URL(config.jwksUrl)), algorithms: ['RS256', 'ES256'] };
  throw new Error('auth needs a JWT secret or a JWKS URL');
}

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', detail);
}

/** Mints an HS256 token (development and tests; `orderflow token`). */
export async function signToken(
  config: AuthConfig & { readonly secret: string },
  principal: Principal,
  expiresIn: string | number = '12h',
): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(config.secret));
}

/** 403 for a wrong role. (Someone else's resource answers 404 at the route, to reveal nothing.) */
export function requireRole(principal: Principal, ...allowed: Role[]): void {
  if (!allowed.includes(principal.role))
    throw new HttpProblem(403, 'forbidden', 'Forbidden', `This needs the ${allowed.join(' or ')} role.`);
}

/**
 * The GitHub App installation-token exchange: a JWT signed with the app's private key (verified with
 * `app.publicKey` when the fake has one) becomes an installation token, which may then call every route,
 * including the ones only an app may call (check runs).
 */
import { createVerify, randomBytes } from 'node:crypto';
import { HttpError, notFound } from './errors.ts';
import type { Route } from './router.ts';

/** The route template the server lets through without the repository token (it carries the app's JWT). */
export const ACCESS_TOKENS_ROUTE = '/app/installations/{installation_id}/access_tokens';

function badJwt(): HttpError {
  return new HttpError(401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest', status: '401' });
}

/** The routes of this group. */
export const appRoutes: Route[] = [
  {
    method: 'POST', path: ACCESS_TOKENS_ROUTE,
    async handler(ctx) {
      const { app } = ctx.state;
      if (Number(ctx.params['installation_id']) !== app.installationId) throw notFound();
      const jwt = /^bearer\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ''))?.[1];
      const [header, payload, signature] = jwt?.split('.') ?? [];
      if (!header || !payload || !signature) throw badJwt();
      let claims: { iss?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: unknown };
      } catch {
        throw badJwt();
      }
      if (String(claims.iss) !== String(app.id) && claims.iss !== app.clientId) throw badJwt();
      if (app.publicKey && !createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.publicKey, Buffer.from(signature, 'base64url'))) throw badJwt();
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      ctx.state.installationTokens.add(token);
      return {
        status: 201,
        body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString().slice(0, 19) + 'Z', permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' }, repository_selection: 'all' },
      };
    },
  },
];

/**
 * Entra ID tokens for AKS API servers (platform-notes §4): scope `6dae42f8-…/.default`, from a
 * `TokenCredential` (managed identity in Azure, developer credentials locally), cached until near expiry,
 * and applied per request through a KubeConfig authenticator.
 */
import type { TokenCredential } from '@azure/identity';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from './clock.ts';

/** The AKS AAD server application's scope. */
export const AKS_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';
/** The auth-provider name our authenticator answers to (unique, so built-ins never claim it). */
export const AKS_AUTH_PROVIDER = 'serverless-gitops-aks';

export interface TokenSource {
  /** A bearer token valid for a while yet. */
  token(): Promise<string>;
}

/** Tokens for one scope, cached until `refreshMarginMs` before expiry (or the credential's refresh hint). */
export function cachedTokenSource(credential: TokenCredential, clock: Pick<Clock, 'now'>, scope = AKS_SCOPE, refreshMarginMs = 5 * 60_000): TokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    async token() {
      if (cached && clock.now() < cached.refreshAt) return cached.token;
      pending ??= (async () => {
        try {
          const t = await credential.getToken(scope);
          if (!t) throw new Error(`no token for ${scope}`);
          cached = { token: t.token, refreshAt: Math.min(t.refreshAfterTimestamp ?? Infinity, t.expiresOnTimestamp - refreshMarginMs) };
          return t.token;
        } catch (err) {
          throw new Error(`failed to get a token for ${scope}`, { cause: err });
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
  };
}

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** A KubeConfig authenticator that sets `Authorization: Bearer <token>` on every request. */
export function bearerAuthenticator(tokens: TokenSource): Authenticator {
  return {
    isAuthProvider: (user) => user?.authProvider?.name === AKS_AUTH_PROVIDER,
    async applyAuthentication(_user, opts) {
      const token = await tokens.token();
      opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${token}` };
    },
  };
}

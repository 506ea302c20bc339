/**
 * The Function App's entry point (package.json `main`): global setup, then one
 * import per trigger. Each trigger file registers itself and loads the heavy
 * runtime (SDK clients, settings) only on its first invocation, so a cold start
 * pays for registration alone.
 */
import { app } from '@azure/functions';

app.setup({ enableHttpStream: false });

await import('./github-webhook.ts');
await import('./acr-webhook.ts');
await import('./image-release.ts');
await import('./registry-push.ts');
await import('./sync-cluster.ts');
await import('./preview.ts');
await import('./reconcile.ts');
await import('./image-scan.ts');
await import('./health-check.ts');

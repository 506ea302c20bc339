/**
 * The Function App's entry point (package.json `main`): global setup, then one
 * import per trigger. Each trigger file registers itself and loads the heavy
 * runtime (SDK clients, settings) only on its first invocation, so a cold start
 * pays for registration alone.
 */
import { app } from '@azure/functions';

app.setup({ enableHttpStream: false });

// Loaded together (one module graph walk, not nine in turn); each registers its own trigger.
await Promise.all([
  import('./github-webhook.ts'),
  import('./acr-webhook.ts'),
  import('./image-release.ts'),
  import('./registry-push.ts'),
  import('./sync-cluster.ts'),
  import('./preview.ts'),
  import('./reconcile.ts'),
  import('./image-scan.ts'),
  import('./health-check.ts'),
]);

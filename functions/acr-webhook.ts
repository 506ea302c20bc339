/** POST /api/acr-webhook: ACR's classic webhook (shared secret in a header), verified and queued for release (202). */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function acrWebhookHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { acrWebhook } = await import('../shared/app/handlers.ts');
  const res = await acrWebhook(await getRuntime(), invocationLogger(context), { header: (n) => request.headers.get(n), body: await request.text() });
  return { status: res.status, jsonBody: res.body };
}

app.http('acr-webhook', { methods: ['POST'], authLevel: 'anonymous', route: 'acr-webhook', handler: acrWebhookHandler });

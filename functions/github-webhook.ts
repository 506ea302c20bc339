/** POST /api/github-webhook: a signed GitHub push becomes sync jobs. */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function githubWebhookHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { githubWebhook } = await import('../shared/app/handlers.ts');
  const res = await githubWebhook(await getRuntime(), invocationLogger(context), { header: (n) => request.headers.get(n), body: await request.text() });
  return { status: res.status, jsonBody: res.body };
}

app.http('github-webhook', { methods: ['POST'], authLevel: 'anonymous', route: 'github-webhook', handler: githubWebhookHandler });

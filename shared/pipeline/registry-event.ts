/**
 * Container registry push events at the boundary: Event Grid's
 * `Microsoft.ContainerRegistry.ImagePushed` and ACR's classic webhook, both
 * turned into one domain type. Malformed events are errors (dead-lettered,
 * never retried forever); well-formed events we do not act on are "ignored" with a reason.
 */
import { z } from 'zod';

export interface ImagePushed {
  /** Event id (Event Grid `id`, ACR webhook `id`): the idempotency key. */
  id: string;
  /** Registry login server, lower case, e.g. `radixdev.azurecr.io`. */
  registry: string;
  /** Repository inside the registry, e.g. `radix-operator`. */
  repository: string;
  tag: string;
  digest: string;
  /** When the registry recorded the push. */
  pushedAt: Date | undefined;
}

export type RegistryEventDecision = { kind: 'image'; image: ImagePushed } | { kind: 'ignored'; reason: string };

/** A registry event that can never be processed: answer 400 so Event Grid dead-letters it. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

export const IMAGE_PUSHED = 'Microsoft.ContainerRegistry.ImagePushed';

const host = z
  .string()
  .min(1)
  .max(253)
  .transform((s) => s.toLowerCase())
  .refine((s) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/.test(s), 'expected a registry host name');

const dataSchema = z.object({
  id: z.string().min(1).optional(),
  timestamp: z.string().optional(),
  action: z.string(),
  target: z.object({
    repository: z.string().min(1).max(512).regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'expected a lower-case repository path'),
    tag: z.string().max(128).optional(),
    digest: z.string().regex(/^[a-z0-9]+:[a-f0-9]{32,}$/, 'expected a content digest such as sha256:…'),
    mediaType: z.string().optional(),
  }),
  request: z.object({ host: host.optional() }).optional(),
});

const eventGridSchema = z.object({
  id: z.string().min(1),
  eventType: z.string().min(1),
  topic: z.string().optional(),
  subject: z.string().optional(),
  data: z.unknown(),
});

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Reads an Event Grid event (object or JSON). Throws MalformedEventError with the reason. */
export function parseEventGridEvent(event: unknown): RegistryEventDecision {
  const e = validate(eventGridSchema, event, 'Event Grid event');
  if (e.eventType !== IMAGE_PUSHED) return { kind: 'ignored', reason: `event type ${e.eventType} is not ${IMAGE_PUSHED}` };
  const data = validate(dataSchema, e.data, `event ${e.id} data`);
  // The login server: request.host, else the registry name at the end of the topic (an ARM id).
  const registryFromTopic = /\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i.exec(e.topic ?? '')?.[1];
  const registry = data.request?.host ?? (registryFromTopic ? `${registryFromTopic.toLowerCase()}.azurecr.io` : undefined);
  if (!registry) throw new MalformedEventError(`event ${e.id}: no registry host (data.request.host) and no registry topic`);
  return decide(e.id, registry, data);
}

/** Reads an ACR classic webhook body (object or JSON). Throws MalformedEventError with the reason. */
export function parseAcrWebhook(body: unknown): RegistryEventDecision {
  const data = validate(dataSchema, body, 'ACR webhook body');
  if (!data.id) throw new MalformedEventError('ACR webhook body: id: expected the event id');
  if (!data.request?.host) throw new MalformedEventError(`ACR webhook ${data.id}: request.host: expected the registry login server`);
  return decide(data.id, data.request.host, data);
}

function decide(id: string, registry: string, data: z.infer<typeof dataSchema>): RegistryEventDecision {
  if (data.action !== 'push') return { kind: 'ignored', reason: `action ${data.action} is not push` };
  const { repository, tag, digest } = data.target;
  if (tag === undefined || tag === '') return { kind: 'ignored', reason: `${registry}/${repository}@${digest} was pushed without a tag` };
  if (!TAG.test(tag)) throw new MalformedEventError(`event ${id}: target.tag ${JSON.stringify(tag.slice(0, 64))} is not a valid image tag`);
  const pushedAt = data.timestamp ? new Date(data.timestamp) : undefined;
  return {
    kind: 'image',
    image: { id, registry, repository, tag, digest, pushedAt: pushedAt && !Number.isNaN(pushedAt.getTime()) ? pushedAt : undefined },
  };
}

function validate<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  let v = value;
  if (typeof value === 'string') {
    try {
      v = JSON.parse(value);
    } catch {
      throw new MalformedEventError(`${what} is not JSON`);
    }
  }
  const r = schema.safeParse(v);
  if (!r.success) {
    throw new MalformedEventError(`${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

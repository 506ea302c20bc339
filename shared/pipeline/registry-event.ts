/**
 * Container registry events at the boundary, into one domain type:
 * - Event Grid, in either delivery schema: the Event Grid schema (`topic`, `eventType`, `eventTime`,
 *   `dataVersion`) or CloudEvents v1.0 (`source`, `type`, `time`, `specversion`);
 * - ACR's classic webhook body (see acr-webhook.ts for its secret).
 *
 * Trust: Event Grid sets `topic`/`source` to the registry's ARM resource id and nobody else can, so the
 * registry is taken from there and mapped to its login server by the operator (`GITOPS_REGISTRY_TOPICS`); the
 * event's `data.request.host` is never trusted. Every ACR event type is recognised: only a tagged
 * ImagePushed is acted on, the others are "ignored" with a reason naming them. A malformed event is a
 * MalformedEventError naming the field that is wrong.
 */
import { z } from 'zod';
import { describeIssues } from '../config/index.ts';
import { MAX_TAG_LENGTH } from '../images/index.ts';

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

export type RegistryEventDecision = { kind: 'image'; image: ImagePushed } | { kind: 'ignored'; reason: string; eventType?: string; eventId?: string; /** Worth a warning: an event from a registry the operator did not list. */ unexpected?: boolean };

/** A registry event that can never be processed; the message names the field that is wrong. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

export const ACR_EVENT_TYPES = {
  imagePushed: 'Microsoft.ContainerRegistry.ImagePushed',
  imageDeleted: 'Microsoft.ContainerRegistry.ImageDeleted',
  chartPushed: 'Microsoft.ContainerRegistry.ChartPushed',
  chartDeleted: 'Microsoft.ContainerRegistry.ChartDeleted',
} as const;
export const IMAGE_PUSHED = ACR_EVENT_TYPES.imagePushed;

/** Why each ACR event type other than a tagged ImagePushed changes nothing (the log line names it). */
const IGNORED_TYPES: Record<string, string> = {
  [ACR_EVENT_TYPES.imageDeleted]: 'a deleted image changes no manifest (workloads keep the tag they run)',
  [ACR_EVENT_TYPES.chartPushed]: 'Helm chart pushes do not update HelmReleases (chart versions are not automated, as in Flux v1)',
  [ACR_EVENT_TYPES.chartDeleted]: 'a deleted chart changes no manifest',
};

/** Registry ARM resource id (lower case) → login server, from the operator's settings. */
export type RegistryMap = ReadonlyMap<string, string>;

const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const TAG = new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,${MAX_TAG_LENGTH - 1}}$`);

const pushData = z.object({
  id: z.string().min(1).optional(),
  timestamp: z.string().optional(),
  action: z.string(),
  target: z.object({
    repository: z.string().min(1).max(512).regex(REPOSITORY, 'expected a lower-case repository path'),
    tag: z.string().max(MAX_TAG_LENGTH, `expected at most ${MAX_TAG_LENGTH} characters (the registry's limit)`).regex(TAG, 'expected an image tag').optional().or(z.literal('')),
    digest: z.string().regex(/^[a-z0-9]+:[a-f0-9]{32,}$/, 'expected a content digest such as sha256:…'),
    mediaType: z.string().optional(),
  }),
  request: z.object({ host: z.string().max(253).optional() }).optional(),
});
type PushData = z.infer<typeof pushData>;

const eventGridSchema = z.object({
  id: z.string().min(1).max(256),
  topic: z.string().min(1).max(1024),
  subject: z.string().optional(),
  eventType: z.string().min(1).max(256),
  eventTime: z.string().optional(),
  dataVersion: z.string().optional(),
  data: z.unknown(),
});

const cloudEventSchema = z.object({
  specversion: z.literal('1.0', 'expected CloudEvents 1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  type: z.string().min(1).max(256),
  subject: z.string().optional(),
  time: z.string().optional(),
  data: z.unknown(),
});

/** The Event Grid delivery schemas read here, by their ARM names (a subscription's `eventDeliverySchema`). */
export const EVENT_GRID_SCHEMAS = ['EventGridSchema', 'CloudEventSchemaV1_0'] as const;

/** One Event Grid event in either delivery schema, reduced to what both carry. */
export interface EventGridEnvelope {
  schema: (typeof EVENT_GRID_SCHEMAS)[number];
  id: string;
  type: string;
  /** `topic` or `source`: the ARM id of the resource that raised it. */
  source: string;
  data: unknown;
}

/** Reads the envelope of an Event Grid event in either schema. Throws MalformedEventError naming the field. */
export function parseEnvelope(event: unknown): EventGridEnvelope {
  const value = typeof event === 'string' ? parseJson(event, 'Event Grid event') : event;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedEventError('Event Grid event: expected a JSON object');
  if ('specversion' in value) {
    const e = validate(cloudEventSchema, value, 'CloudEvent');
    return { schema: 'CloudEventSchemaV1_0', id: e.id, type: e.type, source: e.source, data: e.data };
  }
  if (!('eventType' in value)) throw new MalformedEventError('Event Grid event: neither eventType (Event Grid schema) nor specversion (CloudEvents 1.0)');
  const e = validate(eventGridSchema, value, 'Event Grid event');
  return { schema: 'EventGridSchema', id: e.id, type: e.eventType, source: e.topic, data: e.data };
}

/** Reads an Event Grid event (either schema, object or JSON) into a decision. Throws MalformedEventError. */
export function parseEventGridEvent(event: unknown, registries: RegistryMap): RegistryEventDecision {
  const e = parseEnvelope(event);
  const what = `event ${e.id}`;
  if (e.type !== IMAGE_PUSHED) {
    const why = IGNORED_TYPES[e.type] ?? `only ${IMAGE_PUSHED} is acted on`;
    return { kind: 'ignored', eventId: e.id, eventType: e.type, reason: `${e.type}: ${why}` };
  }
  const registry = registries.get(e.source.toLowerCase());
  if (!registry) {
    return { kind: 'ignored', unexpected: true, eventId: e.id, eventType: e.type, reason: `registry ${e.source} is not in GITOPS_REGISTRY_TOPICS (the registries the operator lets update images)` };
  }
  const data = validate(pushData, typeof e.data === 'string' ? parseJson(e.data, `${what} data`) : e.data, what, ['data']);
  return decide(e.id, registry, data, e.type);
}

/** Reads an ACR classic webhook body (object or JSON); the registry is its `request.host`. Throws MalformedEventError. */
export function parseAcrWebhook(body: unknown): RegistryEventDecision {
  const value = typeof body === 'string' ? parseJson(body, 'ACR webhook body') : body;
  const head = validate(z.object({ id: z.string().min(1).max(256), action: z.string().min(1).max(64) }), value, 'ACR webhook body');
  if (head.action !== 'push') return { kind: 'ignored', eventId: head.id, eventType: head.action, reason: `action ${head.action}: only push is acted on` };
  const data = validate(pushData, value, `ACR webhook ${head.id}`);
  const host = data.request?.host?.toLowerCase();
  if (!host) throw new MalformedEventError(`ACR webhook ${head.id}: request.host: expected the registry login server`);
  return decide(head.id, host, data, 'push');
}

function decide(id: string, registry: string, data: PushData, eventType: string): RegistryEventDecision {
  if (data.action !== 'push') return { kind: 'ignored', eventId: id, eventType, reason: `action ${data.action} is not push` };
  const { repository, tag, digest } = data.target;
  if (tag === undefined || tag === '') return { kind: 'ignored', eventId: id, eventType, reason: `${registry}/${repository}@${digest} was pushed without a tag (a platform manifest of an index, or a push by digest)` };
  const pushedAt = data.timestamp ? new Date(data.timestamp) : undefined;
  return {
    kind: 'image',
    image: { id, registry, repository, tag, digest, pushedAt: pushedAt && !Number.isNaN(pushedAt.getTime()) ? pushedAt : undefined },
  };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedEventError(`${what} is not JSON`);
  }
}

/** Validates; the error names each wrong field by its path from the event's top level (`prefix` + path). */
function validate<T extends z.ZodType>(schema: T, value: unknown, what: string, prefix: readonly string[] = []): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new MalformedEventError(`${what}: ${describeIssues(r.error, prefix)}`);
  return r.data;
}

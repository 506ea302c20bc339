/**
 * Microsoft's documented ACR event samples (test/fixtures/registry), in both Event Grid delivery schemas,
 * with the resource-id placeholders filled as one registry's: `demoregistry`, whose login server is demoregistry.azurecr.io (the samples' data.request.host, demo.azurecr.io, is not read).
 */
import { readFileSync } from 'node:fs';

export const SAMPLE_TYPES = ['image-pushed', 'image-deleted', 'chart-pushed', 'chart-deleted'] as const;
export type SampleType = (typeof SAMPLE_TYPES)[number];
export type Schema = 'event-grid-schema' | 'cloudevents';
export const SCHEMAS: readonly Schema[] = ['event-grid-schema', 'cloudevents'];

export const SAMPLE_SUBSCRIPTION = '5d2a7f3e-1c9b-4e8a-9f60-2b7c8d1e4a53';
/** The registry the samples' topic names once filled. */
export const SAMPLE_REGISTRY_ID = `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/registries/providers/Microsoft.ContainerRegistry/registries/demoregistry`;
export const SAMPLE_LOGIN_SERVER = 'demoregistry.azurecr.io';
/** GITOPS_REGISTRY_TOPICS admitting the samples' registry. */
export const SAMPLE_REGISTRIES_SETTING = JSON.stringify({ [SAMPLE_REGISTRY_ID]: SAMPLE_LOGIN_SERVER });

/** A documented sample delivery body (an array of one event), placeholders filled. */
export function sampleBody(schema: Schema, type: SampleType): string {
  return readFileSync(new URL(`../fixtures/registry/${schema}/${type}.json`, import.meta.url), 'utf8')
    .replaceAll('<subscription-id>', SAMPLE_SUBSCRIPTION)
    .replaceAll('<resource-group-name>', 'registries')
    .replaceAll('<name>', 'demoregistry');
}

/** The one event of a sample. */
export function sampleEvent(schema: Schema, type: SampleType): Record<string, unknown> & { data: Record<string, unknown> } {
  return (JSON.parse(sampleBody(schema, type)) as (Record<string, unknown> & { data: Record<string, unknown> })[])[0]!;
}

/** What Event Grid sends with a delivery of this schema: the batch content type and its headers. */
export function deliveryHeaders(schema: Schema, batch = true): Record<string, string> {
  const contentType = schema === 'cloudevents' ? (batch ? 'application/cloudevents-batch+json; charset=utf-8' : 'application/cloudevents+json; charset=utf-8') : 'application/json';
  return { 'content-type': contentType, 'aeg-event-type': 'Notification', 'aeg-subscription-name': 'SERVERLESS-GITOPS-REGISTRY-PUSH', 'aeg-delivery-count': '0', 'aeg-data-version': '1.0', 'aeg-metadata-version': '1' };
}

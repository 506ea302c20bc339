/**
 * Before an image update is committed, the pushed tag is looked up in the registry with the managed identity:
 * an event (a forged one, or one whose tag was deleted since) never puts a tag into git that the registry does
 * not hold. Registries without a reader here (not ACR, or the local host without credentials) are "unchecked".
 */
import type { Logger } from '../pipeline/logger.ts';
import type { TagLister } from './tag-lister.ts';

export type PushConfirmation =
  /** The tag names the pushed digest. */
  | { status: 'confirmed' }
  /** The tag exists but names another digest now (pushed again since): it exists, so the update stands. */
  | { status: 'moved'; digest: string }
  /** The registry has no such tag. */
  | { status: 'absent' }
  /** No way to ask this registry from here. */
  | { status: 'unchecked'; reason: string };

/** Looks the pushed tag up. Registry errors (unreachable, 401/403, 5xx) propagate: the caller retries. */
export async function confirmPush(image: { registry: string; repository: string; tag: string; digest: string }, tagsFor: (registry: string) => TagLister | undefined): Promise<PushConfirmation> {
  const lister = tagsFor(image.registry);
  if (!lister) return { status: 'unchecked', reason: `no registry client for ${image.registry}` };
  let digest: string | undefined;
  try {
    digest = await lister.tagDigest(image.repository, image.tag);
  } catch (err) {
    throw new Error(`failed to confirm ${image.registry}/${image.repository}:${image.tag} in the registry`, { cause: err });
  }
  if (digest === undefined) return { status: 'absent' };
  return digest === image.digest ? { status: 'confirmed' } : { status: 'moved', digest };
}

/** The runtime's confirmation step: confirmPush with a log line for what is not plainly confirmed. */
export function pushConfirmer(tagsFor: (registry: string) => TagLister | undefined, log: Logger) {
  return async (image: { id: string; registry: string; repository: string; tag: string; digest: string }): Promise<PushConfirmation> => {
    const c = await confirmPush(image, tagsFor);
    const ref = `${image.registry}/${image.repository}:${image.tag}`;
    if (c.status === 'moved') log.info('registry.tag-moved', { eventId: image.id, image: ref, result: `the tag now names ${c.digest}, not the pushed ${image.digest}: it exists, the update stands` });
    if (c.status === 'unchecked') log.info('registry.unchecked', { eventId: image.id, image: ref, result: c.reason });
    return c;
  };
}

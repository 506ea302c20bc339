/** The registry scan's view of a registry: the tags of a repository, newest update first. */

export interface ListedTags {
  /** At most the requested number of tags, most recently updated first. */
  tags: { name: string; digest: string }[];
  /** The repository holds more tags than were listed (the per-repository cap was hit). */
  more: boolean;
}

export interface TagLister {
  listTags(repository: string, max: number): Promise<ListedTags>;
  /** The digest a tag names, or undefined when the registry has no such tag. */
  tagDigest(repository: string, tag: string): Promise<string | undefined>;
}

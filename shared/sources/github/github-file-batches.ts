/**
 * File texts through GraphQL: batches of `object(expression: "<commit>:<path>")` aliases (at most 200 files and
 * about 2 MB a query), and the REST blob API for what GraphQL does not answer in full (large or binary files).
 */
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';

/** Limits of one GraphQL read: GitHub allows far more, but a query must stay quick (10 s) and small. */
const BATCH_FILES = 200;
const BATCH_BYTES = 2 * 1024 * 1024;

export const BLOB_QUERY_FIELDS = '... on Blob { oid text byteSize isBinary isTruncated }';

export interface BlobNode {
  oid: string;
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean;
}

/** A file to read: its path at the revision, its blob SHA and size from the tree. */
export interface WantedFile {
  path: string;
  entry: { sha: string; size?: number };
}

/** Batches of at most BATCH_FILES files and about BATCH_BYTES (sizes from the tree). */
export function batches<T extends WantedFile>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.entry.size ?? 0;
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** The text of a blob node when GraphQL gave all of it and it is the expected blob; else the blob API's. */
export async function blobText(client: GitHubClient, node: BlobNode, sha: string): Promise<string> {
  const usable = node.oid === sha && !node.isTruncated && !node.isBinary && node.text !== null;
  return usable ? node.text! : fetchBlob(client, sha);
}

/** One GraphQL query for a batch; texts by blob SHA. */
export async function fetchBatch(client: GitHubClient, revision: string, batch: readonly WantedFile[]): Promise<Map<string, string>> {
  const { octokit, owner, repo, graphqlUrl } = client;
  const vars: Record<string, string> = { owner, name: repo };
  batch.forEach(({ path }, i) => { vars[`e${i}`] = `${revision}:${path}`; });
  const declared = batch.map((_, i) => `$e${i}: String!`).join(', ');
  const fields = batch.map((_, i) => `f${i}: object(expression: $e${i}) { ${BLOB_QUERY_FIELDS} }`).join('\n');
  const query = `query ReadFiles($owner: String!, $name: String!, ${declared}) { repository(owner: $owner, name: $name) { ${fields} } }`;
  let result: { repository: Record<string, BlobNode | null> | null };
  try {
    result = await octokit.graphql({ query, url: graphqlUrl, ...vars });
  } catch (error) {
    throw gitHubFailure(`read ${batch.length} files at ${revision} from github:${owner}/${repo}`, error);
  }
  if (!result.repository) throw new Error(`failed to read files: repository github:${owner}/${repo} not found`);
  const out = new Map<string, string>();
  await Promise.all(
    batch.map(async ({ entry }, i) => {
      const node = result.repository![`f${i}`];
      // A branch name may have moved since the tree was read: only a blob with the tree's SHA is taken.
      if (node) out.set(entry.sha, await blobText(client, node, entry.sha));
    }),
  );
  return out;
}

/** One blob through the REST blob API (files over GraphQL's text limit, binary files). */
export async function fetchBlob(client: GitHubClient, sha: string): Promise<string> {
  const { octokit, owner, repo } = client;
  try {
    const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  } catch (error) {
    throw gitHubFailure(`read blob ${sha} from github:${owner}/${repo}`, error);
  }
}

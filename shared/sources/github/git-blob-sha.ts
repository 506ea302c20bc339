/**
 * Git's object id of a file's content: SHA-1 of `blob <byte length>\0<bytes>`, as GitHub's trees report it.
 * One definition for the reader (texts it learns from a tarball or a commit) and the tarball (its tree).
 */
import { createHash } from 'node:crypto';

export function gitBlobSha(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * `Status` objects as a real kube-apiserver returns them (kind Status, apiVersion v1), and the
 * {@link KubeError} the handlers throw to send one.
 */

/** One entry of `details.causes` in a Status. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** `details` of a Status: which object, and why. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A metav1.Status body. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error that the server turns into a Status response with `code` as the HTTP status. */
export class KubeError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;
  constructor(code: number, reason: string | undefined, message: string, details?: StatusDetails, headers: Record<string, string> = {}) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
    if (reason) this.status.reason = reason;
    if (details) this.status.details = details;
    this.headers = headers;
  }
}

/** What a resource is called in messages: `configmaps`, `deployments.apps`. */
export function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

function objectDetails(name: string, plural: string, group: string): StatusDetails {
  return group ? { name, group, kind: plural } : { name, kind: plural };
}

/** 404 NotFound: `configmaps "x" not found`. */
export function notFound(plural: string, group: string, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, objectDetails(name, plural, group));
}

/** 409 AlreadyExists: `configmaps "x" already exists`. */
export function alreadyExists(plural: string, group: string, name: string): KubeError {
  return new KubeError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, objectDetails(name, plural, group));
}

/** 409 Conflict on a stale resourceVersion, worded as the real server words it. */
export function staleConflict(plural: string, group: string, name: string): KubeError {
  return new KubeError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    objectDetails(name, plural, group),
  );
}

/** 422 Invalid: `Deployment.apps "x" is invalid: [a: ..., b: ...]`, one cause per field. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeError {
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const what = group ? `${kind}.${group}` : kind;
  return new KubeError(422, 'Invalid', `${what} "${name}" is invalid: ${joined}`, { name, group: group || undefined, kind, causes });
}

/** 400 BadRequest with a message. */
export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): KubeError {
  return new KubeError(405, 'MethodNotAllowed', message);
}

/** A Success Status (what DELETE answers for most kinds). */
export function success(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

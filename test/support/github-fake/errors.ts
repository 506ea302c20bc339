/**
 * GitHub's error answers: `{ message, documentation_url, status }`, plus `errors[]` for 422 validation failures.
 */

/** An HTTP error answer with GitHub's JSON body. Thrown by handlers, rendered by the server. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body['message'] ?? status));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const DOCS = 'https://docs.github.com/rest';

/** 404 `Not Found`. */
export function notFound(message = 'Not Found'): HttpError {
  return new HttpError(404, { message, documentation_url: DOCS, status: '404' });
}

/** 409 (e.g. `Git Repository is empty.`). */
export function conflict(message: string): HttpError {
  return new HttpError(409, { message, documentation_url: DOCS, status: '409' });
}

/** 422 with an optional `errors[]` list (GitHub's validation-error shape). */
export function unprocessable(message: string, errors?: unknown[]): HttpError {
  return new HttpError(422, { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: '422' });
}

/** 422 `Validation Failed` naming the resource, field and code (`missing_field`, `invalid`, `custom`, ...). */
export function validationFailed(resource: string, field: string, code: string, message?: string): HttpError {
  return unprocessable('Validation Failed', [{ resource, field, code, ...(message ? { message } : {}) }]);
}

/** 400 `Problems parsing JSON` and friends. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, { message, documentation_url: DOCS, status: '400' });
}

/** 401 when a required token is missing or wrong. */
export function unauthorized(message: string): HttpError {
  return new HttpError(401, { message, documentation_url: DOCS, status: '401' });
}

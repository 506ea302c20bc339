/** Messages and the error type the build uses internally. */

export interface BuildMessage {
  file: string;
  line?: number;
  message: string;
}

/** Refuses the build: carries messages naming file (and line) and what is wrong. */
export class BuildRefusal extends Error {
  readonly errors: BuildMessage[];
  constructor(errors: BuildMessage[]) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/** Thrown when a file the build needs has not been read yet (the caller reads it and calls again). */
export class NeedFile extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`need ${path}`);
    this.path = path;
  }
}

export const refuse = (file: string, message: string, line?: number): never => {
  throw new BuildRefusal([{ file, ...(line === undefined ? {} : { line }), message }]);
};

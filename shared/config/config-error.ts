/** A problem in configuration: terminal (retrying cannot fix it), reported with where and what. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem, each naming the file, the key and what was expected. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}

/**
 * Structured logging: one line per decision, with the event, environment,
 * cluster, commit and result as fields. Never pass secrets or tokens as fields.
 */
export type LogFields = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger that records entries in memory (tests that assert on decisions). */
export function memoryLogger(): Logger & { entries: { level: string; event: string; fields: LogFields }[] } {
  const entries: { level: string; event: string; fields: LogFields }[] = [];
  const at = (level: string) => (event: string, fields: LogFields = {}) => void entries.push({ level, event, fields });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

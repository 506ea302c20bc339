/**
 * Structured logs from a function invocation: one JSON line per decision
 * (event, environment, cluster, commit, result), which Application Insights
 * stores as a trace with the invocation's operation id.
 */
import type { InvocationContext } from '@azure/functions';
import type { LogFields, Logger } from '../shared/pipeline/logger.ts';

export function invocationLogger(context: InvocationContext): Logger {
  const line = (event: string, fields: LogFields = {}) => JSON.stringify({ ...fields, event, invocation: context.invocationId });
  return {
    info: (event, fields) => context.info(line(event, fields)),
    warn: (event, fields) => context.warn(line(event, fields)),
    error: (event, fields) => context.error(line(event, fields)),
  };
}

/** The local host's log: one readable line per decision (`12:00:01 push.job environment=development …`). */
import type { LogFields, Logger } from '../../shared/pipeline/logger.ts';
import type { Output } from '../output.ts';

export function consoleLogger(out: Output, options: { quiet?: boolean } = {}): Logger {
  const line = (paint: (s: string) => string, event: string, fields: LogFields = {}) => {
    const parts = Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
    return `${new Date().toISOString().slice(11, 19)} ${paint(event)} ${parts.join(' ')}`.trimEnd();
  };
  return {
    info: (e, f) => options.quiet || out.line(line(out.bold, e, f)),
    warn: (e, f) => out.warn(line(out.yellow, e, f)),
    error: (e, f) => out.warn(line(out.red, e, f)),
  };
}

/** Command-line option parsing on node:util parseArgs, with one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs yields for an options table. */
export type OptionValues<O extends Options> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? (O[K]['multiple'] extends true ? string[] : string) : boolean;
};

/**
 * Parses `args` against `options` (plus `--help`). Unknown options, missing
 * values and positional arguments are UsageErrors; `required` names must be present.
 */
export function parseOptions<const O extends Options>(args: string[], options: O, required: readonly (keyof O & string)[] = []): OptionValues<O> | 'help' {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!.replace(/\. To specify .*$/, ''));
  }
  if (values.help) return 'help';
  for (const name of required) {
    if (values[name] === undefined) throw new UsageError(`missing --${name}`);
  }
  return values as OptionValues<O>;
}

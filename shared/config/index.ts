export * from './environment.ts';
export { ConfigError } from './config-error.ts';
export { parseConfig } from './parse-config.ts';

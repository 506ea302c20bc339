export * from './environment.ts';
export { ConfigError } from './config-error.ts';
export { parseConfig } from './parse-config.ts';
export { SETTINGS, loadSettings, type Settings, type SettingName, type GitHubAuth } from './settings.ts';

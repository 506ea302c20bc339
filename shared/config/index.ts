export * from './environment.ts';
export { ConfigError } from './config-error.ts';
export { parseConfig, type ParseConfigOptions } from './parse-config.ts';
export { boundsProblems, inClusterScopes, normalizeServer, tokenAllowedFor, type ClusterScope, type OperatorBounds } from './bounds.ts';
export { SETTINGS, loadSettings, type Settings, type SettingName, type GitHubAuth } from './settings.ts';
export { describeIssues, issuePath, parseMessage, REPOSITORY_NAME, repositoryName } from './validation.ts';

/**
 * The Function App's runtime, built once per instance on first use from the
 * app settings (validated: a bad setting fails the invocation naming it).
 */
import type { Runtime } from '../shared/app/runtime.ts';
import type { AzureRuntimeParts } from '../shared/app/azure-runtime.ts';

let runtime: Promise<Runtime> | undefined;
let parts: AzureRuntimeParts = {};

/** Tests only: what the next runtime is built with besides the settings (a credential, the ACR fake). */
export function setRuntimeParts(p: AzureRuntimeParts): void {
  parts = p;
  runtime = undefined;
}

/** The instance's runtime; a failed build is not cached, so fixing a setting needs no restart. */
export function getRuntime(): Promise<Runtime> {
  runtime ??= import('../shared/app/azure-runtime.ts').then((m) => m.createAzureRuntime(process.env, parts)).catch((err: unknown) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
}

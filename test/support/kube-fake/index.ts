/** The fake kube-apiserver for tests: see {@link startKubeFake}. */
export { startKubeFake, type KubeFake, type KubeFakeOptions, type ListFilter, type RequestCounts } from './server.ts';
export type { FaultOptions } from './faults.ts';
export type { Status, StatusCause, StatusDetails } from './status.ts';
export type { ControllerOptions, ControllerOutcome } from './controllers.ts';

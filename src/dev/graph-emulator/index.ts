// The local Microsoft Graph emulator: start it, trust it, and read or change what it holds.

export type { CallFilter, GraphCall } from './call-log.js';
export { GRAPH_EMULATOR_USAGE, runGraphEmulatorCommand } from './cli.js';
export type { AppInstalledEvent, AppUninstalledEvent } from './emulator-context.js';
export type { Fault, FaultSpec, FaultStatus } from './faults.js';
export {
  type EmulatorCalls,
  type EmulatorFaults,
  type EmulatorState,
  type GraphEmulator,
  type GraphEmulatorOptions,
  type Listener,
  startGraphEmulator,
} from './graph-emulator.js';
export { emulatorCredentialOptions, TrustingHttpsHandler } from './https-handler.js';
export { ALL_APPLICATION_PERMISSIONS, PERMISSIONS } from './permissions.js';
export type { WindowLimit } from './rate-limiter.js';
export { EVOLVABLE_METHOD_VALUES } from './routes/report-routes.js';
export type { EnrolInput, Installation, RedeemResult, Revocation } from './tenant-state.js';

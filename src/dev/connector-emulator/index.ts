// A local emulator of the Teams Bot Connector (v3) subset Teams bots use, with Teams' limits, errors and faults.
// See docs/connector-emulator.md.

export type { AdminRequest, RequestRecord } from './admin-api.js';
export { ConnectorError, FAULT_STATUSES, type FaultStatus, UNAUTHORIZED_BODY } from './errors.js';
export type { FaultInfo, FaultRegistry, FaultSpec } from './faults.js';
export { type ConnectorLimits, DEFAULT_CONNECTOR_LIMITS, type RateWindow } from './limits.js';
export type { ReceivedActivity, UserInput } from './schemas.js';
export {
  type ConnectorEmulator,
  type ConnectorEmulatorOptions,
  DEFAULT_EMULATOR_TENANT_ID,
  startConnectorEmulator,
} from './server.js';
export type { ActivityFilter, ActivityKind, ActivityVersion, ConversationRecord, EmulatorUser, RecordedActivity, StoredActivity } from './state.js';

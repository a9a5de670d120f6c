// Which exporter a start gets: one rule for the configuration check and for the bootstrap that runs before it.

export type TelemetryExporter = 'azure-monitor' | 'console' | 'none';

/**
 * `auto` means Application Insights when its connection string is set, else nothing; demo mode never sends anything
 * off the machine (the configuration check refuses a connection string there, so `auto` falls back to nothing).
 */
export function chooseExporter(setting: string, connectionString: string | undefined, demo: boolean): TelemetryExporter {
  if (setting === 'console' || setting === 'none') return setting;
  if (demo) return 'none';
  if (setting === 'azure-monitor' || setting === 'auto') return connectionString ? 'azure-monitor' : 'none';
  return 'none';
}

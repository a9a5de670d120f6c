// Opens the store the configuration names: the SQLite file under DATA_DIR, or Azure Table Storage.

import { ManagedIdentityCredential } from '@azure/identity';
import { isLoopbackUrl } from '../config/load-config.js';
import type { StoreSettings } from '../config/app-config.js';
import { AzureTableStore } from './azure-table-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store-port.js';

export async function openStore(settings: StoreSettings, sqlitePath: string): Promise<Store> {
  if (settings.kind === 'sqlite') return SqliteStore.open({ path: sqlitePath });
  if ('connectionString' in settings) {
    const endpoint = /TableEndpoint=([^;]+)/i.exec(settings.connectionString)?.[1] ?? '';
    // Plain http only to a local emulator (Azurite on loopback); anything else must be https.
    return AzureTableStore.open({ connectionString: settings.connectionString, table: settings.table, allowInsecureConnection: endpoint.startsWith('http://') && isLoopbackUrl(endpoint) });
  }
  const credential = settings.managedIdentityClientId ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId }) : new ManagedIdentityCredential();
  return AzureTableStore.open({ accountUrl: settings.accountUrl, credential, table: settings.table });
}


// Opens the store the configuration names: the SQLite file under DATA_DIR, or Azure Table Storage; and the place of
// the note that says which store holds the service's state (state-marker.ts).

import path from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { isLoopbackUrl } from '../config/load-config.js';
import type { StoreSettings } from '../config/app-config.js';
import { AzureTableStore } from './azure-table-store.js';
import { FileMarker, type MarkerPlace, TableMarker } from './state-marker.js';
import type { Store } from './store-port.js';

/** Beside the SQLite database. */
export const STATE_MARKER_FILE = 'passkey-coach.state.json';

export async function openStore(settings: StoreSettings, sqlitePath: string): Promise<Store> {
  return (await openStoreAndMarker(settings, sqlitePath)).store;
}

/** The store, and where its state marker lives (none for a database in memory). */
export async function openStoreAndMarker(settings: StoreSettings, sqlitePath: string): Promise<{ store: Store; marker: () => Promise<MarkerPlace | undefined> }> {
  if (settings.kind === 'sqlite') {
    // Loaded only when chosen: the package deployed to App Service (Table Storage) carries no SQLite native module.
    const { SqliteStore } = await import('./sqlite-store.js');
    const store = SqliteStore.open({ path: sqlitePath });
    const marker = sqlitePath === ':memory:' ? undefined : new FileMarker(path.join(path.dirname(path.resolve(sqlitePath)), STATE_MARKER_FILE));
    return { store, marker: async () => marker };
  }
  const table = settings.table;
  if ('connectionString' in settings) {
    const endpoint = /TableEndpoint=([^;]+)/i.exec(settings.connectionString)?.[1] ?? '';
    // Plain http only to a local emulator (Azurite on loopback); anything else must be https.
    const access = { connectionString: settings.connectionString, allowInsecureConnection: endpoint.startsWith('http://') && isLoopbackUrl(endpoint) };
    return { store: await AzureTableStore.open({ ...access, table }), marker: () => TableMarker.open({ ...access, table }) };
  }
  const credential = settings.managedIdentityClientId ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId }) : new ManagedIdentityCredential();
  const access = { accountUrl: settings.accountUrl, credential };
  return { store: await AzureTableStore.open({ ...access, table }), marker: () => TableMarker.open({ ...access, table }) };
}

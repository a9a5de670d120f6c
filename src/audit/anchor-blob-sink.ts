// Anchors in Azure: append blobs, one a day, in a container whose time-based immutability policy allows protected
// append writes. This adapter only ever creates a blob that does not exist yet and appends blocks to it.

import { ManagedIdentityCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { AnchorBlobSettings } from '../config/anchor-settings.js';
import type { AnchorSink, AnchorSource, AuditAnchor } from './audit-anchor.js';

const PREFIX = 'anchors/';
/** A hung write must not hold up a graceful stop for long; the next checkpoint tries again. */
const CLIENT_OPTIONS: StoragePipelineOptions = { retryOptions: { maxTries: 3, tryTimeoutInMs: 15_000 } };

export class AppendBlobAnchorSink implements AnchorSink, AnchorSource {
  readonly name: string;
  readonly #container: ContainerClient;
  /** Blobs this process already made sure of: a day's blob is created once and appended to after that. */
  readonly #ready = new Set<string>();

  constructor(container: ContainerClient) {
    this.#container = container;
    // The container's URL, never a query string (a connection string's key stays out of it anyway).
    this.name = `append blobs in ${container.url.split('?')[0]}`;
  }

  static fromSettings(settings: AnchorBlobSettings): AppendBlobAnchorSink {
    const service =
      'connectionString' in settings
        ? BlobServiceClient.fromConnectionString(settings.connectionString, CLIENT_OPTIONS)
        : new BlobServiceClient(
            settings.accountUrl,
            settings.managedIdentityClientId ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId }) : new ManagedIdentityCredential(),
            CLIENT_OPTIONS,
          );
    return new AppendBlobAnchorSink(service.getContainerClient(settings.container));
  }

  /**
   * Appends one line to the blob of the anchor's day (UTC). The blob is created only if it does not exist
   * (If-None-Match: *), so a restarted service never truncates what an earlier one wrote.
   */
  async write(anchor: AuditAnchor): Promise<void> {
    const blobName = `${PREFIX}${anchor.at.slice(0, 10)}.jsonl`;
    const blob = this.#container.getAppendBlobClient(blobName);
    if (!this.#ready.has(blobName)) {
      await blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
      this.#ready.add(blobName);
    }
    const line = `${JSON.stringify(anchor)}\n`;
    await blob.appendBlock(line, Buffer.byteLength(line));
  }

  /** Every line of every day's blob, oldest day first. */
  async readLines(): Promise<string[]> {
    const lines: string[] = [];
    const names: string[] = [];
    for await (const item of this.#container.listBlobsFlat({ prefix: PREFIX })) names.push(item.name);
    for (const name of names.sort()) {
      const text = (await this.#container.getBlobClient(name).downloadToBuffer()).toString('utf8');
      lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
    }
    return lines;
  }
}

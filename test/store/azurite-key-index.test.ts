// The key index bench:outreach can give Azurite (src/dev/azurite-key-index.cjs) must not change a single answer: the
// store contract, unchanged, against an Azurite that has it; and the index itself against LokiJS's own lookups through
// every way Azurite changes a collection (insert, remove, its update as remove and insert, bulk removes).

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { useAzurite } from '../support/azurite.js';
import { describeStoreContract } from './store-contract.js';

const azurite = useAzurite({ keyIndex: true });
const table = `keyindex${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const open = () => AzureTableStore.open({ connectionString: azurite().connectionString, table, allowInsecureConnection: true, leaseClock: () => Date.now() });
describeStoreContract('Azure Table (Azurite with its key index)', open, { timeoutMs: 30_000 });
describeStoreContract('Azure Table (Azurite with its key index) behind the batching store', async () => new BatchingStore(await open()), { timeoutMs: 30_000 });

describe('the key index on LokiJS', () => {
  const require = createRequire(import.meta.url);
  // Azurite's own LokiJS, as the preload finds it.
  const fromAzurite = createRequire(require.resolve('azurite/package.json'));
  type Doc = { PartitionKey: string; RowKey: string; n: number };
  type Collection = {
    data: Doc[];
    insert(doc: Doc): Doc;
    remove(doc: Doc | Doc[]): void;
    findOne(query: object): Doc | null;
    find(query: object): Doc[];
    removeWhere(query: object): void;
    update(doc: Doc): void;
  };
  const Loki = fromAzurite('lokijs') as new (name: string) => { addCollection(name: string, options: object): Collection };

  it('answers every key lookup as LokiJS does, through inserts, removes, updates and bulk removes', () => {
    const plain = new Loki('plain.db').addCollection('entities', { indices: ['PartitionKey', 'RowKey'] });
    require('../../src/dev/azurite-key-index.cjs');
    const indexed = new Loki('indexed.db').addCollection('entities', { indices: ['PartitionKey', 'RowKey'] });
    const truth = (query: { PartitionKey: string; RowKey: string }) => plain.find({ $and: [{ PartitionKey: query.PartitionKey }, { RowKey: query.RowKey }] })[0] ?? null;
    const both = (change: (collection: Collection) => void) => {
      change(plain);
      change(indexed);
    };
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65_536) % below; // the high bits: an LCG's low bits repeat with a short period
    };
    const keyAt = () => ({ PartitionKey: `p${next(3)}`, RowKey: `r${next(40)}` });
    const checkAll = () => {
      for (let p = 0; p < 3; p++) {
        for (let r = 0; r < 40; r++) {
          const query = { PartitionKey: `p${p}`, RowKey: `r${r}` };
          expect(indexed.findOne(query)?.n ?? null, `${query.PartitionKey}/${query.RowKey}`).toBe(truth(query)?.n ?? null);
        }
      }
    };
    indexed.findOne({ PartitionKey: 'p0', RowKey: 'r0' }); // builds the (empty) index before anything is inserted
    for (let step = 0; step < 600; step++) {
      const key = keyAt();
      const found = indexed.findOne(key);
      const action = next(10);
      if (!found) both((collection) => collection.insert({ ...key, n: step }));
      else if (action < 4) both((collection) => collection.remove(collection === indexed ? found : (truth(key) as Doc)));
      else if (action < 8) {
        // Azurite's update: the old document out, a new one in.
        both((collection) => {
          collection.remove(collection === indexed ? found : (truth(key) as Doc));
          collection.insert({ ...key, n: step });
        });
      } else if (action < 9) {
        const partition = key.PartitionKey;
        both((collection) => collection.removeWhere({ PartitionKey: partition, RowKey: { $lt: 'r2' } }));
      } else {
        // A document changed in place, its key included (Azurite's merge updates in place; only the key move is ours).
        const moved = keyAt();
        const free = moved.PartitionKey === key.PartitionKey && !truth(moved);
        both((collection) => {
          const doc = collection === indexed ? found : (truth(key) as Doc);
          doc.n = step;
          if (free) doc.RowKey = moved.RowKey;
          collection.update(doc);
        });
      }
      checkAll();
    }
    checkAll();
    expect(indexed.data.length).toBe(plain.data.length);
  });
});

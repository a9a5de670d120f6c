// Preloaded into Azurite (node --require) when a benchmark asks for `keyIndex`: point operations by key at the cost
// Azure Table charges for them, not at the cost of the partition's size.
//
// Azurite keeps a table in a LokiJS collection indexed by PartitionKey and by RowKey separately. Every insert (which
// first looks the key up), update, delete and point read calls findOne({ PartitionKey, RowKey }): LokiJS narrows by
// the PartitionKey index, then tests every row of that partition for the RowKey, so a point operation on a 10 000-row
// partition touches 10 000 rows. Azure Table serves the same operation by its key. This keeps a Map from
// (PartitionKey, RowKey) to the document beside each collection and answers exactly those lookups from it; every other
// query goes to LokiJS as before. The Map follows every insert and remove (Azurite's update is a remove and an insert
// of a new document, and so are its batches' rollbacks); any other way of changing a collection (its merge updates in
// place) drops the Map, and the next lookup builds it again from the collection. Only for measuring: tests and
// `bench:outreach` start Azurite without it unless asked.

const path = require('node:path');

// Azurite's own copy of LokiJS, found from Azurite's entry script (the argument after the node options).
const lokiPath = require.resolve('lokijs', { paths: [path.dirname(process.argv[1] ?? process.cwd())] });
const Loki = require(lokiPath);
const collection = Loki.Collection?.prototype;
if (!collection || typeof collection.findOne !== 'function' || typeof collection.insert !== 'function' || typeof collection.remove !== 'function') {
  throw new Error(`azurite-key-index: ${lokiPath} is not the LokiJS this was written for (no Collection.findOne/insert/remove)`);
}

/** @type {WeakMap<object, Map<string, object>>} */
const indexes = new WeakMap();
const isEntity = (doc) => doc !== null && typeof doc === 'object' && typeof doc.PartitionKey === 'string' && typeof doc.RowKey === 'string';
const keyOf = (partitionKey, rowKey) => `${partitionKey}\u0000${rowKey}`;

function indexOf(coll) {
  let index = indexes.get(coll);
  if (!index) {
    index = new Map();
    for (const doc of coll.data) if (isEntity(doc)) index.set(keyOf(doc.PartitionKey, doc.RowKey), doc);
    indexes.set(coll, index);
  }
  return index;
}

const findOne = collection.findOne;
collection.findOne = function findOneByKey(query, ...rest) {
  if (isEntity(query) && Object.keys(query).length === 2) return indexOf(this).get(keyOf(query.PartitionKey, query.RowKey)) ?? null;
  return findOne.call(this, query, ...rest);
};

const insert = collection.insert;
collection.insert = function insertIndexed(...args) {
  const inserted = insert.apply(this, args);
  const index = indexes.get(this);
  if (index) for (const doc of Array.isArray(inserted) ? inserted : [inserted]) if (isEntity(doc)) index.set(keyOf(doc.PartitionKey, doc.RowKey), doc);
  return inserted;
};

const remove = collection.remove;
collection.remove = function removeIndexed(doc, ...rest) {
  const index = indexes.get(this);
  if (index) {
    for (const one of Array.isArray(doc) ? doc : [doc]) {
      // Removed by its $loki number or some other handle: the Map cannot tell which key went, so it is rebuilt.
      if (!isEntity(one)) {
        indexes.delete(this);
        break;
      }
      const key = keyOf(one.PartitionKey, one.RowKey);
      if (index.get(key) === one) index.delete(key);
    }
  }
  return remove.call(this, doc, ...rest);
};

// Whatever else changes a collection's documents in place or in bulk: the Map is dropped and rebuilt when next needed.
// (A query's chain only reads; a chain's remove goes through removeBatchByPositions.)
for (const name of ['update', 'clear', 'removeWhere', 'findAndRemove', 'findAndUpdate', 'updateWhere', 'removeDataOnly', 'removeBatch', 'removeBatchByPositions']) {
  const original = collection[name];
  if (typeof original !== 'function') continue;
  collection[name] = function dropIndex(...args) {
    indexes.delete(this);
    return original.apply(this, args);
  };
}

// startAzurite waits for this line before it trusts that the index is on.
process.stdout.write('azurite-key-index: point operations by key\n');

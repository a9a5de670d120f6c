// A Map used as a small cache of the most recently used entries: setting a key makes it the newest, and a full map
// lets its oldest entry go first. Maps keep insertion order, so the oldest is the first key.

/** Sets `key` as the newest entry, letting the oldest go when the map already holds `max`. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

const collectionName = /^[a-z][a-z0-9_]{0,50}$/;
const fieldName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Names end up in SQL identifiers and Mongo paths, so only plain ones are accepted. */
export function checkCollectionName(name: string): string {
  if (!collectionName.test(name)) throw new RangeError(`invalid collection name "${name}": lower-case letters, digits, underscores`);
  return name;
}

export function checkFieldName(name: string): string {
  if (!fieldName.test(name)) throw new RangeError(`invalid field name "${name}": a top-level member name`);
  return name;
}

export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`limit must be 1..1000, got ${limit}`);
  return limit;
}

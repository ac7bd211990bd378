/**
 * Vectors are stored at unit length, so cosine similarity is a plain dot product at search
 * time (one multiply-add per dimension, no square roots per candidate).
 */
export function toUnitVector(values: ArrayLike<number>): Float32Array {
  let sumOfSquares = 0;
  for (let index = 0; index < values.length; index++) sumOfSquares += values[index] * values[index];
  if (!(sumOfSquares > 0) || !Number.isFinite(sumOfSquares)) throw new Error('the embedding is empty, zero or not finite');
  const length = Math.sqrt(sumOfSquares);
  const unit = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) unit[index] = values[index] / length;
  return unit;
}

/** Cosine similarity of two unit vectors; -1 when their dimensions differ (never a match). */
export function dotProduct(left: Float32Array, right: Float32Array): number {
  if (left.length !== right.length) return -1;
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index] * right[index];
  return sum;
}

/** Little-endian float32 bytes (what Redis stores). */
export function vectorToBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function vectorFromBytes(bytes: Buffer): Float32Array {
  // Copied: a Buffer's offset into its pool need not be 4-byte aligned, which Float32Array requires.
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}

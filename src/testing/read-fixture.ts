import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Recorded provider responses live in `test/fixtures/` (see its README for provenance). */
const fixturesDirectory = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

export function readFixture(relativePath: string): string {
  return readFileSync(fixturesDirectory + relativePath, 'utf8');
}

export function readJsonFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFixture(relativePath)) as T;
}

/** A `.chunks.txt` fixture: one SSE `data:` payload per line. */
export function readChunkFixture<T = unknown>(relativePath: string): T[] {
  return readFixture(relativePath)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

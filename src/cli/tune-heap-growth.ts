import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1.3× what survived the last full GC before the next one. */
export const heapGrowingPercent = 30;

const flagName = '--heap-growing-percent';

/** Whether the operator set the flag, on node's command line or in NODE_OPTIONS (theirs wins). */
export function heapGrowthSetByOperator(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  const mentions = (argument: string) => argument === flagName || argument.startsWith(`${flagName}=`) || argument === '--heap_growing_percent' || argument.startsWith('--heap_growing_percent=');
  return execArgv.some(mentions) || nodeOptions.split(/\s+/).some(mentions);
}

/**
 * Caps how far V8 lets the old generation grow between full collections, for `sluice start`.
 * V8 picks that factor (1.1–4×) from its GC and allocation speeds and from the heap limit; with
 * this machine's 4 GB limit it allowed up to 4×, and under streaming load the gateway's old space
 * climbed round after round (peak RSS 149 → 201 MB over 24,000 streamed requests) while the live
 * objects stayed ~25 MB: garbage, not a leak. At 1.3× the peak stayed at 147–157 MB with the same
 * CPU per request (median ratio 1.005 over 6 alternating rounds; docs/benchmarks.md, "Memory").
 * V8 reads this flag at every full GC, so setting it after start takes effect; it applies to the
 * worker threads' isolates too.
 */
export function tuneHeapGrowth(): boolean {
  if (heapGrowthSetByOperator()) return false;
  setFlagsFromString(`${flagName}=${heapGrowingPercent}`);
  return true;
}

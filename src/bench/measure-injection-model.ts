import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { LocalEmbedder } from '../cache/semantic/local-embedder.js';
import { bundledInjectionModelPath, readInjectionModelFile } from '../guardrails/injection-model/injection-model-file.js';
import { InjectionModel } from '../guardrails/injection-model/injection-model.js';
import { twoKilobytePrompt } from './measure-guardrails.js';

/**
 * `node dist/bench/measure-injection-model.js [rounds]`: what the learned detector costs on a
 * 2 KB prompt, in-process — the whole score (chunks, n-grams and the sentence encoder in its
 * worker) and the n-gram part alone — as p50 wall time and as CPU time per call (the process's,
 * so the worker thread's is included). Prints the load average: on a shared machine wall time
 * moves with it, CPU time much less.
 */
const rounds = Number(process.argv[2] ?? 30);
const file = readInjectionModelFile(bundledInjectionModelPath);
const encoder = new LocalEmbedder();
const prompt = twoKilobytePrompt();

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(name: string, score: (text: string) => Promise<number>, count: number): Promise<void> {
  for (let index = 0; index < 3; index++) await score(prompt);
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    // A different last character each call, so nothing downstream can answer from a cache.
    const text = `${prompt.slice(0, -1)}${String.fromCharCode(97 + (index % 26))}`;
    const started = performance.now();
    await score(text);
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerCall = (cpu.user + cpu.system) / 1000 / count;
  console.log(`  ${name.padEnd(34)} p50 ${median(times).toFixed(2)} ms   CPU ${cpuPerCall.toFixed(2)} ms/call   (${count} calls)`);
}

try {
  await encoder.prepare();
  const chunks = Math.ceil(prompt.length / (file.chunk.size - file.chunk.overlap));
  console.log(`learned injection detector, ${prompt.length}-character prompt (~${chunks} chunks of ${file.chunk.size}); ${cpus().length} cores, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
  const full = new InjectionModel(file, (text) => encoder.embed(text));
  await measure('whole score (n-grams + encoder)', (text) => full.score(text), rounds);
  const ngramsOnly = new InjectionModel({ ...file, features: { ...file.features, embedding: null } }, undefined);
  await measure('n-gram features + linear head only', (text) => ngramsOnly.score(text), rounds * 20);
  console.log(`  load average after: ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
} finally {
  await encoder.close();
}

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Readers of another process's memory and CPU from /proc and from node's diagnostic report. */

const megabytes = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export interface ResidentMemory {
  /** VmRSS. */
  rssMegabytes: number;
  /** Anonymous pages: V8 heaps, malloc arenas, thread stacks, native buffers. */
  anonymousMegabytes: number;
  /** File-backed pages: the node binary's code and data, shared libraries (libsql's .node). */
  fileMegabytes: number;
}

export function residentMemory(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rssMegabytes: megabytes(field('VmRSS')), anonymousMegabytes: megabytes(field('RssAnon')), fileMegabytes: megabytes(field('RssFile')) };
}

/** User + system CPU time the process (all its threads) has used, in seconds. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
  // utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Samples VmRSS every `intervalMs` until stopped; returns the highest value seen. */
export function sampleResidentPeak(pid: number, intervalMs = 50): { stop(): number } {
  let peak = residentMemory(pid).rssMegabytes;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, residentMemory(pid).rssMegabytes);
    } catch {
      // The process ended; the peak so far stands.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

interface ReportHeapSpace {
  memorySize: number;
  committedMemory: number;
  used: number;
}

interface ReportHeap {
  totalMemory: number;
  totalCommittedMemory: number;
  usedMemory: number;
  externalMemory: number;
  mallocedMemory: number;
  peakMallocedMemory: number;
  heapSpaces: Record<string, ReportHeapSpace>;
}

interface DiagnosticReport {
  javascriptHeap: ReportHeap;
  workers?: Array<{ javascriptHeap: ReportHeap }>;
}

export interface HeapFigures {
  /** Memory V8 reserved for the isolate's heap (all spaces). */
  totalMegabytes: number;
  committedMegabytes: number;
  usedMegabytes: number;
  /** Memory held outside the heap by JS objects (Buffers, ArrayBuffers). */
  externalMegabytes: number;
  /** V8's own malloc peak (compiler zones and the like), which the allocator may keep afterwards. */
  peakMallocedMegabytes: number;
  /** Per heap space: committed / used MB; empty spaces left out. */
  spaces: Record<string, string>;
}

function heapFigures(heap: ReportHeap): HeapFigures {
  const spaces: Record<string, string> = {};
  for (const [name, space] of Object.entries(heap.heapSpaces)) {
    if (space.committedMemory > 0) spaces[name] = `${megabytes(space.committedMemory)} / ${megabytes(space.used)}`;
  }
  return {
    totalMegabytes: megabytes(heap.totalMemory),
    committedMegabytes: megabytes(heap.totalCommittedMemory),
    usedMegabytes: megabytes(heap.usedMemory),
    externalMegabytes: megabytes(heap.externalMemory),
    peakMallocedMegabytes: megabytes(heap.peakMallocedMemory),
    spaces,
  };
}

export interface ProcessHeaps {
  main: HeapFigures;
  /** One per worker thread alive at the time (the SQLite request-log writer). */
  workers: HeapFigures[];
}

/**
 * Heap figures of a node process started with `--report-on-signal --report-directory=DIRECTORY`
 * (and the default signal, SIGUSR2): node writes a diagnostic report, with every worker thread's
 * heap, when signalled. The report is read and deleted.
 */
export async function requestHeapReport(pid: number, directory: string, timeoutMs = 30_000): Promise<ProcessHeaps> {
  const existing = new Set(readdirSync(directory));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const written = readdirSync(directory).find((name) => name.endsWith('.json') && !existing.has(name));
    if (!written) continue;
    const path = join(directory, written);
    let report: DiagnosticReport;
    try {
      report = JSON.parse(readFileSync(path, 'utf8')) as DiagnosticReport;
    } catch {
      continue; // Still being written.
    }
    rmSync(path, { force: true });
    return { main: heapFigures(report.javascriptHeap), workers: (report.workers ?? []).map((worker) => heapFigures(worker.javascriptHeap)) };
  }
  throw new Error(`no diagnostic report from process ${pid} within ${timeoutMs} ms`);
}

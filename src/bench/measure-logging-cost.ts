import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { RequestLogService } from '../observability/request-log-service.js';
import { startGateway } from '../server/start-gateway.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { measureThroughput, type ThroughputSummary } from './measure-throughput.js';

const distDirectory = fileURLToPath(new URL('..', import.meta.url));
const connections = 50;

function startGatewayProcess(configPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const record = JSON.parse(line) as { url?: string };
        if (record.url) resolve({ child, url: record.url });
      } catch {
        // Not a JSON log line.
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

export interface LoggingThroughput {
  rounds: Array<{ onRps: number; offRps: number }>;
  /** Median over rounds of on/off: 1 means logging costs nothing measurable. */
  medianRatio: number;
  onMedianRps: number;
  offMedianRps: number;
  /** Rows in the log-on gateway's table afterwards, to show the log really was written. */
  rowsWritten: number;
}

/** A run with failed requests measures the failure, not logging: stop rather than report it. */
function healthy(summary: ThroughputSummary): number {
  if (summary.errors + summary.non2xx > 0) throw new Error(`load run had ${summary.errors} errors and ${summary.non2xx} non-2xx answers`);
  if (summary.requestsPerSecond <= 0) throw new Error('load run completed no requests (machine starved?)');
  return summary.requestsPerSecond;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * Issue 7 target: logging on (metadata only, SQLite) costs under 5 % of throughput. Two gateway
 * processes, identical but for `request_log.enabled`, behind the same upstream, loaded in
 * alternating rounds (on-off, off-on, …) so the machine's drift falls on both sides alike; the
 * figure is the median of the per-round ratios. Auth is off in both: only logging differs.
 */
export async function measureLoggingThroughput(upstreamUrl: string, rounds = 6, seconds = 5): Promise<LoggingThroughput> {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-logging-cost-'));
  const configFor = (name: string, enabled: boolean) => {
    const path = join(directory, `${name}.yaml`);
    writeFileSync(
      path,
      `server: { host: 127.0.0.1, port: 0 }\nstorage: "sqlite:${join(directory, `${name}.db`)}"\nauth: { required: false }\nadmin: { token: bench-admin-token }\nlogging: { level: info }\n` +
        `request_log: { enabled: ${enabled}, bodies: "off" }\nproviders:\n  bench: { type: openai, base_url: "${upstreamUrl}/v1", api_key: sk-bench }\n`,
    );
    return path;
  };
  const on = await startGatewayProcess(configFor('on', true));
  const off = await startGatewayProcess(configFor('off', false));
  try {
    const body = JSON.stringify({ model: 'bench/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, who are you?' }] });
    const load = (url: string, duration: number) => measureThroughput(`${url}/v1/chat/completions`, body, connections, duration);
    await load(on.url, 2);
    await load(off.url, 2);
    const results: LoggingThroughput['rounds'] = [];
    for (let round = 0; round < rounds; round++) {
      const [first, second] = round % 2 === 0 ? [on, off] : [off, on];
      const firstRps = healthy(await load(first.url, seconds));
      const secondRps = healthy(await load(second.url, seconds));
      results.push(first === on ? { onRps: firstRps, offRps: secondRps } : { onRps: secondRps, offRps: firstRps });
    }
    on.child.kill('SIGTERM');
    await new Promise((resolve) => on.child.once('exit', resolve));
    const store = await openStore(`sqlite:${join(directory, 'on.db')}`);
    const rowsWritten = (await store.queryRequestLogs({ limit: 1 })).records.length > 0 ? await countLogRows(store) : 0;
    await store.close();
    return {
      rounds: results,
      medianRatio: median(results.map((result) => result.onRps / result.offRps)),
      onMedianRps: median(results.map((result) => result.onRps)),
      offMedianRps: median(results.map((result) => result.offRps)),
      rowsWritten,
    };
  } finally {
    on.child.kill('SIGTERM');
    off.child.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Pages through the table (the store has no count): only used once, after the load. */
async function countLogRows(store: Store): Promise<number> {
  let rows = 0;
  let cursor: string | undefined;
  do {
    const page = await store.queryRequestLogs({ limit: 1000, ...(cursor ? { cursor } : {}) });
    rows += page.records.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

export interface RecordCost {
  /** Build the record and queue it (what the log stage adds per request with logging on). */
  buildAndQueueMicroseconds: number;
  /** Build only (done with logging off too: the metrics read the same record). */
  buildOnlyMicroseconds: number;
}

/**
 * The in-process CPU cost per request of the request log: `RequestLogService.record()` on the
 * context of a real chat request (captured from an in-process gateway), into a writer whose store
 * accepts batches at once, so the figure is building and queueing alone. Best of `rounds` short
 * rounds of `perRound` calls: on a shared machine a short round is likelier to run undisturbed,
 * and the minimum is the cost without the machine's interference.
 */
export async function measureRecordCost(perRound = 1_000, rounds = 300): Promise<RecordCost> {
  const upstream = await startFakeOpenAIUpstream({ record: false });
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: 'memory',
      auth: { required: false },
      providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
      pricing: { 'openai/gpt-4o-mini': { input: 0.15, output: 0.6 } },
    },
    'bench config',
  );
  const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), environment: {} });
  let captured: RequestContext | undefined;
  const { logs } = gateway.gateway;
  const original = logs.record.bind(logs);
  logs.record = (context, error, now) => {
    captured = context;
    return original(context, error, now);
  };
  try {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sluice-metadata': '{"user":"u-1","feature":"search"}', 'user-agent': 'OpenAI/Python 1.54.0' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, who are you?' }] }),
    });
    if (response.status !== 200) throw new Error(`bench request failed: ${response.status}`);
    await response.arrayBuffer();
    if (!captured) throw new Error('no request context captured');
    const context = captured;
    const accepting: Pick<Store, 'insertRequestLogs' | 'pruneRequestLogs'> = { insertRequestLogs: async () => {}, pruneRequestLogs: async () => 0 };
    const logger = pino({ level: 'silent' });
    const loggingOn = new RequestLogService({ ...config.request_log, enabled: true, bodies: 'off' }, accepting as Store, logger);
    const loggingOff = new RequestLogService({ ...config.request_log, enabled: false }, accepting as Store, logger);
    const round = async (service: RequestLogService) => {
      const started = performance.now();
      for (let call = 0; call < perRound; call++) service.record(context, undefined, performance.now());
      const microseconds = ((performance.now() - started) * 1000) / perRound;
      // Lets the writer drain its batches between rounds, as its timer would.
      await service.writer.flush();
      return microseconds;
    };
    // Warm-up, then the two kinds interleaved round by round so both see the same machine.
    for (let index = 0; index < 20; index++) await Promise.all([round(loggingOn), round(loggingOff)]);
    let bestOn = Infinity;
    let bestOff = Infinity;
    for (let index = 0; index < rounds; index++) {
      bestOn = Math.min(bestOn, await round(loggingOn));
      bestOff = Math.min(bestOff, await round(loggingOff));
    }
    // The record timed is a full one: a regression that skipped work would show here.
    const sample = loggingOn.record(context, undefined, performance.now());
    if (sample?.metadata.user !== 'u-1' || sample.prompt_tokens === null || sample.cost_usd === null || loggingOn.writer.written === 0) throw new Error('the timed record is incomplete');
    await loggingOn.close();
    await loggingOff.close();
    return { buildAndQueueMicroseconds: bestOn, buildOnlyMicroseconds: bestOff };
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

export function formatLoggingCost(throughput: LoggingThroughput | undefined, record: RecordCost): string[] {
  const lines = [
    `Request log cost per request, in-process (best of 300 rounds of 1,000 calls): build + queue ${record.buildAndQueueMicroseconds.toFixed(2)} µs; build only (logging off, for metrics) ${record.buildOnlyMicroseconds.toFixed(2)} µs.`,
  ];
  if (throughput) {
    lines.push(
      '',
      `Logging on vs off (metadata only, SQLite; ${throughput.rounds.length} alternating rounds at ${connections} connections; ${throughput.rowsWritten} rows written by the on side):`,
      '',
      '| round | log on req/s | log off req/s | on/off |',
      '|---|---|---|---|',
      ...throughput.rounds.map((round, index) => `| ${index + 1} | ${round.onRps.toFixed(0)} | ${round.offRps.toFixed(0)} | ${(round.onRps / round.offRps).toFixed(3)} |`),
      '',
      `Median on/off ratio: ${throughput.medianRatio.toFixed(3)} (logging costs ${((1 - throughput.medianRatio) * 100).toFixed(1)} % of throughput; target under 5 %).`,
    );
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const record = await measureRecordCost();
  console.log(formatLoggingCost(undefined, record).join('\n'));
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** Shared by the benchmark scripts: child processes, the benchmark's gateway config, RSS. */
export const distDirectory = fileURLToPath(new URL('..', import.meta.url));

/** Starts a child (`command` defaults to node) and waits until `waitFor` extracts a value from one of its stdout lines. */
export function startChild(
  args: string[],
  waitFor: (line: string) => string | undefined,
  command: string = process.execPath,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; value: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: environment });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const value = waitFor(line);
      if (value) resolve({ child, value });
    });
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)));
  });
}

export const urlLine = (line: string): string | undefined => (line.startsWith('http') ? line : undefined);

/** The gateway prints one JSON line with its `url` once it listens. */
export function gatewayUrlLine(line: string): string | undefined {
  try {
    return (JSON.parse(line) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

export function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kilobytes / 1024;
}

export interface BenchGatewayConfig {
  configPath: string;
  /** `authorization` header with the benchmark key's secret. */
  authorization: Record<string, string>;
}

/**
 * The benchmark's gateway config: auth on (as in production) with a SQLite store, one team and
 * key made with the CLI, one `openai`-type provider pointing at the fake upstream.
 */
export function writeBenchGatewayConfig(upstreamUrl: string): BenchGatewayConfig {
  const configDirectory = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const configPath = join(configDirectory, 'sluice.yaml');
  writeFileSync(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }\nstorage: "sqlite:${join(configDirectory, 'sluice.db')}"\nauth: { required: true }\nadmin: { token: bench-admin-token }\nlogging: { level: info }\n` +
      `providers:\n  bench: { type: openai, base_url: "${upstreamUrl}/v1", api_key: sk-bench }\n`,
  );
  const cli = join(distDirectory, 'cli/main.js');
  execFileSync(process.execPath, [cli, 'teams', 'create', 'bench', '--config', configPath]);
  const created = JSON.parse(execFileSync(process.execPath, [cli, 'keys', 'create', '--team', 'bench', '--models', 'bench/*', '--json', '--config', configPath], { encoding: 'utf8' })) as { secret: string };
  return { configPath, authorization: { authorization: `Bearer ${created.secret}` } };
}

export const benchChatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, who are you?' }] });
export const benchStreamingBody = benchChatBody.replace('{', '{"stream":true,');
export const viaGateway = (body: string): string => body.replace('"gpt-4o-mini"', '"bench/gpt-4o-mini"');

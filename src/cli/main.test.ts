import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const cli = fileURLToPath(new URL('./main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'sluice-cli-'));

function writeConfig(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

test('config check: valid file exits 0, invalid exits 1 with the path and reason', () => {
  const good = writeConfig('good.yaml', 'providers:\n  openai: { type: openai }\nroutes:\n  chat: { targets: [{ model: openai/gpt-4o-mini }] }\n');
  const valid = spawnSync(process.execPath, [cli, 'config', 'check', good, '--json'], { encoding: 'utf8' });
  assert.equal(valid.status, 0, valid.stderr);
  assert.deepEqual(JSON.parse(valid.stdout), { valid: true, file: good, providers: ['openai'], routes: ['chat'] });

  const bad = writeConfig('bad.yaml', 'providers:\n  openai: { type: openai }\nroutes:\n  chat: { targets: [{ model: antropic/claude }] }\n');
  const invalid = spawnSync(process.execPath, [cli, 'config', 'check', bad], { encoding: 'utf8' });
  assert.equal(invalid.status, 1);
  assert.match(invalid.stderr, /routes\.chat\.targets\[0\]\.model: unknown provider "antropic"/);
});

test('start: --port and --host override the file; invalid config refuses to start', async () => {
  const config = writeConfig('start.yaml', 'server: { port: 1 }\nstorage: memory\nauth: { required: false }\n');
  const child = spawn(process.execPath, [cli, 'start', '--config', config, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const record = JSON.parse(line) as { url?: string };
        if (record.url) resolve(record.url);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(url, 'http://127.0.0.1:1');
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
  const broken = writeConfig('broken.yaml', 'server: { port: -5 }\n');
  const refused = spawnSync(process.execPath, [cli, 'start', '--config', broken], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /server\.port:/);
});

test('unknown commands exit 2 with the usage', () => {
  const result = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Usage: sluice/);
});

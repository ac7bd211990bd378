import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openStore } from '../store/open-store.js';

const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

test('the real CLI: 10,000 requests, then SIGTERM, and every record is in the SQLite file', { timeout: 180_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-shutdown-'));
  const database = join(directory, 'sluice.db');
  // A flush interval longer than the test and a batch larger than the load: nothing is written
  // before SIGTERM, so every record reaches the file through the shutdown flush or not at all.
  const config = join(directory, 'sluice.yaml');
  writeFileSync(config, `storage: "sqlite:${database}"\nauth: { required: false }\nrequest_log: { flush_interval_ms: 600000, batch_size: 20000, queue_size: 20000 }\nlogging: { level: info }\n`);
  const child = spawn(process.execPath, [cli, 'start', '--config', config, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = JSON.parse(line) as { url?: string };
      if (record.url) resolve(record.url);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
  const total = 10_000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (sent < total) {
        sent++;
        const response = await fetch(`${url}/v1/models`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
      }
    }),
  );
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
  const store = await openStore(`sqlite:${database}`);
  try {
    const page = await store.queryRequestLogs({ limit: total + 100 });
    assert.equal(page.records.length, total);
    assert.ok(page.records.every((record) => record.endpoint === 'models' && record.status === 200));
  } finally {
    await store.close();
  }
});

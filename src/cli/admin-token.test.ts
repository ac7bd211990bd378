import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const cli = fileURLToPath(new URL('./main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'sluice-admin-token-'));
const config = join(directory, 'sluice.yaml');
writeFileSync(config, `server: { port: 0 }\nstorage: sqlite:${join(directory, 'sluice.db')}\nlogging: { level: info }\n`);

/** Starts the gateway, returns its URL, everything it wrote to stderr so far, and a stop function. */
async function start(): Promise<{ url: string; stderr: () => string; stop: () => void }> {
  const child = spawn(process.execPath, [cli, 'start', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = JSON.parse(line) as { url?: string };
      if (record.url) resolve(record.url);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { url, stderr: () => stderr, stop: () => child.kill('SIGTERM') };
}

test('without admin.token the first start generates one, prints it once, and it works', async () => {
  const first = await start();
  let token: string;
  try {
    token = /(sluice-admin-[A-Za-z0-9_-]{43})/.exec(first.stderr())?.[1] ?? '';
    assert.ok(token, `no token printed: ${first.stderr()}`);
    const allowed = await fetch(`${first.url}/admin/api/v1/teams`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(allowed.status, 200);
    const refused = await fetch(`${first.url}/admin/api/v1/teams`, { headers: { authorization: 'Bearer sluice-admin-wrong' } });
    assert.equal(refused.status, 401);
  } finally {
    first.stop();
  }
  const second = await start();
  try {
    assert.doesNotMatch(second.stderr(), /sluice-admin-/, 'printed only at the first start');
    const stillValid = await fetch(`${second.url}/admin/api/v1/teams`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(stillValid.status, 200);
  } finally {
    second.stop();
  }
});

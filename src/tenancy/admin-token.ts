import type { Store } from '../store/store.js';
import { generateAdminToken, hashSecret } from './secret-keys.js';

const settingName = 'admin_token_sha256';

/**
 * The admin token's hash: from `admin.token` in the config, else the one generated at the
 * store's first start. Only the hash is stored; the generated token is handed to `announce`
 * once (printed by the CLI) and is not recoverable afterwards — set `admin.token` to replace it.
 */
export async function resolveAdminTokenHash(configured: string | undefined, store: Store, announce: (token: string) => void): Promise<string> {
  if (configured) return hashSecret(configured);
  const stored = await store.getSetting(settingName);
  if (stored) return stored;
  const token = generateAdminToken();
  if (await store.setSettingIfAbsent(settingName, hashSecret(token))) {
    announce(token);
    return hashSecret(token);
  }
  // Another instance starting at the same moment won: use its token.
  return (await store.getSetting(settingName))!;
}

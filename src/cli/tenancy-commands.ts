import type { GatewayConfig } from '../config/config-schema.js';
import { openStore } from '../store/open-store.js';
import { TenancyService } from '../tenancy/tenancy-service.js';
import { CredentialCipher } from '../tenancy/credential-cipher.js';
import { formatTable, limitsFromFlags, parseDuration, parseModels } from './cli-options.js';

export interface TenancyFlags {
  json: boolean;
  team?: string;
  models?: string;
  name?: string;
  expires?: string;
  rpm?: string;
  tpm?: string;
  rpd?: string;
  tpd?: string;
  parallel?: string;
  budget?: string;
}

async function withTenancy<T>(config: GatewayConfig, work: (tenancy: TenancyService) => Promise<T>): Promise<T> {
  const store = await openStore(config.storage);
  try {
    return await work(new TenancyService({ store, actor: 'cli', cipher: CredentialCipher.fromEnvironment() }));
  } finally {
    await store.close();
  }
}

const keyColumns = ['id', 'name', 'team_id', 'secret_prefix', 'status', 'allowed_models', 'expires_at'];
const teamColumns = ['id', 'name', 'allowed_models', 'created_at'];

/** `sluice keys create|list|revoke` against the configured store. */
export async function runKeysCommand(config: GatewayConfig, action: string | undefined, argument: string | undefined, flags: TenancyFlags): Promise<number> {
  return withTenancy(config, async (tenancy) => {
    if (action === 'create') {
      if (!flags.team) throw new Error('keys create: --team is required (a team name or id; create one with `sluice teams create NAME`)');
      const team = await tenancy.findTeam(flags.team);
      const expires = flags.expires ? new Date(Date.now() + parseDuration(flags.expires)).toISOString() : undefined;
      const { key, secret } = await tenancy.createKey({
        name: flags.name ?? argument ?? `key-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`,
        team_id: team.id,
        ...(flags.models !== undefined && { allowed_models: parseModels(flags.models) }),
        ...(expires && { expires_at: expires }),
        ...(limitsFromFlags(flags) && { limits: limitsFromFlags(flags) }),
      });
      if (flags.json) console.log(JSON.stringify({ key, secret }));
      else console.log(`Created key ${key.id} (${key.name}) in team ${team.name}.\nSecret (shown only now, store it safely):\n${secret}`);
      return 0;
    }
    if (action === 'list') {
      const teamId = flags.team ? (await tenancy.findTeam(flags.team)).id : undefined;
      const keys = await tenancy.listKeys(teamId ? { teamId } : {});
      console.log(flags.json ? JSON.stringify(keys) : formatTable(keys, keyColumns));
      return 0;
    }
    if (action === 'revoke') {
      if (!argument) throw new Error('keys revoke: give the key id (see `sluice keys list`)');
      const key = await tenancy.revokeKey(argument);
      console.log(flags.json ? JSON.stringify(key) : `Revoked key ${key.id} (${key.name}).`);
      return 0;
    }
    console.error('Usage: sluice keys create --team T [--name N] [--models GLOBS] [--rpm N] [--tpm N] [--budget USD/month] [--expires 30d] | keys list [--team T] | keys revoke ID');
    return 2;
  });
}

/** `sluice teams create|list` against the configured store. */
export async function runTeamsCommand(config: GatewayConfig, action: string | undefined, argument: string | undefined, flags: TenancyFlags): Promise<number> {
  return withTenancy(config, async (tenancy) => {
    if (action === 'create') {
      const name = argument ?? flags.name;
      if (!name) throw new Error('teams create: give the team name');
      const team = await tenancy.createTeam({
        name,
        ...(flags.models !== undefined && { allowed_models: parseModels(flags.models) }),
        ...(limitsFromFlags(flags) && { limits: limitsFromFlags(flags) }),
      });
      console.log(flags.json ? JSON.stringify(team) : `Created team ${team.id} (${team.name}).`);
      return 0;
    }
    if (action === 'list') {
      const teams = await tenancy.listTeams();
      console.log(flags.json ? JSON.stringify(teams) : formatTable(teams, teamColumns));
      return 0;
    }
    console.error('Usage: sluice teams create NAME [--models GLOBS] [--rpm N] [--budget USD/month] | teams list');
    return 2;
  });
}

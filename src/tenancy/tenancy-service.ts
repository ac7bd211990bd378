import type { Store } from '../store/store.js';
import { StoreConflictError } from '../store/store.js';
import type { KeyRecord, LimitSettings, TeamRecord } from '../store/store-records.js';
import { GatewayError, InvalidRequestError, NotFoundError } from '../errors/gateway-errors.js';
import { generateGatewayKey, hashSecret, newId, visiblePrefix } from './secret-keys.js';
import { CredentialCipher, MissingMasterKeyError } from './credential-cipher.js';
import {
  credentialCreateInput,
  keyCreateInput,
  keyRotateInput,
  keyUpdateInput,
  parseInput,
  teamCreateInput,
  teamUpdateInput,
  type LimitsInput,
} from './tenancy-inputs.js';
import { credentialView, keyView, type CredentialView, type KeyView } from './tenancy-views.js';

export class ConflictError extends GatewayError {
  constructor(message: string, param: string) {
    super(409, 'invalid_request_error', message, { code: 'conflict', param });
  }
}

const noLimits: LimitSettings = { rpm: null, rpd: null, tpm: null, tpd: null, max_parallel: null, budget_usd: null, budget_period: null };

function limitsFrom(input: LimitsInput | undefined, base: LimitSettings = noLimits): LimitSettings {
  return { ...base, ...Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined)) } as LimitSettings;
}

/** A key can only narrow its team: none of its limits may exceed the team's. */
function checkNarrowing(key: LimitSettings, team: LimitSettings): void {
  for (const field of ['rpm', 'rpd', 'tpm', 'tpd', 'max_parallel'] as const) {
    const teamLimit = team[field];
    const keyLimit = key[field];
    if (teamLimit !== null && keyLimit !== null && keyLimit > teamLimit) {
      throw new InvalidRequestError(`limits.${field}: ${keyLimit} exceeds the team's limit of ${teamLimit}`, { code: 'invalid_value', param: `limits.${field}` });
    }
  }
  if (team.budget_usd !== null && key.budget_usd !== null && team.budget_period === key.budget_period && key.budget_usd > team.budget_usd) {
    throw new InvalidRequestError(`limits.budget_usd: ${key.budget_usd} exceeds the team's budget of ${team.budget_usd}`, { code: 'invalid_value', param: 'limits.budget_usd' });
  }
}

async function translateConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreConflictError) throw new ConflictError(error.message, error.field);
    throw error;
  }
}

export interface TenancyOptions {
  store: Store;
  /** Who makes the changes, for the audit log. */
  actor: string;
  cipher?: CredentialCipher;
  /** Called after a key changed or was removed, so caches of it can be dropped at once. */
  onKeyChanged?: (keyId: string) => void;
  now?: () => Date;
}

/** Teams, keys and provider credentials: every change validated and written to the audit log. */
export class TenancyService {
  private readonly store: Store;
  private readonly now: () => Date;

  constructor(private readonly options: TenancyOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
  }

  private async audit(action: string, targetType: string, targetId: string | null, details: Record<string, unknown>, actor = this.options.actor) {
    await this.store.appendAudit({ at: this.now().toISOString(), actor, action, target_type: targetType, target_id: targetId, details });
  }

  async createTeam(body: unknown, actor?: string): Promise<TeamRecord> {
    const input = parseInput(teamCreateInput, body);
    const at = this.now().toISOString();
    const team: TeamRecord = {
      id: newId('team'),
      name: input.name,
      allowed_models: input.allowed_models ?? null,
      limits: limitsFrom(input.limits),
      metadata: input.metadata ?? {},
      created_at: at,
      updated_at: at,
    };
    await translateConflict(() => this.store.insertTeam(team));
    await this.audit('team.create', 'team', team.id, { name: team.name }, actor);
    return team;
  }

  async getTeam(id: string): Promise<TeamRecord> {
    const team = await this.store.getTeam(id);
    if (!team) throw new NotFoundError(`No team with id "${id}".`, 'team_not_found', 'team_id');
    return team;
  }

  /** A team by id, or by name (the CLI takes names). */
  async findTeam(idOrName: string): Promise<TeamRecord> {
    const team = (await this.store.getTeam(idOrName)) ?? (await this.store.getTeamByName(idOrName));
    if (!team) throw new NotFoundError(`No team "${idOrName}".`, 'team_not_found', 'team');
    return team;
  }

  listTeams(): Promise<TeamRecord[]> {
    return this.store.listTeams();
  }

  async updateTeam(id: string, body: unknown, actor?: string): Promise<TeamRecord> {
    const input = parseInput(teamUpdateInput, body);
    const current = await this.getTeam(id);
    const updated = await translateConflict(() =>
      this.store.updateTeam(id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.allowed_models !== undefined && { allowed_models: input.allowed_models }),
        ...(input.limits !== undefined && { limits: limitsFrom(input.limits, current.limits) }),
        ...(input.metadata !== undefined && { metadata: input.metadata }),
        updated_at: this.now().toISOString(),
      }),
    );
    if (!updated) throw new NotFoundError(`No team with id "${id}".`, 'team_not_found', 'team_id');
    for (const key of await this.store.listKeys({ teamId: id })) this.options.onKeyChanged?.(key.id);
    await this.audit('team.update', 'team', id, { fields: Object.keys(input) }, actor);
    return updated;
  }

  async deleteTeam(id: string, actor?: string): Promise<void> {
    const keys = await this.store.listKeys({ teamId: id });
    if (!(await this.store.deleteTeam(id))) throw new NotFoundError(`No team with id "${id}".`, 'team_not_found', 'team_id');
    for (const key of keys) this.options.onKeyChanged?.(key.id);
    await this.audit('team.delete', 'team', id, { deleted_keys: keys.length }, actor);
  }

  /** Creates a key; the secret is in the result and nowhere else, ever. */
  async createKey(body: unknown, actor?: string): Promise<{ key: KeyView; secret: string }> {
    const input = parseInput(keyCreateInput, body);
    const team = await this.store.getTeam(input.team_id);
    if (!team) throw new NotFoundError(`No team with id "${input.team_id}".`, 'team_not_found', 'team_id');
    const limits = limitsFrom(input.limits);
    checkNarrowing(limits, team.limits);
    const secret = generateGatewayKey();
    const at = this.now().toISOString();
    const key: KeyRecord = {
      id: newId('key'),
      name: input.name,
      team_id: team.id,
      secret_prefix: visiblePrefix(secret),
      secret_hash: hashSecret(secret),
      previous_secret_hash: null,
      previous_secret_expires_at: null,
      allowed_models: input.allowed_models ?? null,
      expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
      disabled: false,
      metadata: input.metadata ?? {},
      limits,
      created_at: at,
      updated_at: at,
    };
    await translateConflict(() => this.store.insertKey(key));
    await this.audit('key.create', 'key', key.id, { name: key.name, team_id: team.id }, actor);
    return { key: keyView(key), secret };
  }

  async getKey(id: string): Promise<KeyView> {
    return keyView(await this.keyRecord(id));
  }

  private async keyRecord(id: string): Promise<KeyRecord> {
    const key = await this.store.getKey(id);
    if (!key) throw new NotFoundError(`No key with id "${id}".`, 'key_not_found', 'key_id');
    return key;
  }

  async listKeys(filter: { teamId?: string } = {}): Promise<KeyView[]> {
    const now = this.now().getTime();
    return (await this.store.listKeys(filter)).map((key) => keyView(key, now));
  }

  async updateKey(id: string, body: unknown, actor?: string): Promise<KeyView> {
    const input = parseInput(keyUpdateInput, body);
    const current = await this.keyRecord(id);
    const limits = input.limits !== undefined ? limitsFrom(input.limits, current.limits) : undefined;
    if (limits) checkNarrowing(limits, (await this.getTeam(current.team_id)).limits);
    const updated = await translateConflict(() =>
      this.store.updateKey(id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.allowed_models !== undefined && { allowed_models: input.allowed_models }),
        ...(input.expires_at !== undefined && { expires_at: input.expires_at === null ? null : new Date(input.expires_at).toISOString() }),
        ...(input.disabled !== undefined && { disabled: input.disabled }),
        ...(input.metadata !== undefined && { metadata: input.metadata }),
        ...(limits && { limits }),
        updated_at: this.now().toISOString(),
      }),
    );
    if (!updated) throw new NotFoundError(`No key with id "${id}".`, 'key_not_found', 'key_id');
    this.options.onKeyChanged?.(id);
    await this.audit(input.disabled === true ? 'key.revoke' : 'key.update', 'key', id, { fields: Object.keys(input) }, actor);
    return keyView(updated);
  }

  /** Revocation disables the key: it stays listed (and in the audit log) but authenticates nothing. */
  revokeKey(id: string, actor?: string): Promise<KeyView> {
    return this.updateKey(id, { disabled: true }, actor);
  }

  async deleteKey(id: string, actor?: string): Promise<void> {
    if (!(await this.store.deleteKey(id))) throw new NotFoundError(`No key with id "${id}".`, 'key_not_found', 'key_id');
    this.options.onKeyChanged?.(id);
    await this.audit('key.delete', 'key', id, {}, actor);
  }

  /** A new secret; the old one keeps working for `grace_seconds` (0: stops at once). */
  async rotateKey(id: string, body: unknown, actor?: string): Promise<{ key: KeyView; secret: string }> {
    const input = parseInput(keyRotateInput, body ?? {});
    const current = await this.keyRecord(id);
    const secret = generateGatewayKey();
    const now = this.now();
    const graceEnds = input.grace_seconds > 0 ? new Date(now.getTime() + input.grace_seconds * 1000).toISOString() : null;
    const updated = await this.store.updateKey(id, {
      secret_prefix: visiblePrefix(secret),
      secret_hash: hashSecret(secret),
      previous_secret_hash: graceEnds ? current.secret_hash : null,
      previous_secret_expires_at: graceEnds,
      updated_at: now.toISOString(),
    });
    if (!updated) throw new NotFoundError(`No key with id "${id}".`, 'key_not_found', 'key_id');
    this.options.onKeyChanged?.(id);
    await this.audit('key.rotate', 'key', id, { grace_seconds: input.grace_seconds }, actor);
    return { key: keyView(updated), secret };
  }

  async createCredential(body: unknown, knownProviders: readonly string[], actor?: string): Promise<CredentialView> {
    const input = parseInput(credentialCreateInput, body);
    if (!knownProviders.includes(input.provider)) {
      throw new InvalidRequestError(`provider: unknown provider "${input.provider}"`, { code: 'invalid_value', param: 'provider' });
    }
    if (!this.options.cipher) throw new InvalidRequestError(new MissingMasterKeyError().message, { code: 'master_key_missing' });
    const credential = {
      id: newId('cred'),
      provider: input.provider,
      name: input.name,
      weight: input.weight,
      encrypted_secret: this.options.cipher.encrypt(input.api_key),
      created_at: this.now().toISOString(),
    };
    await translateConflict(() => this.store.insertCredential(credential));
    await this.audit('credential.create', 'credential', credential.id, { provider: credential.provider, name: credential.name }, actor);
    return credentialView(credential);
  }

  async listCredentials(provider?: string): Promise<CredentialView[]> {
    return (await this.store.listCredentials(provider ? { provider } : {})).map(credentialView);
  }

  async deleteCredential(id: string, actor?: string): Promise<void> {
    if (!(await this.store.deleteCredential(id))) throw new NotFoundError(`No credential with id "${id}".`, 'credential_not_found', 'credential_id');
    await this.audit('credential.delete', 'credential', id, {}, actor);
  }
}

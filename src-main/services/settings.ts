import type { EventBus } from '../core/events';
import {
  DEFAULT_SETTINGS,
  SECRET_NAMES,
  settingsSchema,
  type SecretName,
  type Settings,
  type SettingsPatch,
} from '../core/settings-schema';
import type { SecretsFile } from '../store/secrets-file';
import type { SettingsRepo } from '../store/settings-repo';

/** The endpoint a secret is sent to under these settings; a key is bound to the endpoint it was set for. */
function endpointOf(name: SecretName, settings: Settings): string {
  if (name === 'webSearchApiKey')
    return settings.webSearch ? `${settings.webSearch.provider} ${settings.webSearch.url ?? ''}` : '';
  return settings.judge?.baseUrl ?? '';
}

export function createSettingsService(repo: SettingsRepo, bus: EventBus, secrets: SecretsFile) {
  const get = (): Settings => {
    // A stored value that no longer validates (an older app's format) falls back to its default, key by key.
    const stored = repo.all();
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const field = settingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) merged[key] = field.data;
    }
    return merged as Settings;
  };
  // Keys stored in the database by earlier versions move to the secrets file, bound to today's endpoints.
  for (const name of SECRET_NAMES) {
    const old = repo.all()[`secret.${name}`];
    if (typeof old === 'string' && old !== '' && !secrets.get(name))
      secrets.set(name, { value: old, endpoint: endpointOf(name, get()) });
    if (old !== undefined) repo.remove(`secret.${name}`);
  }
  return {
    get,
    update(patch: SettingsPatch): Settings {
      const before = get();
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) repo.set(key, value);
      }
      // A key never follows its endpoint to a new URL: changing where it would be sent forgets it.
      const after = get();
      for (const name of SECRET_NAMES)
        if (endpointOf(name, before) !== endpointOf(name, after)) secrets.set(name, undefined);
      bus.emit('store.changed', { tables: ['settings'] });
      return after;
    },
    /** A secret's value, for main-process code only (never through the API), and only for its own endpoint. */
    secret(name: SecretName): string | undefined {
      const stored = secrets.get(name);
      return stored && stored.value !== '' && stored.endpoint === endpointOf(name, get()) ? stored.value : undefined;
    },
    setSecret(name: SecretName, value: string): { set: boolean } {
      secrets.set(name, value === '' ? undefined : { value, endpoint: endpointOf(name, get()) });
      return { set: value !== '' };
    },
    /** Which secrets are set, without their values. */
    secretsSet(): Record<SecretName, boolean> {
      return Object.fromEntries(SECRET_NAMES.map((name) => [name, this.secret(name) !== undefined])) as Record<
        SecretName,
        boolean
      >;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;

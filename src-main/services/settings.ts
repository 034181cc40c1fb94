import type { EventBus } from '../core/events';
import { DEFAULT_SETTINGS, SECRET_NAMES, settingsSchema, type SecretName, type Settings, type SettingsPatch } from '../core/settings-schema';
import type { SettingsRepo } from '../store/settings-repo';

export function createSettingsService(repo: SettingsRepo, bus: EventBus) {
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
  return {
    get,
    update(patch: SettingsPatch): Settings {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) repo.set(key, value);
      }
      bus.emit('store.changed', { tables: ['settings'] });
      return get();
    },
    /** A secret's value, for main-process code only (never through the API). */
    secret(name: SecretName): string | undefined {
      const value = repo.all()[`secret.${name}`];
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
    setSecret(name: SecretName, value: string): { set: boolean } {
      repo.set(`secret.${name}`, value);
      return { set: value !== '' };
    },
    /** Which secrets are set, without their values. */
    secretsSet(): Record<SecretName, boolean> {
      return Object.fromEntries(SECRET_NAMES.map((name) => [name, this.secret(name) !== undefined])) as Record<SecretName, boolean>;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;

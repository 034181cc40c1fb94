/**
 * API keys, kept out of the database (which gets copied, shared and attached to bug reports): a JSON file beside it
 * that only the user can read (mode 0600), written atomically. In the desktop app the values are also encrypted
 * with the OS keychain (Electron's safeStorage, passed in as `cipher`).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

/** A stored key and the endpoint it was set for: it is only ever sent there. */
export interface StoredSecret {
  value: string;
  endpoint: string;
}

export function createSecretsFile(file: string, cipher?: SecretCipher) {
  const read = (): Record<string, StoredSecret> => {
    if (!existsSync(file)) return {};
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredSecret & { encrypted?: boolean }>;
      return Object.fromEntries(
        Object.entries(stored).map(([name, secret]) => [
          name,
          {
            endpoint: secret.endpoint,
            value: secret.encrypted && cipher ? cipher.decrypt(secret.value) : secret.value,
          },
        ]),
      );
    } catch (error) {
      throw new Error(
        `the secrets file ${file} can't be read (${(error as Error).message}); set the keys again after moving it away`,
      );
    }
  };
  const write = (secrets: Record<string, StoredSecret>) => {
    const stored = Object.fromEntries(
      Object.entries(secrets).map(([name, secret]) => [
        name,
        cipher ? { ...secret, value: cipher.encrypt(secret.value), encrypted: true } : secret,
      ]),
    );
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify(stored), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  };
  return {
    get: (name: string): StoredSecret | undefined => read()[name],
    set(name: string, secret: StoredSecret | undefined): void {
      const all = read();
      if (secret) all[name] = secret;
      else delete all[name];
      write(all);
    },
  };
}

export type SecretsFile = ReturnType<typeof createSecretsFile>;

import { LabError, NotFoundError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { ClustersRepo } from '../store/clusters-repo';
import type { SecretsFile } from '../store/secrets-file';

/** A cluster as the API shows it: its token is write-only, so only whether one is set. */
export interface ClusterInfo {
  name: string;
  address: string;
  hasToken: boolean;
  /** Runs ever sent to it. */
  jobs: number;
}

const secretName = (cluster: string) => `cluster:${cluster}`;

/**
 * The Ray clusters experiments can be sent to. A token is kept in the secrets file bound to the cluster's address,
 * like the other keys: it is only ever sent there, and changing the address forgets it.
 */
export function createClustersService(repo: ClustersRepo, bus: EventBus, secrets: SecretsFile) {
  const get = (name: string) => {
    const row = repo.get(name);
    if (!row) throw new NotFoundError('cluster', name);
    return row;
  };
  const info = (name: string): ClusterInfo => {
    const row = get(name);
    const token = secrets.get(secretName(name));
    return {
      name,
      address: row.address,
      hasToken: token !== undefined && token.endpoint === row.address,
      jobs: repo.jobCount(name),
    };
  };
  return {
    list: (): ClusterInfo[] => repo.list().map((row) => info(row.name)),
    info,
    /** Adds or updates a cluster; a token of '' removes it, undefined keeps it (if the address is the same). */
    save(name: string, address: string, token?: string): ClusterInfo {
      const normalised = address.replace(/\/+$/, '');
      const before = repo.get(name);
      repo.save(name, normalised);
      if (token !== undefined)
        secrets.set(secretName(name), token === '' ? undefined : { value: token, endpoint: normalised });
      else if (before && before.address !== normalised) secrets.set(secretName(name), undefined);
      bus.emit('store.changed', { tables: ['clusters'] });
      return info(name);
    },
    remove(name: string): { removed: true } {
      get(name);
      if (repo.jobCount(name) > 0)
        throw new LabError('conflict', `cluster ${name} has runs sent to it; delete those runs first`);
      repo.remove(name);
      secrets.set(secretName(name), undefined);
      bus.emit('store.changed', { tables: ['clusters'] });
      return { removed: true };
    },
    /** Where to reach the cluster, with its token: for main-process code only, never through the API. */
    endpoint(name: string): { address: string; token?: string } {
      const row = get(name);
      const token = secrets.get(secretName(name));
      return { address: row.address, token: token && token.endpoint === row.address ? token.value : undefined };
    },
    jobs: repo,
  };
}

export type ClustersService = ReturnType<typeof createClustersService>;

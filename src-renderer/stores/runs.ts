import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, ApiError } from '../api';
import type { Run } from '../../src-main/api/typed-api';

/** All runs, refetched whenever the main side reports a change to the runs table. */
export const useRunsStore = defineStore('runs', () => {
  const runs = ref<Run[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  /** Run ids picked for the Compare page. */
  const selected = ref<number[]>([]);

  async function refresh(): Promise<void> {
    try {
      runs.value = await api.runs.list();
      error.value = null;
      const ids = new Set(runs.value.map((run) => run.id));
      selected.value = selected.value.filter((id) => ids.has(id));
    } catch (e) {
      // Not signed in: the app's own banner says how; a second one here would only repeat it.
      error.value = e instanceof ApiError && e.code === 'unauthorized' ? null : (e as Error).message;
    } finally {
      loaded.value = true;
    }
  }

  function toggle(id: number): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((x) => x !== id) : [...selected.value, id];
  }

  api.on('store.changed', ({ tables }) => {
    if (tables.includes('runs')) void refresh();
  });

  return { runs, loaded, error, selected, refresh, toggle };
});

import { defineStore } from 'pinia';
import { ref, watchEffect } from 'vue';
import { api } from '../api';
import type { Settings } from '../../src-main/api/typed-api';

export type ThemeChoice = Settings['theme'];
const CACHE_KEY = 'aepo-lab.theme';

/** The theme is a stored setting; a local copy applies it before the first API answer, so the page doesn't flash. */
export const useThemeStore = defineStore('theme', () => {
  const choice = ref<ThemeChoice>((localStorage.getItem(CACHE_KEY) as ThemeChoice | null) ?? 'system');

  watchEffect(() => {
    const root = document.documentElement;
    if (choice.value === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice.value;
    localStorage.setItem(CACHE_KEY, choice.value);
  });

  async function load(): Promise<void> {
    choice.value = (await api.settings.get()).theme;
  }

  async function set(theme: ThemeChoice): Promise<void> {
    choice.value = theme;
    await api.settings.update({ theme });
  }

  return { choice, load, set };
});

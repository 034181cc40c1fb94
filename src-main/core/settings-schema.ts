import { z } from 'zod';

/** Every user setting. Unknown keys are refused so a typo can't be stored silently. */
const settingsShape = {
  /** Colour theme of the UI; `system` follows the OS. */
  theme: z.enum(['system', 'light', 'dark']),
  /** Seeds a new experiment starts with. */
  defaultSeeds: z.array(z.number().int().min(0)).min(1).max(32),
};

export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', defaultSeeds: [0, 1, 2] };

export const settingsPatchSchema = settingsSchema.partial();
export type SettingsPatch = z.output<typeof settingsPatchSchema>;

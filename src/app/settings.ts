/**
 * socialgov's settings as installed: the platform's, then each feature's, in the order of
 * src/app/features.ts. The command line reads its settings and prints its help from here.
 *
 * Each feature's descriptor carries its settings; this list names the same settings modules
 * directly so that `socialgov --help` and reading the settings do not load every feature's
 * routes and jobs. settings.test.ts checks that it matches the descriptors, and the README's table.
 */
import { loadConfig, PLATFORM_SETTINGS, type Config, type SettingGroup } from '../platform/config.ts';
import { eventsSettings } from '../events/settings.ts';
import { librarySettings } from '../library/settings.ts';
import { listsSettings } from '../lists/settings.ts';
import { membershipSettings } from '../membership/settings.ts';
import { registrySettings } from '../registry/settings.ts';
import { speakersSettings } from '../speakers/settings.ts';

/** The features' settings, in the features' order. */
export const FEATURE_SETTINGS: readonly SettingGroup[] = [
  membershipSettings,
  eventsSettings,
  librarySettings,
  listsSettings,
  registrySettings,
  speakersSettings,
];

/** Every setting: the platform's, then the features'. */
export const ALL_SETTINGS: readonly SettingGroup[] = [PLATFORM_SETTINGS, ...FEATURE_SETTINGS];

/** The configuration with every installed feature's settings read (what `socialgov serve` runs with). */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(env, FEATURE_SETTINGS);
}

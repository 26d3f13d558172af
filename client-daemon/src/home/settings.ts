import { readConfig, SETTINGS, writeConfig } from './config.js';

/** A setting refused: an unknown key, or a value it does not accept. */
export class SettingError extends Error {}

function known(key: string) {
  const setting = SETTINGS[key];
  if (!setting) {
    throw new SettingError(
      `unknown setting ${key}; the settings are ${Object.keys(SETTINGS).join(', ')}`,
    );
  }
  return setting;
}

/** A setting's value in config.toml (undefined when unset); `studio` is the default Studio. */
export async function getSetting(home: string, key: string): Promise<string | undefined> {
  known(key);
  const config = await readConfig(home);
  return key === 'studio' ? config.studio : config.settings[key];
}

/** Sets a setting after checking it against what it accepts. */
export async function setSetting(home: string, key: string, value: string): Promise<void> {
  const setting = known(key);
  const trimmed = value.trim();
  if (!setting.accepts.test(trimmed)) {
    throw new SettingError(`${key} must be ${setting.describe}; got ${JSON.stringify(value)}`);
  }
  const config = await readConfig(home);
  if (key === 'studio') config.studio = trimmed;
  else config.settings[key] = trimmed;
  await writeConfig(home, config);
}

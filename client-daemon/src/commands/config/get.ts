import { Args, Command, Flags } from '@oclif/core';
import { SETTINGS } from '../../home/config.js';
import { maestroHome } from '../../home/paths.js';
import { getSetting, SettingError } from '../../home/settings.js';

export default class ConfigGet extends Command {
  static override summary = 'Print a setting from config.toml.';
  static override description = `Settings: ${Object.entries(SETTINGS)
    .map(([key, { describe }]) => `${key} (${describe})`)
    .join('; ')}. Prints nothing when the setting is unset.`;

  static override examples = [
    '<%= config.bin %> config get studio',
    '<%= config.bin %> config get models.standard --json',
  ];

  static override args = { key: Args.string({ description: 'The setting', required: true }) };
  static override flags = {
    json: Flags.boolean({ description: 'Print {"key", "value"} as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigGet);
    try {
      const value = await getSetting(maestroHome(), args.key);
      if (flags.json) this.log(JSON.stringify({ key: args.key, value: value ?? null }));
      else if (value !== undefined) this.log(value);
    } catch (error) {
      if (!(error instanceof SettingError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      this.exit(1);
    }
  }
}

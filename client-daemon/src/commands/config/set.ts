import { Args, Command, Flags } from '@oclif/core';
import { SETTINGS } from '../../home/config.js';
import { maestroHome } from '../../home/paths.js';
import { SettingError, setSetting } from '../../home/settings.js';

export default class ConfigSet extends Command {
  static override summary = 'Change a setting in config.toml.';
  static override description = `Settings: ${Object.entries(SETTINGS)
    .map(([key, { describe }]) => `${key} (${describe})`)
    .join('; ')}.`;

  static override examples = [
    '<%= config.bin %> config set studio https://studio.example.com',
    '<%= config.bin %> config set models.easy claude-haiku-4-5',
  ];

  static override args = {
    key: Args.string({ description: 'The setting', required: true }),
    value: Args.string({ description: 'Its new value', required: true }),
  };
  static override flags = {
    json: Flags.boolean({ description: 'Print {"key", "value"} as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigSet);
    try {
      await setSetting(maestroHome(), args.key, args.value);
      if (flags.json) this.log(JSON.stringify({ key: args.key, value: args.value.trim() }));
    } catch (error) {
      if (!(error instanceof SettingError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      this.exit(1);
    }
  }
}

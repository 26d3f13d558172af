import { Command, Flags } from '@oclif/core';

export default class Version extends Command {
  static override summary = 'Print the maestro version.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];
  static override flags = {
    json: Flags.boolean({
      description: 'Print version, node and platform as JSON',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    const info = {
      version: this.config.version,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    };
    this.log(
      flags.json
        ? JSON.stringify(info)
        : `maestro ${info.version} (node ${info.node}, ${info.platform})`,
    );
  }
}

import { readFile } from 'node:fs/promises';
import { Entry } from '@napi-rs/keyring';
import { ensureHome, homePaths, writePrivate } from './paths.js';

/** Where tokens live: the OS keyring, or a 0600 file where there is no keyring service. */
export interface CredentialStore {
  /** `keyring` or `file`, for `maestro doctor` and --json output. */
  readonly kind: 'keyring' | 'file';
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

const SERVICE = 'maestro';

class KeyringStore implements CredentialStore {
  readonly kind = 'keyring';

  get(account: string): Promise<string | undefined> {
    return Promise.resolve(new Entry(SERVICE, account).getPassword() ?? undefined);
  }

  set(account: string, secret: string): Promise<void> {
    new Entry(SERVICE, account).setPassword(secret);
    return Promise.resolve();
  }

  delete(account: string): Promise<void> {
    new Entry(SERVICE, account).deletePassword();
    return Promise.resolve();
  }
}

/** `~/.maestro/credentials`: a JSON object of account → secret, mode 0600. */
export class FileStore implements CredentialStore {
  readonly kind = 'file';
  constructor(private readonly file: string) {}

  private async read(): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file} is not readable JSON; remove it and run maestro auth again`, {
        cause: error,
      });
    }
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.read())[account];
  }

  async set(account: string, secret: string): Promise<void> {
    const all = await this.read();
    all[account] = secret;
    await writePrivate(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  async delete(account: string): Promise<void> {
    const all = await this.read();
    delete all[account];
    await writePrivate(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
}

/**
 * The keyring when the OS has one that answers (probed with a throw-away entry), else the
 * credentials file with a warning. MAESTRO_CREDENTIALS=file forces the file.
 */
export async function openCredentials(
  home: string,
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CredentialStore> {
  const file = homePaths(home).credentials;
  if (env.MAESTRO_CREDENTIALS !== 'file') {
    try {
      const probe = new Entry(SERVICE, `probe-${process.pid}`);
      probe.setPassword('probe');
      probe.deletePassword();
      return new KeyringStore();
    } catch (error) {
      warn(
        `no keyring service here (${(error as Error).message}); tokens go to ${file}, readable by you alone`,
      );
    }
  }
  await ensureHome(home);
  return new FileStore(file);
}

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

interface BoxKey {
  readonly kid: string;
  readonly key: Buffer;
}

function boxKey(secret: string, purpose: string): BoxKey {
  const key = Buffer.from(hkdfSync('sha256', secret, 'maestro', purpose, 32));
  return { kid: createHash('sha256').update(key).digest('base64url').slice(0, 12), key };
}

/**
 * Secrets Studio keeps for integrations (git host tokens), encrypted at rest with a key
 * derived from MAESTRO_SECRET (AES-256-GCM): `v1.<key id>.<iv>.<tag>.<ciphertext>`. A rotated
 * secret (kept in MAESTRO_SECRET_PREVIOUS) still opens what the old one sealed. Also derives
 * each project's webhook secret, so nothing else needs storing.
 */
export class SecretBox {
  private readonly current: BoxKey;
  private readonly byKid: ReadonlyMap<string, BoxKey>;
  private readonly webhookKeys: readonly Buffer[];

  constructor(secret: string, previous: readonly string[] = []) {
    this.current = boxKey(secret, 'integration-secrets-v1');
    this.byKid = new Map(
      [this.current, ...previous.map((old) => boxKey(old, 'integration-secrets-v1'))].map(
        (key) => [key.kid, key] as const,
      ),
    );
    this.webhookKeys = [secret, ...previous].map((one) => boxKey(one, 'webhook-secrets-v1').key);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.current.kid, iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plain text; throws when the box was sealed with an unknown key or tampered with. */
  open(box: string): string {
    const [version, kid, iv, tag, sealed] = box.split('.');
    const key = kid ? this.byKid.get(kid) : undefined;
    if (version !== 'v1' || !key || !iv || !tag || sealed === undefined) {
      throw new Error('the secret was sealed with a key this Studio does not have');
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /**
   * The secrets a project's webhooks may be signed with (GitHub) or carry (GitLab): the
   * current one first (the one to configure), then those of MAESTRO_SECRET_PREVIOUS, so hosts
   * keep working while they are updated after a rotation.
   */
  webhookSecrets(projectId: string): string[] {
    return this.webhookKeys.map((key) =>
      createHmac('sha256', key).update(projectId).digest('base64url'),
    );
  }
}

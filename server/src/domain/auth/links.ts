/**
 * Links people open in the dashboard: first-run setup and invites. The base is MAESTRO_PUBLIC_URL,
 * or the address Studio listens on once it is known.
 */
export class StudioLinks {
  private base = 'http://127.0.0.1:4000';

  setBase(url: string): void {
    this.base = url.replace(/\/+$/, '');
  }

  setup(token: string): string {
    return `${this.base}/setup#token=${token}`;
  }

  invite(token: string): string {
    return `${this.base}/invites#token=${token}`;
  }
}

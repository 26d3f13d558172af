/**
 * The `token` of a `#token=…` URL fragment (setup and invite links), or undefined. Fragments
 * stay in the browser: the token reaches Studio only in a request body.
 */
export function tokenFromFragment(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token ? token : undefined;
}

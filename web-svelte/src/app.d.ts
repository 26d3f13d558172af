// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SignedInViewer } from '$lib/auth/viewer';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** The API's `extensions.code` (an ErrorCode) or a client-side code such as NETWORK_ERROR. */
      code?: string;
    }
    // interface Locals {}
    interface PageData {
      /** Who is signed in, on pages that know it (the header shows the name and sign-out). */
      viewer?: SignedInViewer | null;
    }
    // interface PageState {}
    // interface Platform {}
  }
}

export {};

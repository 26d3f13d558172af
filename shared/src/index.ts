// @maestro/shared: code that Studio and the maestro CLI must run identically.
export { normalizeRemote, RemoteError, RemoteHost, type NormalizedRemote } from './git-remote.js';

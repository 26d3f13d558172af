/** What an API token may do; docs/api.md lists the actions under each scope. */
export enum ApiTokenScope {
  READ = 'READ',
  WRITE = 'WRITE',
  DISPATCH = 'DISPATCH',
}

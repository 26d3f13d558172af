// Data is loaded in the browser through the typed client: the API is same-origin /graphql, which
// the server-side handler could only reach over the network.
export const ssr = false;

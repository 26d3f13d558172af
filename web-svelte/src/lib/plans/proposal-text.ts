/**
 * A settled proposal's text split for reading: the planner's prose before the proposal, and
 * the proposal itself (from its fence, or the whole body when it starts with `{`).
 */
export function splitProposal(body: string): { prose: string; proposal: string } {
  const fence = /^```/m.exec(body);
  if (fence) return { prose: body.slice(0, fence.index).trim(), proposal: body.slice(fence.index) };
  return body.trimStart().startsWith('{')
    ? { prose: '', proposal: body }
    : { prose: body, proposal: '' };
}

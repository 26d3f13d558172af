/** One line of JSON, cut to `max` characters. */
export function compactPayload(payload: Record<string, unknown>, max = 160): string {
  const text = JSON.stringify(payload);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A timestamp in the reader's locale, seconds included. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

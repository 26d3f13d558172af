import type { Page, WebSocketRoute } from 'playwright-core';

/** The page's sockets to Studio, held until released; what the page subscribed to. */
export interface HeldSockets {
  /** Connects the held sockets (and every later one) to Studio, sending what they kept. */
  release(): void;
  /** The variables of each projectEvents subscription the page sent, in order. */
  readonly subscriptions: Record<string, unknown>[];
}

/**
 * Holds every graphql-ws socket the page opens from now on: nothing reaches Studio, and what
 * the page sends is kept, until release(). So a test can let a page read its data, change
 * something through the API, and only then let the page subscribe — the window between a
 * page's read and its subscription, made wide. The route stays on the page.
 */
export async function holdSockets(page: Page): Promise<HeldSockets> {
  let held = true;
  const waiting: Array<() => void> = [];
  const subscriptions: Record<string, unknown>[] = [];
  await page.routeWebSocket(/\/graphql$/, (ws: WebSocketRoute) => {
    const kept: Array<string | Buffer> = [];
    let studio: WebSocketRoute | undefined;
    const connect = () => {
      studio = ws.connectToServer();
      for (const message of kept.splice(0)) studio.send(message);
    };
    ws.onMessage((message) => {
      const parsed = JSON.parse(String(message)) as {
        type: string;
        payload?: { query?: string; variables?: Record<string, unknown> };
      };
      if (parsed.type === 'subscribe' && parsed.payload?.query?.includes('projectEvents(')) {
        subscriptions.push(parsed.payload.variables ?? {});
      }
      if (studio) studio.send(message);
      else kept.push(message);
    });
    if (held) waiting.push(connect);
    else connect();
  });
  return {
    release: () => {
      held = false;
      for (const connect of waiting.splice(0)) connect();
    },
    subscriptions,
  };
}

/**
 * Notification fan-out between the parts of one Studio and between replicas. Delivery is
 * at-most-once: the database is the record, and subscribers back-fill from it.
 */
export interface PubSub {
  readonly mode: 'redis' | 'in-process';
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active: a message published afterwards is delivered. */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;
  /** Resolves when the bus is usable; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type MessageHandler = (message: string) => void;
export type Unsubscribe = () => Promise<void>;

/** Handlers per channel, shared by both implementations. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  /** Adds a handler; true when it is the channel's first. */
  add(channel: string, handler: MessageHandler): boolean {
    let set = this.handlers.get(channel);
    const first = set === undefined;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left. */
  remove(channel: string, handler: MessageHandler): boolean {
    const set = this.handlers.get(channel);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.handlers.delete(channel);
    return true;
  }

  /** Calls every handler of `channel`; one handler's exception does not stop the others. */
  deliver(channel: string, message: string, onError: (error: unknown) => void): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch (error) {
        onError(error);
      }
    }
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  clear(): void {
    this.handlers.clear();
  }
}

import {
  GatewayRefusal,
  type GatewaySocket,
  type GatewaySubscriber,
  type PrivateChannel,
} from './gateway-types.js';

/**
 * The subscriber used when no RPC layer is wired: the Pusher protocol is still served
 * (connect, ping, signatures), and every subscription is refused with status 503.
 */
export class RefusingSubscriber implements GatewaySubscriber {
  subscribed(_socket: GatewaySocket, _channel: PrivateChannel, _credential: string): Promise<void> {
    return Promise.reject(new GatewayRefusal('the RPC gateway is not enabled', 503));
  }

  unsubscribed(): void {}

  clientEvent(): Promise<void> {
    return Promise.reject(new GatewayRefusal('the RPC gateway is not enabled', 503));
  }

  closed(): void {}
}

import express, { type Request, type Response, type Router } from 'express';
import type { Actor } from '../domain/access/actor.js';
import type { Resource } from '../domain/access/authorizer.js';
import { DomainError } from '../domain/common/errors.js';
import { parsePublicIdOf, toPublicId } from '../domain/common/public-id.js';
import type { PrivateChannel } from '../gateway/pusher/gateway-types.js';
import {
  encodeChannelData,
  isSocketId,
  parseChannelName,
  signChannel,
} from '../gateway/pusher/protocol.js';
import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';
import { authenticate } from './authenticate.js';

export interface BroadcastingAuthDeps {
  readonly services: Services;
  readonly logger: Logger;
  /** The gateway's app key (MAESTRO_GATEWAY_KEY) and signing secret (gatewaySecret()). */
  readonly key: string;
  readonly secret: string;
}

/** Form fields are short: a socket id and a channel name. */
const BODY_LIMIT = '8kb';
const BEARER = /^Bearer\s+(\S+)$/i;

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/** The workspace and project a channel belongs to; undefined when it names nothing. */
async function resourceOf(
  services: Services,
  channel: PrivateChannel,
): Promise<Required<Resource> | undefined> {
  let projectKey: string | undefined;
  if (channel.kind === 'project') {
    projectKey = parsePublicIdOf('Project', channel.id);
  } else {
    const teamKey = parsePublicIdOf('Team', channel.id);
    const [team] = teamKey ? await services.sessions.teams([teamKey]) : [];
    projectKey = team?.projectId;
  }
  const project = projectKey ? await services.projects.get(projectKey) : undefined;
  return project && { workspaceId: project.workspaceId, projectId: project.id };
}

/**
 * POST /broadcasting/auth: signs a private gateway channel for one socket, as Laravel's
 * broadcasting endpoint does for pusher-js (a form body, or JSON, with `socket_id` and
 * `channel_name`). The caller proves who it is with `Authorization: Bearer <access JWT or
 * mtk_ API token>`, and must be able to read the channel's project. The answer binds that
 * bearer credential to the subscription: `channel_data` carries it and the signature covers
 * it, so the gateway acts with exactly the credential that was authorized.
 *
 * 401 without a working bearer credential; 400 for a malformed socket_id or no channel_name;
 * 403 for a channel that is not ours, names nothing, or whose project the caller cannot read
 * (one message for all three, so ids cannot be probed).
 */
export function broadcastingAuth(deps: BroadcastingAuthDeps): Router {
  const router = express.Router();
  const handle = async (req: Request, res: Response): Promise<void> => {
    const header = req.get('authorization')?.trim();
    const bearer = header ? BEARER.exec(header)?.[1] : undefined;
    if (!header || !bearer) {
      return fail(res, 401, 'send Authorization: Bearer <access token or mtk_ API token>');
    }
    const actor: Actor = await authenticate(deps.services, { authorization: header, cookies: {} });
    if (actor.kind !== 'user' && actor.kind !== 'token') {
      return fail(res, 401, (actor.kind === 'anonymous' && actor.reason) || 'not signed in');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const socketId = body.socket_id;
    const channelName = body.channel_name;
    if (!isSocketId(socketId)) {
      return fail(res, 400, 'socket_id must be the "<digits>.<digits>" id of the connection');
    }
    if (typeof channelName !== 'string' || channelName === '') {
      return fail(res, 400, 'channel_name is required');
    }
    const channel = parseChannelName(channelName);
    if (!channel.ok) return fail(res, 403, channel.message);
    const refused = `you may not subscribe to ${channelName}: no such channel, or no read access to its project`;
    const resource = await resourceOf(deps.services, channel.value);
    if (!resource) {
      deps.logger.debug({ channel: channelName }, 'broadcasting auth: no such channel');
      return fail(res, 403, refused);
    }
    try {
      await deps.services.authorizer.authorize(actor, 'workspace.read', resource);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      deps.logger.debug({ channel: channelName, why: error.message }, 'broadcasting auth refused');
      return fail(res, 403, refused);
    }
    const channelData = encodeChannelData({
      userId: toPublicId('User', actor.userId),
      credential: bearer,
    });
    // The body carries the caller's own credential back: never cached.
    res.set('Cache-Control', 'no-store').json({
      auth: signChannel(deps.secret, deps.key, socketId, channelName, channelData),
      channel_data: channelData,
    });
  };
  router.post(
    '/broadcasting/auth',
    express.urlencoded({ extended: false, limit: BODY_LIMIT }),
    express.json({ limit: BODY_LIMIT }),
    (req, res, next) => {
      handle(req, res).catch(next);
    },
  );
  return router;
}

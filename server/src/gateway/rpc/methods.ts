import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Actor } from '../../domain/access/actor.js';
import type { ClientInfo } from '../../domain/auth/auth.service.js';
import { ErrorCode } from '../../domain/common/errors.js';
import {
  GatewayAuthRedeemDocument,
  GatewayAuthRefreshDocument,
  GatewayEventsSinceDocument,
  GatewayKnowledgeSearchDocument,
  GatewayMeDocument,
  GatewayProjectLookupDocument,
  GatewayRunClaimDocument,
  GatewayRunCompleteDocument,
  GatewayRunFailDocument,
  GatewayRunHeartbeatDocument,
  GatewayRunOutputDocument,
  GatewayRunPauseDocument,
  GatewayRunPlanProposalDocument,
  GatewayRunSubtaskDocument,
  GatewaySessionEndDocument,
  GatewaySessionHeartbeatDocument,
  GatewaySessionRegisterDocument,
  GatewaySetMySkillDocument,
  GatewayTaskAcceptDocument,
  GatewayTaskBlockersDocument,
  GatewayTaskCommentDocument,
  GatewayTeamAllocateDocument,
  type GatewayUserErrorsFragment,
} from '../generated/graphql.js';
import { rpcErrorFromUserErrors } from '../jsonrpc/error-codes.js';
import {
  INVALID_PARAMS,
  JsonRpcError,
  type JsonRpcParams,
  type MethodHandler,
} from '../jsonrpc/json-rpc.js';
import type { PrivateChannel } from '../pusher/gateway-types.js';
import { runOperation, type OperationRunner } from './execute-operation.js';
import { notificationOf, type NotificationLookups, type RpcNotification } from './notifications.js';

/** Who calls, and on which channel (none for the connection-level auth methods). */
export interface RpcCall {
  readonly actor: Actor;
  readonly client: ClientInfo;
  readonly channel: PrivateChannel | undefined;
  /** The public id of the channel's project (a team channel's too). */
  readonly projectId: string | undefined;
}

export interface RpcDeps extends OperationRunner {
  readonly lookups: NotificationLookups;
}

type Params = Record<string, unknown>;

/** Named params (an object); positional ones are refused with the names expected. */
function named(
  params: JsonRpcParams | undefined,
  method: string,
  allowed: readonly string[],
): Params {
  if (params === undefined) return {};
  if (Array.isArray(params)) {
    throw new JsonRpcError(
      INVALID_PARAMS,
      `${method} takes named params (an object): ${allowed.join(', ') || 'none'}`,
    );
  }
  const unknown = Object.keys(params).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new JsonRpcError(
      INVALID_PARAMS,
      `${method} does not take ${unknown.map((key) => `"${key}"`).join(', ')}; it takes ${allowed.join(', ') || 'no params'}`,
      { unknown, allowed },
    );
  }
  return params;
}

function required(params: Params, method: string, ...keys: string[]): void {
  const missing = keys.filter((key) => params[key] === undefined || params[key] === null);
  if (missing.length > 0) {
    throw new JsonRpcError(
      INVALID_PARAMS,
      `${method} needs ${missing.map((key) => `"${key}"`).join(', ')}`,
      { missing },
    );
  }
}

/** A payload with userErrors: the payload, or the JSON-RPC error of its first userError. */
function settled<T extends { userErrors: readonly GatewayUserErrorsFragment[] }>(
  payload: T,
): Omit<T, 'userErrors'> {
  if (payload.userErrors.length > 0) {
    throw rpcErrorFromUserErrors(
      payload.userErrors.map((error) => ({ ...error, code: ErrorCode[error.code] })),
    );
  }
  const { userErrors: _omitted, ...rest } = payload;
  return rest;
}

function channelProject(call: RpcCall, method: string): string {
  if (!call.projectId) {
    throw new JsonRpcError(
      INVALID_PARAMS,
      `${method} is called on a project or team channel (subscribe to private-project.<id> first)`,
    );
  }
  return call.projectId;
}

/** One method: the names it takes, the required ones, and how it runs. */
interface Method {
  readonly params: readonly string[];
  readonly required?: readonly string[];
  /** Callable without a channel (auth.redeem, auth.refresh: a client with no valid token yet). */
  readonly connectionLevel?: boolean;
  run(params: Params, call: RpcCall, deps: RpcDeps): Promise<unknown>;
}

const op = <TData, TVariables>(
  deps: RpcDeps,
  call: RpcCall,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) => runOperation(deps, call.actor, call.client, document, variables);

const RUN_LEASE = ['runId', 'leaseVersion'] as const;

/**
 * The method table (docs/protocol.md): each method is one or a few named operations of
 * schema/operations/gateway, run in-process against the same schema as /graphql.
 */
export const METHODS: Readonly<Record<string, Method>> = {
  'auth.redeem': {
    params: ['token', 'machine'],
    required: ['token', 'machine'],
    connectionLevel: true,
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayAuthRedeemDocument, {
            input: { token: p.token as string, machine: p.machine as never },
          })
        ).redeemCliInvite,
      ),
  },
  'auth.refresh': {
    params: ['refreshToken'],
    required: ['refreshToken'],
    connectionLevel: true,
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayAuthRefreshDocument, {
            refreshToken: p.refreshToken as string,
          })
        ).refreshSession,
      ),
  },
  'project.lookup': {
    params: ['remoteUrl'],
    required: ['remoteUrl'],
    run: async (p, call, deps) => ({
      projects: (
        await op(deps, call, GatewayProjectLookupDocument, { remoteUrl: p.remoteUrl as string })
      ).projectsByRemote,
    }),
  },
  'session.register': {
    params: ['projectId', 'role', 'name', 'machineId', 'provider', 'skills', 'teamId', 'ephemeral'],
    required: ['role', 'name', 'machineId'],
    run: async (p, call, deps) => {
      const projectId = channelProject(call, 'session.register');
      if (p.projectId !== undefined && p.projectId !== projectId) {
        throw new JsonRpcError(
          INVALID_PARAMS,
          `session.register on ${call.channel?.name ?? 'this channel'} registers in ${projectId}, not ${JSON.stringify(p.projectId)}`,
        );
      }
      const input = { ...p, projectId } as never;
      return settled(
        (await op(deps, call, GatewaySessionRegisterDocument, { input })).registerSession,
      );
    },
  },
  'session.heartbeat': {
    params: ['sessionId'],
    required: ['sessionId'],
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewaySessionHeartbeatDocument, {
            sessionId: p.sessionId as string,
          })
        ).heartbeatSession,
      ),
  },
  'session.end': {
    params: ['sessionId'],
    required: ['sessionId'],
    run: async (p, call, deps) =>
      settled(
        (await op(deps, call, GatewaySessionEndDocument, { sessionId: p.sessionId as string }))
          .endSession,
      ),
  },
  'team.allocate': {
    params: ['sessionId', 'dev', 'review', 'test'],
    required: ['sessionId', 'dev', 'review', 'test'],
    run: async (p, call, deps) =>
      settled(
        (await op(deps, call, GatewayTeamAllocateDocument, { input: p as never })).allocateTeam,
      ),
  },
  'run.claim': {
    params: ['sessionId', 'runId'],
    required: ['sessionId'],
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayRunClaimDocument, {
            sessionId: p.sessionId as string,
            runId: (p.runId as string | undefined) ?? null,
          })
        ).claimRun,
      ),
  },
  'run.output': {
    params: [...RUN_LEASE, 'chunks'],
    required: [...RUN_LEASE, 'chunks'],
    run: async (p, call, deps) =>
      settled(
        (await op(deps, call, GatewayRunOutputDocument, { input: p as never })).appendRunOutput,
      ),
  },
  'run.heartbeat': {
    params: [...RUN_LEASE],
    required: [...RUN_LEASE],
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayRunHeartbeatDocument, {
            runId: p.runId as string,
            leaseVersion: p.leaseVersion as number,
          })
        ).heartbeatRun,
      ),
  },
  'run.complete': {
    params: [
      ...RUN_LEASE,
      'summary',
      'exitCode',
      'tokensIn',
      'tokensOut',
      'costUsd',
      'model',
      'attended',
    ],
    required: [...RUN_LEASE],
    run: async (p, call, deps) =>
      settled(
        (await op(deps, call, GatewayRunCompleteDocument, { input: p as never })).completeRun,
      ),
  },
  'run.fail': {
    params: [
      ...RUN_LEASE,
      'reason',
      'exitCode',
      'conflictFiles',
      'tokensIn',
      'tokensOut',
      'costUsd',
      'model',
    ],
    required: [...RUN_LEASE, 'reason'],
    run: async (p, call, deps) =>
      settled((await op(deps, call, GatewayRunFailDocument, { input: p as never })).failRun),
  },
  'run.pause': {
    params: [...RUN_LEASE, 'resumeAt', 'reason'],
    required: [...RUN_LEASE, 'resumeAt'],
    run: async (p, call, deps) =>
      settled((await op(deps, call, GatewayRunPauseDocument, { input: p as never })).pauseRun),
  },
  'run.subtask': {
    params: [...RUN_LEASE, 'directive'],
    required: [...RUN_LEASE, 'directive'],
    run: async (p, call, deps) =>
      settled((await op(deps, call, GatewayRunSubtaskDocument, { input: p as never })).postSubtask),
  },
  'run.planProposal': {
    params: [...RUN_LEASE, 'text'],
    required: [...RUN_LEASE, 'text'],
    run: async (p, call, deps) =>
      settled(
        (await op(deps, call, GatewayRunPlanProposalDocument, { input: p as never }))
          .postPlanProposal,
      ),
  },
  'task.accept': {
    params: ['sessionId', 'taskId'],
    required: ['sessionId', 'taskId'],
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayTaskAcceptDocument, {
            sessionId: p.sessionId as string,
            taskId: p.taskId as string,
          })
        ).acceptTask,
      ),
  },
  'task.comment': {
    params: ['taskId', 'body'],
    required: ['taskId', 'body'],
    run: async (p, call, deps) =>
      settled(
        (
          await op(deps, call, GatewayTaskCommentDocument, {
            taskId: p.taskId as string,
            body: p.body as string,
          })
        ).addTaskComment,
      ),
  },
  'task.blockers': {
    params: ['taskId'],
    required: ['taskId'],
    run: async (p, call, deps) => ({
      blockers: (await op(deps, call, GatewayTaskBlockersDocument, { taskId: p.taskId as string }))
        .taskBlockers,
    }),
  },
  'knowledge.search': {
    params: ['query', 'type', 'language', 'framework', 'first'],
    required: ['query'],
    run: async (p, call, deps) => {
      const projectId = channelProject(call, 'knowledge.search');
      const { knowledgeSearch } = await op(deps, call, GatewayKnowledgeSearchDocument, {
        projectId,
        query: p.query as string,
        type: p.type as never,
        language: p.language as string | undefined,
        framework: p.framework as string | undefined,
        first: p.first as number | undefined,
      });
      return { hits: knowledgeSearch };
    },
  },
  'me.skills.set': {
    params: ['skills'],
    required: ['skills'],
    run: async (p, call, deps) => {
      const projectId = channelProject(call, 'me.skills.set');
      if (!Array.isArray(p.skills)) {
        throw new JsonRpcError(INVALID_PARAMS, 'skills must be an array of { skill, proficiency }');
      }
      const me = await op(deps, call, GatewayMeDocument, { projectId });
      const workspaceId = me.project?.workspace.id;
      const member = me.viewer.memberships.find((one) => one.workspace.id === workspaceId);
      if (!member) {
        throw new JsonRpcError(INVALID_PARAMS, 'you are not a member of this project’s workspace');
      }
      let set = 0;
      for (const [index, entry] of p.skills.entries()) {
        const { skill, proficiency } = (entry ?? {}) as { skill?: unknown; proficiency?: unknown };
        if (
          typeof skill !== 'string' ||
          (typeof proficiency !== 'string' && typeof proficiency !== 'number')
        ) {
          throw new JsonRpcError(
            INVALID_PARAMS,
            `skills[${index}] needs a skill (slug) and a proficiency`,
          );
        }
        settled(
          (
            await op(deps, call, GatewaySetMySkillDocument, {
              input: { memberId: member.id, skill, proficiency },
            })
          ).setMemberSkill,
        );
        set++;
      }
      return { memberId: member.id, set };
    },
  },
  'events.since': {
    params: ['after', 'first'],
    required: ['after'],
    run: async (p, call, deps) => {
      const projectId = channelProject(call, 'events.since');
      const channel = call.channel as PrivateChannel;
      const first = p.first === undefined ? 100 : p.first;
      const { events } = await op(deps, call, GatewayEventsSinceDocument, {
        projectId,
        after: p.after as number,
        first: first as number,
      });
      const notifications: RpcNotification[] = [];
      for (const event of events.nodes) {
        const found = await notificationOf(event, channel, deps.lookups);
        if (found) notifications.push(found);
      }
      return {
        notifications,
        lastSeq: events.nodes.at(-1)?.seq ?? (p.after as number),
        hasMore: events.pageInfo.hasNextPage,
      };
    },
  },
};

/** The JSON-RPC handlers of the method table for one call context. */
export function methodHandlers(deps: RpcDeps): Record<string, MethodHandler<RpcCall>> {
  return Object.fromEntries(
    Object.entries(METHODS).map(([name, method]) => [
      name,
      async (params: JsonRpcParams | undefined, call: RpcCall) => {
        if (!call.channel && !method.connectionLevel) {
          throw new JsonRpcError(
            INVALID_PARAMS,
            `${name} is called on a private project or team channel; only auth.redeem and auth.refresh work without one`,
          );
        }
        const given = named(params, name, method.params);
        required(given, name, ...(method.required ?? []));
        return method.run(given, call, deps);
      },
    ]),
  );
}

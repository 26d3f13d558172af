import { Field, ID, ObjectType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject, SafeInt } from '../common/scalars.js';

@ObjectType('Event', {
  implements: NodeInterface,
  description:
    "An entry of a project's event log. `seq` counts 1, 2, 3, … per project without gaps, in commit order.",
})
export class EventType extends NodeInterface {
  @Field(() => SafeInt)
  seq: number;

  @Field({
    description: 'Past tense, e.g. ProjectCreated. docs/api.md lists every type and payload.',
  })
  type: string;

  @Field(() => JSONObject, { description: 'Ids inside are public ids, as everywhere in the API.' })
  payload: Record<string, unknown>;

  @Field()
  occurredAt: Date;

  @Field(() => ID)
  projectId: string;

  projectKey: string;

  static from(event: EventRecord): EventType {
    return Object.assign(new EventType(), {
      id: toPublicId('Event', event.id),
      seq: event.seq,
      type: event.type,
      payload: event.payload,
      occurredAt: event.occurredAt,
      projectId: toPublicId('Project', event.projectId),
      projectKey: event.projectId,
    });
  }
}

@ObjectType('EventConnection', {
  description:
    "A page of a project's event log. An edge's cursor is its seq in decimal; totalCount is the last seq.",
})
export class EventConnection extends Connection(EventType, 'Event') {}

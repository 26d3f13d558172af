import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import { EVENT_TYPES, type EventRecord } from '../../domain/events/event.types.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject, SafeInt } from '../common/scalars.js';

/** The event types as a GraphQL enum (generated from the one list in the domain). */
export const EventTypeName = Object.fromEntries(EVENT_TYPES.map((name) => [name, name])) as {
  [K in (typeof EVENT_TYPES)[number]]: K;
};
registerEnumType(EventTypeName, {
  name: 'EventType',
  description: 'What happened, in the past tense; docs/api.md describes each payload.',
});

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

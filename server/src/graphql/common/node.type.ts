import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', {
  description: 'An object with a stable, opaque, type-prefixed ID that node(id:) resolves.',
})
export abstract class NodeInterface {
  @Field(() => ID)
  id: string;
}

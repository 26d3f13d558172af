import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  isEmptyDiff,
  type FieldValue,
  type PlanDiff,
} from '../../domain/planning/proposal-diff.js';
import type { Preview, ReplanSummary } from '../../domain/planning/replan.service.js';
import { UserError } from '../common/user-error.type.js';
import { PlanType } from './plan.type.js';

@ObjectType('ProposalDiffAddedTask', {
  description: 'A proposed task that matches none of the plan.',
})
export class ProposalDiffAddedTask {
  @Field({ description: "The task's key in the proposal." })
  key: string;

  @Field()
  title: string;

  @Field()
  description: string;

  @Field({ description: 'The key of the proposed phase it goes into.' })
  phaseKey: string;

  @Field()
  phaseName: string;

  @Field(() => [String], { description: 'Skill slugs.' })
  skills: string[];

  @Field(() => [String], { description: 'Keys of the proposed tasks it depends on.' })
  dependsOn: string[];

  @Field(() => Int, { nullable: true })
  estimateMinutes: number | null;

  @Field()
  canRunParallel: boolean;

  @Field()
  splittable: boolean;
}

@ObjectType('ProposalFieldChange', { description: 'One field of a task the proposal changes.' })
export class ProposalFieldChange {
  @Field({
    description:
      'phase, title, description, type, priority, requiredProficiency, skills, estimateMinutes, dependsOn, canRunParallel or splittable.',
  })
  field: string;

  @Field(() => String, {
    nullable: true,
    description: 'The value now, as text (lists joined by ", "); null for none.',
  })
  from: string | null;

  @Field(() => String, { nullable: true, description: 'The proposed value, as text.' })
  to: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'For skills (slug or slug:level) and dependsOn (proposal keys; a task id for a dependency the proposal leaves out): the value now.',
  })
  fromList: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'For skills and dependsOn: the proposed value.',
  })
  toList: string[] | null;
}

@ObjectType('ProposalDiffChangedTask')
export class ProposalDiffChangedTask {
  @Field(() => ID)
  taskId: string;

  @Field({ description: "The matching task's key in the proposal." })
  key: string;

  @Field({ description: 'The proposed title.' })
  title: string;

  @Field(() => [ProposalFieldChange])
  fields: ProposalFieldChange[];
}

@ObjectType('ProposalDiffRemovedTask')
export class ProposalDiffRemovedTask {
  @Field(() => ID)
  taskId: string;

  @Field()
  title: string;

  @Field({ description: "The task's status now." })
  status: string;

  @Field(() => String, {
    nullable: true,
    description: 'Blocked tasks: why it cannot be removed (done work stays).',
  })
  reason: string | null;
}

@ObjectType('ProposalDiffPhase')
export class ProposalDiffPhase {
  @Field(() => ID, { nullable: true, description: 'The existing phase; null for a new one.' })
  phaseId: string | null;

  @Field(() => String, { nullable: true, description: "The phase's key in the proposal." })
  key: string | null;

  @Field({ description: 'The name (a rename: the proposed name).' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: 'Renames and description changes: the value now.',
  })
  from: string | null;

  @Field(() => Int, { nullable: true, description: 'New phases: the index in the proposal.' })
  position: number | null;
}

@ObjectType('ProposalDiffPhases')
export class ProposalDiffPhases {
  @Field(() => [ProposalDiffPhase])
  added: ProposalDiffPhase[];

  @Field(() => [ProposalDiffPhase])
  renamed: ProposalDiffPhase[];

  @Field(() => [ProposalDiffPhase], { description: 'Description changes (name: the phase).' })
  changed: ProposalDiffPhase[];

  @Field(() => [ProposalDiffPhase])
  removed: ProposalDiffPhase[];
}

@ObjectType('ProposalDiff', {
  description:
    'What applying a proposal to a plan would do (docs/planning.md, "Re-planning"); confirm it with applyProposal and its fingerprint.',
})
export class ProposalDiffType {
  @Field({
    description:
      "A hash of the plan's current state and the proposal: applyProposal refuses it once the plan changed.",
  })
  fingerprint: string;

  @Field({ description: 'True: the proposal matches the plan; applying changes nothing.' })
  empty: boolean;

  @Field({ description: 'True: the plan has no tasks yet, and applying needs no fingerprint.' })
  buildsNewPlan: boolean;

  @Field(() => [ProposalDiffAddedTask])
  added: ProposalDiffAddedTask[];

  @Field(() => [ProposalDiffChangedTask])
  changed: ProposalDiffChangedTask[];

  @Field(() => [ProposalDiffRemovedTask], {
    description: 'Deleted in a draft plan; cancelled (with their runs) in an active or paused one.',
  })
  removed: ProposalDiffRemovedTask[];

  @Field(() => [ProposalDiffRemovedTask], {
    description: 'Left out by the proposal but done work (MERGED, COMPLETED): they stay.',
  })
  blocked: ProposalDiffRemovedTask[];

  @Field(() => Int, { description: 'Matched tasks with nothing to change.' })
  unchanged: number;

  @Field(() => ProposalDiffPhases)
  phases: ProposalDiffPhases;

  @Field(() => [String], {
    description:
      'Skills the proposal names that the workspace lacks (applying needs createMissingSkills).',
  })
  unknownSkills: string[];

  @Field(() => [String], { description: 'What the parser let through but noticed.' })
  warnings: string[];

  static from(
    preview: Preview,
    extra: { unknownSkills: readonly string[]; warnings: readonly string[] },
  ): ProposalDiffType {
    const { diff } = preview;
    return Object.assign(new ProposalDiffType(), {
      fingerprint: preview.fingerprint,
      empty: isEmptyDiff(diff),
      buildsNewPlan: preview.empty,
      ...diffParts(diff),
      unknownSkills: [...extra.unknownSkills],
      warnings: [...extra.warnings],
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dependency the proposal leaves out shows as the task's row id: shown as its public id. */
const shown = (value: string) => (UUID.test(value) ? toPublicId('Task', value) : value);

function fieldChange(field: string, from: FieldValue, to: FieldValue): ProposalFieldChange {
  const text = (value: FieldValue) =>
    value === null ? null : Array.isArray(value) ? value.map(shown).join(', ') : String(value);
  const list = (value: FieldValue) => (Array.isArray(value) ? value.map(shown) : null);
  return Object.assign(new ProposalFieldChange(), {
    field,
    from: text(from),
    to: text(to),
    fromList: list(from),
    toList: list(to),
  });
}

const phase = (value: Partial<ProposalDiffPhase> & { name: string }) =>
  Object.assign(new ProposalDiffPhase(), {
    phaseId: null,
    key: null,
    from: null,
    position: null,
    ...value,
  });

function diffParts(diff: PlanDiff) {
  return {
    added: diff.added.map((task) =>
      Object.assign(new ProposalDiffAddedTask(), {
        key: task.key,
        title: task.title,
        description: task.description,
        phaseKey: task.phaseKey,
        phaseName: task.phaseName,
        skills: task.skills.map((skill) => skill.slug),
        dependsOn: [...task.dependsOn],
        estimateMinutes: task.estimateMinutes ?? null,
        canRunParallel: task.canRunParallel,
        splittable: task.splittable,
      }),
    ),
    changed: diff.changed.map((change) =>
      Object.assign(new ProposalDiffChangedTask(), {
        taskId: toPublicId('Task', change.taskId),
        key: change.key,
        title: change.title,
        fields: change.fields.map((field) => fieldChange(field.field, field.from, field.to)),
      }),
    ),
    removed: diff.removed.map((task) =>
      Object.assign(new ProposalDiffRemovedTask(), {
        taskId: toPublicId('Task', task.taskId),
        title: task.title,
        status: task.status,
        reason: null,
      }),
    ),
    blocked: diff.blocked.map((task) =>
      Object.assign(new ProposalDiffRemovedTask(), {
        taskId: toPublicId('Task', task.taskId),
        title: task.title,
        status: task.status,
        reason: task.reason,
      }),
    ),
    unchanged: diff.unchanged,
    phases: Object.assign(new ProposalDiffPhases(), {
      added: diff.phases.added.map((added) =>
        phase({ key: added.key, name: added.name, position: added.position }),
      ),
      renamed: diff.phases.renamed.map((renamed) =>
        phase({
          phaseId: toPublicId('Phase', renamed.phaseId),
          key: renamed.key,
          name: renamed.to,
          from: renamed.from,
        }),
      ),
      changed: diff.phases.changed.map((changed) =>
        phase({
          phaseId: toPublicId('Phase', changed.phaseId),
          key: changed.key,
          name: changed.to,
          from: changed.from,
        }),
      ),
      removed: diff.phases.removed.map((removed) =>
        phase({ phaseId: toPublicId('Phase', removed.phaseId), name: removed.name }),
      ),
    }),
  };
}

@InputType('ApplyProposalInput')
export class ApplyProposalInput {
  @Field(() => ID)
  planId: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "A PROPOSAL message of the plan's conversation (exactly one of messageId and proposal).",
  })
  messageId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The proposal: JSON or a Markdown outline (docs/planning.md), at most 200,000 characters.',
  })
  proposal?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The fingerprint of the diff confirmed (proposalDiff or PlanMessage.diff); required unless the plan has no tasks.',
  })
  fingerprint?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Create the skills the proposal names that the workspace lacks (needs skill.manage). Default false: refused.',
  })
  createMissingSkills?: boolean | null;
}

@ObjectType('ReplanSummary', { description: 'What an applyProposal did, counted.' })
export class ReplanSummaryType {
  @Field(() => Int)
  added: number;

  @Field(() => Int)
  changed: number;

  @Field(() => Int, { description: 'Removed tasks deleted (a draft plan).' })
  deleted: number;

  @Field(() => Int, {
    description: 'Removed tasks cancelled with their open runs (an active or paused plan).',
  })
  cancelled: number;

  @Field(() => Int, { description: 'Done work the proposal left out, kept.' })
  blocked: number;

  @Field(() => Int)
  phasesAdded: number;

  @Field(() => Int, { description: 'Phases renamed or re-described.' })
  phasesChanged: number;

  @Field(() => Int)
  phasesDeleted: number;

  @Field(() => Int, { description: 'Phases the proposal left out that keep cancelled tasks.' })
  phasesKept: number;

  static from(summary: ReplanSummary): ReplanSummaryType {
    return Object.assign(new ReplanSummaryType(), summary);
  }
}

@ObjectType('ApplyProposalPayload')
export class ApplyProposalPayload {
  @Field(() => PlanType, { nullable: true })
  plan: PlanType | null;

  @Field(() => ProposalDiffType, { nullable: true, description: 'The diff applied.' })
  diff: ProposalDiffType | null;

  @Field({ description: 'False: the proposal matched the plan and nothing was written.' })
  applied: boolean;

  @Field(() => ReplanSummaryType, { nullable: true })
  summary: ReplanSummaryType | null;

  @Field(() => [String], { description: 'Skills created for it (createMissingSkills).' })
  createdSkills: string[];

  @Field(() => [UserError], {
    description:
      'One per problem; a proposal\'s errors each name their line or field (field: ["proposal", …]).',
  })
  userErrors: UserError[];
}

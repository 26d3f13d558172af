import { Foundation1795243308180 } from './1795243308180-foundation.js';
import { Access1795252416920 } from './1795252416920-access.js';
import { Agents1795247657237 } from './1795247657237-agents.js';
import { Planning1795246726577 } from './1795246726577-planning.js';
import { PublicIdFunction1795260000000 } from './1795260000000-public-id-function.js';
import { QueuedIndex1795260000001 } from './1795260000001-queued-index.js';
import { LeaseIndex1795260000002 } from './1795260000002-lease-index.js';
import { TeamsAndDelegation1795260000003 } from './1795260000003-teams-and-delegation.js';
import { FasterPublicId1795260000004 } from './1795260000004-faster-public-id.js';
import { Delivery1795260000005 } from './1795260000005-delivery.js';
import { GitHosts1795260000006 } from './1795260000006-git-hosts.js';
import { OpenRunsIndex1795260000007 } from './1795260000007-open-runs-index.js';
import { KnowledgeSearch1795260000008 } from './1795260000008-knowledge-search.js';
import { ProposalKeys1795260000011 } from './1795260000011-proposal-keys.js';
import { KnowledgeIndexBuild1795260000012 } from './1795260000012-knowledge-index-build.js';
import { ReviewVerdictIndex1795260000013 } from './1795260000013-review-verdict-index.js';
import { PlanAnswerHold1795260000014 } from './1795260000014-plan-answer-hold.js';

/** Every migration, in order. TypeORM runs the pending ones at start-up. */
export const MIGRATIONS = [
  Foundation1795243308180,
  Planning1795246726577,
  Agents1795247657237,
  Access1795252416920,
  PublicIdFunction1795260000000,
  QueuedIndex1795260000001,
  LeaseIndex1795260000002,
  TeamsAndDelegation1795260000003,
  FasterPublicId1795260000004,
  Delivery1795260000005,
  GitHosts1795260000006,
  OpenRunsIndex1795260000007,
  KnowledgeSearch1795260000008,
  ProposalKeys1795260000011,
  KnowledgeIndexBuild1795260000012,
  ReviewVerdictIndex1795260000013,
  PlanAnswerHold1795260000014,
];

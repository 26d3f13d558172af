import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { In } from 'typeorm';
import { openPostgres, type Database } from '../src/db/database.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { AgentSessionEntity } from '../src/domain/session/session.entity.js';
import { addSession, queueRun } from './support/agents.js';
import { DATABASE_URL, testLogger } from './support/environment.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SESSIONS = 50;
const RUNS = 1000;

// The race needs many connections to one PostgreSQL: the embedded PGlite has a single one, so
// its claims run one after another and nothing races. .ci/run sets DATABASE_URL.
const SKIPPED =
  'skipped: needs real PostgreSQL in DATABASE_URL; embedded PGlite has one connection, so claims cannot race';
const onPostgres = DATABASE_URL ? test : test.skip;
const needsPostgres = DATABASE_URL ? '' : ` (${SKIPPED})`;
// Jest names no test of a file whose tests are all skipped: say why here.
if (!DATABASE_URL) console.info(`claim-race.test.ts ${SKIPPED}`);

describe(`${SESSIONS} sessions racing for ${RUNS} runs`, () => {
  let db: TestDatabase;
  /** The Studio's pool: one connection per session, so every claim can run at once. */
  let pool: Database;
  let server: TestServer;

  beforeAll(async () => {
    if (!DATABASE_URL) return;
    db = await openTestDatabase();
    if (!db.url) throw new Error('the test database has no PostgreSQL url');
    pool = await openPostgres(db.url, testLogger(), { poolSize: SESSIONS });
    server = await startTestServer({ database: pool });
  });
  afterAll(async () => {
    await server?.close();
    await pool?.close();
    await db?.close();
  });

  onPostgres(
    `every run is claimed exactly once${needsPostgres}`,
    async () => {
      const project = await server.factory.project();
      const projectKey = parsePublicIdOf('Project', project.id) as string;
      const sessionIds: string[] = [];
      for (let n = 0; n < SESSIONS; n++) {
        sessionIds.push(await addSession(server, project.id, { name: `racer-${n}` }));
      }
      const sessions = await server.studio.database.dataSource.manager.findBy(AgentSessionEntity, {
        id: In(sessionIds.map((id) => parsePublicIdOf('AgentSession', id) as string)),
      });
      expect(sessions).toHaveLength(SESSIONS);
      // Queued as the dispatcher queues them (RunQueued each), open to every session.
      const queued: string[] = [];
      for (let n = 0; n < RUNS; n += SESSIONS) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(SESSIONS, RUNS - n) }, () =>
            queueRun(server, { projectId: project.id }),
          ),
        );
        queued.push(...batch.map((run) => run.id));
      }

      // Each session claims until the queue has nothing left for it, all at once.
      const claimedBy = new Map<string, string[]>();
      await Promise.all(
        sessions.map(async (session) => {
          for (;;) {
            const run = await server.studio.services.queue.claim(session);
            if (!run) return;
            claimedBy.set(run.id, [...(claimedBy.get(run.id) ?? []), session.id]);
          }
        }),
      );

      expect([...claimedBy.values()].filter((by) => by.length !== 1)).toEqual([]);
      // They did race: the runs were shared out, not taken by whoever came first.
      expect(new Set([...claimedBy.values()].flat()).size).toBeGreaterThan(1);
      expect([...claimedBy.keys()].sort()).toEqual([...queued].sort());
      const manager = server.studio.database.dataSource.manager;
      const statuses: { status: string; lease_version: number; count: string }[] =
        await manager.query(
          `SELECT status, lease_version, count(*) FROM agent_run WHERE project_id = $1
            GROUP BY status, lease_version`,
          [projectKey],
        );
      // None left queued; each claimed once (lease 1), by the session that got it.
      expect(statuses.map((row) => [row.status, row.lease_version, Number(row.count)])).toEqual([
        ['CLAIMED', 1, RUNS],
      ]);
      const holders: { id: string; session_id: string }[] = await manager.query(
        'SELECT id, session_id FROM agent_run WHERE project_id = $1',
        [projectKey],
      );
      expect(holders.filter((row) => claimedBy.get(row.id)?.[0] !== row.session_id)).toEqual([]);

      // One RunClaimed event per run, naming the session that claimed it.
      const events: { run_id: string; session_id: string; lease_version: number }[] =
        await manager.query(
          `SELECT payload->>'runId' AS run_id, payload->>'sessionId' AS session_id,
                  (payload->>'leaseVersion')::int AS lease_version
             FROM event WHERE project_id = $1 AND type = 'RunClaimed'`,
          [projectKey],
        );
      expect(events).toHaveLength(RUNS);
      expect(new Set(events.map((event) => event.run_id)).size).toBe(RUNS);
      const claimer = new Map(
        [...claimedBy].map(([run, [session]]) => [
          toPublicId('Run', run),
          toPublicId('AgentSession', session as string),
        ]),
      );
      expect(
        events.filter(
          (event) => event.lease_version !== 1 || claimer.get(event.run_id) !== event.session_id,
        ),
      ).toEqual([]);
      // The project's event sequence stays gapless under the race (RunQueued and RunClaimed).
      const seqs: { count: number; distinct_seqs: number; first: number; last: number }[] =
        await manager.query(
          `SELECT count(*)::int AS count, count(DISTINCT seq)::int AS distinct_seqs,
                  min(seq)::int AS first, max(seq)::int AS last
             FROM event WHERE project_id = $1`,
          [projectKey],
        );
      const [seq] = seqs;
      expect(seq?.count).toBeGreaterThanOrEqual(2 * RUNS);
      expect([seq?.distinct_seqs, seq?.first, seq?.last]).toEqual([seq?.count, 1, seq?.count]);
    },
    60_000,
  );
});

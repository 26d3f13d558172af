import type { DataSource, EntityManager } from 'typeorm';
import type { EventRecord } from './event.types.js';

export interface EventRow {
  id: string;
  project_id: string;
  seq: string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

export function toRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    seq: Number(row.seq),
    type: row.type,
    payload: row.payload,
    occurredAt: row.occurred_at,
  };
}

/**
 * The WITH-clauses that append one event per row of the CTE `source` (which has a project_id
 * column) inside a larger statement: the same sequence rule as append() — the project's
 * stream row is locked, so seqs are gapless and in commit order — but no round trip while the
 * lock is held when the statement commits on its own. Selects the event as `event_*` columns
 * from a CTE named `appended`. `$id` is the parameter holding the new event's id.
 */
export function appendEventSql(source: string, type: string, payload: string, id: string): string {
  return `next_seq AS (
      INSERT INTO event_stream (project_id, last_seq) SELECT project_id, 1 FROM ${source}
      ON CONFLICT (project_id) DO UPDATE SET last_seq = event_stream.last_seq + 1
      RETURNING project_id, last_seq
    ), appended AS (
      INSERT INTO event (id, project_id, seq, type, payload, occurred_at)
      SELECT ${id}, n.project_id, n.last_seq, '${type}', ${payload}, clock_timestamp()
        FROM ${source} JOIN next_seq n ON n.project_id = ${source}.project_id
      RETURNING id, project_id, seq, type, payload, occurred_at
    )`;
}

export class EventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the project's next sequence number and writes the event in one statement. The
   * counter row stays locked until the transaction ends, so sequence numbers become visible
   * in order: whoever sees event n can also see every event before it.
   */
  async append(
    manager: EntityManager,
    event: { id: string; projectId: string; type: string; payload: Record<string, unknown> },
  ): Promise<EventRecord> {
    const rows = await manager.query<EventRow[]>(
      `WITH next AS (
         INSERT INTO event_stream (project_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (project_id) DO UPDATE SET last_seq = event_stream.last_seq + 1
         RETURNING last_seq
       )
       INSERT INTO event (id, project_id, seq, type, payload, occurred_at)
       SELECT $2, $1, next.last_seq, $3, $4::jsonb, clock_timestamp() FROM next
       RETURNING id, project_id, seq, type, payload, occurred_at`,
      [event.projectId, event.id, event.type, JSON.stringify(event.payload)],
    );
    const row = rows[0];
    if (!row) throw new Error('event insert returned no row');
    return toRecord(row);
  }

  /** The ReviewApproved and ReviewRejected events of these tasks (public ids), oldest first. */
  async reviewVerdicts(taskIds: readonly string[]): Promise<EventRecord[]> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT id, project_id, seq, type, payload, occurred_at FROM event
       WHERE type IN ('ReviewApproved', 'ReviewRejected') AND payload->>'taskId' = ANY($1)
       ORDER BY seq`,
      [taskIds],
    );
    return rows.map(toRecord);
  }

  /** Events with seq > `after`, oldest first, at most `limit` of them. */
  async listAfter(projectId: string, after: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT id, project_id, seq, type, payload, occurred_at FROM event
       WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [projectId, after, limit],
    );
    return rows.map(toRecord);
  }

  async findById(id: string): Promise<EventRecord | undefined> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT id, project_id, seq, type, payload, occurred_at FROM event WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The project's last sequence number, 0 before its first event. */
  async lastSeq(projectId: string): Promise<number> {
    const rows = await this.dataSource.query<Array<{ last_seq: string }>>(
      `SELECT last_seq FROM event_stream WHERE project_id = $1`,
      [projectId],
    );
    return rows[0] ? Number(rows[0].last_seq) : 0;
  }
}

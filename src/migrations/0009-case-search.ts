import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { searchTokens } from '../modules/cases/case.search.js';

const BACKFILL_BATCH = 2000;

/**
 * Case text search by index: `cases.search_tokens` (CJK bigrams and trigrams of the search text, see
 * src/modules/cases/case.search.ts), indexed by an FTS5 table kept in sync by triggers on SQLite and by a GIN index
 * on the token array on PostgreSQL. Existing cases get their tokens here.
 */
export function caseSearch(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('cases')
        .addColumn('search_tokens', 'text', (c) => c.notNull().defaultTo(''))
        .execute();

      // Backfill in keyset batches, one set-based update per batch.
      let after: { w: string; i: string } | null = null;
      for (;;) {
        const cursor: { w: string; i: string } | null = after;
        const rows = (
          await sql<{ workspace_id: string; id: string; search_text: string }>`
            select workspace_id, id, search_text from cases
            ${cursor ? sql`where workspace_id > ${cursor.w} or (workspace_id = ${cursor.w} and id > ${cursor.i})` : sql``}
            order by workspace_id, id limit ${BACKFILL_BATCH}`.execute(db)
        ).rows;
        if (!rows.length) break;
        const json = JSON.stringify(
          rows.map((r) => ({ w: r.workspace_id, i: r.id, t: searchTokens(r.search_text) })),
        );
        if (kind === 'sqlite')
          await sql`update cases set search_tokens = j.value ->> 't' from json_each(${json}) as j
            where cases.workspace_id = j.value ->> 'w' and cases.id = j.value ->> 'i'`.execute(db);
        else
          await sql`update cases set search_tokens = j.t
            from jsonb_to_recordset(cast(${json} as jsonb)) as j(w text, i text, t text)
            where cases.workspace_id = j.w and cases.id = j.i`.execute(db);
        const last = rows[rows.length - 1] as { workspace_id: string; id: string };
        after = { w: last.workspace_id, i: last.id };
      }

      if (kind === 'sqlite') {
        // External-content FTS5 over cases.search_tokens: it stores only the index (rowids, detail=none), the
        // triggers keep it in the writing transaction. The `ascii` tokenizer splits on ASCII punctuation and spaces
        // only, so every stored token (letters and digits, any script) stays one token.
        await sql`create virtual table cases_fts using fts5(search_tokens, content='cases', tokenize='ascii',
          detail='none', columnsize=0)`.execute(db);
        await sql`create trigger cases_fts_insert after insert on cases begin
          insert into cases_fts (rowid, search_tokens) values (new.rowid, new.search_tokens);
        end`.execute(db);
        await sql`create trigger cases_fts_delete after delete on cases begin
          insert into cases_fts (cases_fts, rowid, search_tokens) values ('delete', old.rowid, old.search_tokens);
        end`.execute(db);
        await sql`create trigger cases_fts_update after update of search_tokens on cases begin
          insert into cases_fts (cases_fts, rowid, search_tokens) values ('delete', old.rowid, old.search_tokens);
          insert into cases_fts (rowid, search_tokens) values (new.rowid, new.search_tokens);
        end`.execute(db);
        await sql`insert into cases_fts (cases_fts) values ('rebuild')`.execute(db);
      } else {
        // A GIN index cannot lead with workspace_id (no btree_gin); queries still filter by workspace.
        await sql`create index cases_search_tokens_idx on cases using gin (string_to_array(search_tokens, ' '))`.execute(
          db,
        );
      }
    },
  };
}

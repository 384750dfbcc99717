import { fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import type { Analysis } from './text.analyze.js';
import { reanalysisNotFound, reanalysisRunning, unknownTextSource } from './text.errors.js';
import type { Language } from './text.features.js';
import { analyzeForWorkspace } from './text.service.js';
import type { TextReanalysesTable } from './text.tables.js';

/** One stored text as its owning module hands it over for re-analysis. */
export interface StoredText {
  /** Position in the source's stable order; the next scan starts after it. */
  cursor: string;
  /** The owner's id of the text (opaque to this module). */
  id: string;
  text: string;
  language?: Language;
  /** The analysis stored today, to count what changed. */
  label: string | null;
  topics: string[];
}

/**
 * A module whose records carry analysed texts (survey answers, case descriptions) and that lets them be analysed
 * again with the workspace's current vocabulary and corrections.
 */
export interface AnalysedTextSource {
  /** Stable name, e.g. `survey_answers`. */
  name: string;
  /** Up to `limit` texts after `cursor` ('' = from the start), in a stable order. */
  scan(db: Db, workspaceId: string, cursor: string, limit: number): Promise<StoredText[]>;
  /** How many texts the source holds for the workspace (for progress). */
  count(db: Db, workspaceId: string): Promise<number>;
  /** Stores a new analysis of the text `id`. */
  store(db: Db, workspaceId: string, id: string, analysis: Analysis): Promise<void>;
}

export const REANALYSIS_JOB = 'text.reanalyze';
const CHUNK = 500;

/** Re-analysis of stored texts as a durable background job: start, progress, and the job itself. */
export class TextReanalysis {
  private readonly sources: Map<string, AnalysedTextSource>;

  constructor(
    private readonly db: Db,
    sources: readonly AnalysedTextSource[],
  ) {
    this.sources = new Map(sources.map((s) => [s.name, s]));
  }

  /** The names of the sources that can be re-analysed. */
  sourceNames(): string[] {
    return [...this.sources.keys()];
  }

  async start(ctx: ActorContext, workspaceId: string, names?: string[]): Promise<TextReanalysesTable> {
    const chosen = names ?? this.sourceNames();
    const unknown = chosen.filter((n) => !this.sources.has(n));
    if (unknown.length) throw unknownTextSource(unknown, this.sourceNames());
    return inTransaction(this.db, async (trx) => {
      const running = await trx
        .selectFrom('text_reanalyses')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (running) throw reanalysisRunning(running.id);
      let total = 0;
      for (const n of chosen)
        total += await (this.sources.get(n) as AnalysedTextSource).count(trx, workspaceId);
      const row: TextReanalysesTable = {
        workspace_id: workspaceId,
        id: newId('rna'),
        status: 'running',
        sources: toJson(chosen),
        source_index: 0,
        cursor: '',
        total,
        processed: 0,
        changed: 0,
        error: null,
        created_by: ctx.actor.id,
        started_at: Date.now(),
        finished_at: null,
      };
      await trx.insertInto('text_reanalyses').values(row).execute();
      await enqueueJob(trx, {
        type: REANALYSIS_JOB,
        workspaceId,
        payload: { id: row.id },
        uniqueKey: `text.reanalyze:${workspaceId}`,
      });
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'text.reanalysis_started',
        targetType: 'text_reanalysis',
        targetId: row.id,
        details: { sources: chosen, texts: total },
      });
      return row;
    });
  }

  async get(workspaceId: string, id: string): Promise<TextReanalysesTable> {
    const row = await this.db
      .selectFrom('text_reanalyses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw reanalysisNotFound(id);
    return row;
  }

  /** The job: walks each source in chunks; every chunk and its progress commit together, so a retry resumes. */
  readonly job: JobHandler = async (job) => {
    const workspaceId = job.workspaceId ?? '';
    const { id } = job.payload as { id: string };
    const run = await this.db
      .selectFrom('text_reanalyses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!run || run.status !== 'running') return;
    const names = fromJson<string[]>(run.sources);
    let { source_index: index, cursor } = run;
    let processed = Number(run.processed);
    let changed = Number(run.changed);
    const progress = (trx: Db, extra: Partial<TextReanalysesTable> = {}) =>
      trx
        .updateTable('text_reanalyses')
        .set({ source_index: index, cursor, processed, changed, ...extra })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    try {
      while (index < names.length) {
        const source = this.sources.get(names[index] as string);
        const texts = source ? await source.scan(this.db, workspaceId, cursor, CHUNK) : [];
        if (!source || texts.length === 0) {
          index++;
          cursor = '';
          await progress(this.db);
          continue;
        }
        const analyses = await analyzeForWorkspace(
          this.db,
          workspaceId,
          texts.map((t) => t.text),
        );
        await inTransaction(this.db, async (trx) => {
          for (const [i, t] of texts.entries()) {
            const a = analyses[i] as Analysis;
            const topics = a.topics.map((x) => x.key).sort();
            if (a.sentiment.label !== t.label || topics.join() !== [...t.topics].sort().join()) changed++;
            await source.store(trx, workspaceId, t.id, a);
          }
          processed += texts.length;
          cursor = (texts[texts.length - 1] as StoredText).cursor;
          await progress(trx);
        });
      }
      await progress(this.db, { status: 'done', finished_at: Date.now() });
    } catch (err) {
      if (job.attempt >= 5)
        await progress(this.db, {
          status: 'failed',
          finished_at: Date.now(),
          error: err instanceof Error ? err.message : String(err),
        });
      throw err;
    }
  };
}

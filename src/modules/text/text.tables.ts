/** A topic a workspace added to the default taxonomy. */
export interface TextTopicsTable {
  workspace_id: string;
  key: string;
  name_zh: string;
  name_en: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A keyword a workspace added to a default or custom topic. */
export interface TextKeywordsTable {
  workspace_id: string;
  id: string;
  topic_key: string;
  /** 'zh', 'en' or 'any'. */
  language: string;
  /** Normalised (NFKC, lower case); unique per workspace, topic and language. */
  keyword: string;
  created_by: string | null;
  created_at: number;
}

/** A person's correction of the analysis of one text; applies to every later text with the same normalised form. */
export interface TextCorrectionsTable {
  workspace_id: string;
  id: string;
  /** HMAC-SHA256 (keyed by the workspace id) of the normalised text: the lookup key. */
  text_hash: string;
  /** The corrected text as given (cut to the analysed length), to show in the list. */
  text: string;
  /** 'negative' | 'neutral' | 'positive', or null to leave sentiment to the model. */
  label: string | null;
  /** JSON array of topic keys, or null to leave topics to the model. */
  topics: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A background re-analysis of the workspace's stored texts, source by source, resumable from its cursor. */
export interface TextReanalysesTable {
  workspace_id: string;
  id: string;
  status: 'running' | 'done' | 'failed';
  /** JSON array of source names, in the order they are walked. */
  sources: string;
  source_index: number;
  cursor: string;
  total: number;
  processed: number;
  /** Texts whose sentiment label or topics changed. */
  changed: number;
  error: string | null;
  created_by: string | null;
  started_at: number;
  finished_at: number | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    text_topics: TextTopicsTable;
    text_keywords: TextKeywordsTable;
    text_corrections: TextCorrectionsTable;
    text_reanalyses: TextReanalysesTable;
  }
}

/**
 * Loads the four sentiment data sets from ../shared/datasets and splits each one into train / validation / test.
 *
 * The split is a pure function of the text, not of row order: a keyed hash (SHA-256 of SPLIT_SEED + normalised
 * text) puts a text into test (15 %), validation (10 %) or train (75 %). So duplicates — within a data set or across
 * data sets — always land in the same part, and rerunning the script gives the same split on any machine.
 *
 * SST-2's train.tsv is not a list of sentences: it holds every labelled phrase of the parse trees of ~6,900
 * sentences, so a random row split would test on sentences whose sub-phrases were trained on. Here the full
 * sentences are found (entries that are not a token-substring of a longer entry), each sentence is assigned to a
 * part by the hash, and every phrase that occurs inside a validation or test sentence is dropped from training.
 * Test figures are reported on held-out full sentences (the real task) and, for reference, on all phrases of them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeText, type Language } from '../../src/modules/text/text.features.js';

export const SPLIT_SEED = 'touchpoint-text-v1';
export const TEST_SHARE = 0.15;
export const VALIDATION_SHARE = 0.1;

export type Part = 'train' | 'validation' | 'test';

export interface Example {
  text: string;
  /** 1 positive, 0 negative. */
  label: 0 | 1;
  dataset: string;
}

export interface DataSet {
  name: string;
  title: string;
  language: Language;
  train: Example[];
  validation: Example[];
  test: Example[];
  /** Extra test view (SST-2: every phrase inside a held-out test sentence). */
  testPhrases?: Example[];
  /** SST-2: every phrase inside a validation sentence (held out like them; used to make model choice less noisy). */
  validationPhrases?: Example[];
  /** SST-2: the full sentences of the train part (for cross-validation inside it). */
  trainSentences?: string[];
  notes: string[];
}

/** The part a text belongs to, from a keyed hash of its normalised form. */
export function partOf(text: string): Part {
  const digest = createHash('sha256').update(SPLIT_SEED).update('\0').update(normalizeText(text)).digest();
  const u = digest.readUInt32BE(0) / 2 ** 32;
  if (u < TEST_SHARE) return 'test';
  if (u < TEST_SHARE + VALIDATION_SHARE) return 'validation';
  return 'train';
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CR LF); returns rows of fields. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"') {
        if (content[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function label(value: string | undefined): 0 | 1 | null {
  return value === '1' ? 1 : value === '0' ? 0 : null;
}

interface Raw {
  text: string;
  label: 0 | 1;
}

/**
 * Exact duplicates (after normalisation) are kept once; a text seen with both labels is dropped as unusable. Returns
 * the survivors and how many rows were removed.
 */
function dedupe(rows: Raw[]): { rows: Raw[]; duplicates: number; conflicting: number } {
  const byText = new Map<string, { row: Raw; labels: Set<number> }>();
  for (const r of rows) {
    const key = normalizeText(r.text);
    if (!key) continue;
    const seen = byText.get(key);
    if (seen) seen.labels.add(r.label);
    else byText.set(key, { row: r, labels: new Set([r.label]) });
  }
  const kept = [...byText.values()].filter((v) => v.labels.size === 1).map((v) => v.row);
  return {
    rows: kept,
    duplicates: rows.length - byText.size,
    conflicting: byText.size - kept.length,
  };
}

function splitRows(name: string, title: string, language: Language, raw: Raw[], notes: string[]): DataSet {
  const { rows, duplicates, conflicting } = dedupe(raw);
  const ds: DataSet = { name, title, language, train: [], validation: [], test: [], notes };
  for (const r of rows) ds[partOf(r.text)].push({ text: r.text, label: r.label, dataset: name });
  notes.push(
    `${raw.length} rows read; ${duplicates} duplicates (or empty) and ${conflicting} texts with both labels removed`,
  );
  return ds;
}

function readCsv(root: string, file: string, textColumn: string): Raw[] {
  // The e-commerce file starts its first review with a stray U+FEFF; strip it wherever it appears.
  const rows = parseCsv(readFileSync(path.join(root, file), 'utf8').replace(/\uFEFF/g, ''));
  const header = rows[0] ?? [];
  const ti = header.indexOf(textColumn);
  const li = header.indexOf('label');
  const out: Raw[] = [];
  for (const r of rows.slice(1)) {
    const l = label(r[li]);
    const text = r[ti];
    if (l !== null && text !== undefined && text.trim()) out.push({ text, label: l });
  }
  return out;
}

/** SST-2 with the sentence-level leakage-free split described at the top of this file. */
function loadSst2(root: string): DataSet {
  const lines = readFileSync(path.join(root, 'sst2/train.tsv'), 'utf8').split('\n').slice(1);
  const entries = new Map<string, 0 | 1>();
  for (const line of lines) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const text = line.slice(0, tab).trim().replace(/\s+/g, ' ');
    const l = label(line.slice(tab + 1).trim());
    if (text && l !== null) entries.set(text, l);
  }
  // Longest first: an entry not covered by an earlier (longer) sentence is itself a sentence.
  const sorted = [...entries.keys()].sort((a, b) => b.length - a.length);
  const covered = new Set<string>();
  const heldOutPhrases = new Map<string, Part>();
  const sentences: string[] = [];
  for (const text of sorted) {
    if (covered.has(text)) continue;
    sentences.push(text);
    const part = partOf(text);
    const tokens = text.split(' ');
    for (let i = 0; i < tokens.length; i++) {
      for (let j = i + 1; j <= tokens.length; j++) {
        const sub = tokens.slice(i, j).join(' ');
        covered.add(sub);
        if (part !== 'train') {
          // A phrase inside both a test and a validation sentence counts as test.
          if (heldOutPhrases.get(sub) !== 'test') heldOutPhrases.set(sub, part);
        }
      }
    }
  }
  const sentenceSet = new Set(sentences);
  const ds: DataSet = {
    name: 'sst2',
    title: 'SST-2 English movie-review sentences',
    language: 'en',
    train: [],
    validation: [],
    test: [],
    testPhrases: [],
    validationPhrases: [],
    trainSentences: sentences.filter((t) => partOf(t) === 'train'),
    notes: [],
  };
  let dropped = 0;
  for (const [text, l] of entries) {
    const ex: Example = { text, label: l, dataset: 'sst2' };
    const held = heldOutPhrases.get(text);
    if (held === undefined) ds.train.push(ex);
    else {
      if (held === 'test') ds.testPhrases?.push(ex);
      else ds.validationPhrases?.push(ex);
      if (sentenceSet.has(text) && partOf(text) === held) ds[held].push(ex);
      else dropped++;
    }
  }
  ds.notes.push(
    `${entries.size} distinct phrases; ${sentences.length} full sentences found (entries not inside a longer one)`,
    `sentences assigned to a part by the keyed hash; every phrase inside a validation or test sentence is removed ` +
      `from training (${dropped} phrases); validation and test hold full sentences only`,
    `"phrases" view: all ${ds.testPhrases?.length ?? 0} entries inside test sentences (the sentences included)`,
  );
  return ds;
}

/** All four data sets, split. `root` is the datasets folder (default ../shared/datasets from the repo root). */
export function loadDataSets(root: string): DataSet[] {
  return [
    splitRows(
      'chnsenticorp',
      'ChnSentiCorp hotel reviews (zh)',
      'zh',
      readCsv(root, 'chnsenticorp/train.csv', 'review'),
      [],
    ),
    splitRows(
      'waimai_10k',
      'waimai_10k food-delivery reviews (zh)',
      'zh',
      readCsv(root, 'waimai_10k/waimai_10k.csv', 'review'),
      [],
    ),
    splitRows(
      'online_shopping_10_cats',
      'online_shopping_10_cats e-commerce reviews (zh)',
      'zh',
      readCsv(root, 'online_shopping_10_cats/online_shopping_10_cats.csv', 'review'),
      [],
    ),
    loadSst2(root),
  ];
}

/**
 * The first `perSet` held-out test texts of each data set, found without building the whole split (the SST-2
 * sentence recovery above takes seconds): CSV rows whose text hashes to the test part, and SST-2 entries that hash
 * to test and lie inside no other entry (full test sentences). Same texts as the test parts of loadDataSets.
 */
export function heldOutSample(root: string, perSet: number): DataSet[] {
  const csv = (name: string, title: string, file: string): DataSet => {
    const test = readCsv(root, file, 'review')
      .filter((r) => partOf(r.text) === 'test')
      .slice(0, perSet)
      .map((r) => ({ text: r.text, label: r.label, dataset: name }));
    return { name, title, language: 'zh', train: [], validation: [], test, notes: [] };
  };
  const lines = readFileSync(path.join(root, 'sst2/train.tsv'), 'utf8').split('\n').slice(1);
  const entries: Raw[] = [];
  for (const line of lines) {
    const tab = line.lastIndexOf('\t');
    const l = label(line.slice(tab + 1).trim());
    const text = line.slice(0, tab).trim().replace(/\s+/g, ' ');
    if (tab > 0 && text && l !== null) entries.push({ text, label: l });
  }
  const padded = entries.map((e) => ` ${e.text} `);
  const sentences: Example[] = [];
  for (const e of entries) {
    if (sentences.length >= perSet) break;
    if (partOf(e.text) !== 'test') continue;
    const needle = ` ${e.text} `;
    if (padded.some((p) => p.length > needle.length && p.includes(needle))) continue;
    sentences.push({ text: e.text, label: e.label, dataset: 'sst2' });
  }
  return [
    csv('chnsenticorp', 'ChnSentiCorp', 'chnsenticorp/train.csv'),
    csv('waimai_10k', 'waimai_10k', 'waimai_10k/waimai_10k.csv'),
    csv(
      'online_shopping_10_cats',
      'online_shopping_10_cats',
      'online_shopping_10_cats/online_shopping_10_cats.csv',
    ),
    { name: 'sst2', title: 'SST-2', language: 'en', train: [], validation: [], test: sentences, notes: [] },
  ];
}

/**
 * `analyze`: language, sentiment, topics, keywords and urgency of one text, in-process and synchronous. Pure apart
 * from reading the model files once; a workspace's keywords, topics and corrections come in as `vocabulary`.
 */
import { hmacSha256Hex } from '../../platform/crypto/index.js';
import { normalizeText, type Language } from './text.features.js';
import { extractKeywords } from './text.keywords.js';
import { sentimentModel } from './text.model.js';
import { sentimentOf, type Sentiment, type SentimentLabel } from './text.sentiment.js';
import { compileTaxonomy, matchTopics, type Taxonomy, type TopicMatch } from './text.taxonomy.js';
import { urgencyReasons, type UrgencyReason } from './text.urgency.js';

/** Texts longer than this (UTF-16 code units) are cut and flagged `truncated`. */
export const MAX_TEXT_LENGTH = 10_000;

/** What a workspace corrected for one text: either part may be left to the model (null). */
export interface CorrectionOverride {
  label: SentimentLabel | null;
  topics: readonly string[] | null;
}

/** A workspace's corrections, looked up by the keyed hash of the normalised text (see correctionHash). */
export interface Corrections {
  /** The HMAC key of the hashes (the workspace id, so equal texts hash differently per workspace). */
  key: string;
  byHash: ReadonlyMap<string, CorrectionOverride>;
}

/** A workspace's view of analysis: its taxonomy (defaults + own topics and keywords) and its corrections. */
export interface Vocabulary {
  taxonomy?: Taxonomy;
  corrections?: Corrections;
}

export interface AnalyzeOptions {
  /** Skip keyword extraction (the slowest step) when only sentiment and topics are needed. */
  keywords?: boolean;
}

export interface Analysis {
  language: Language;
  sentiment: Sentiment;
  topics: TopicMatch[];
  keywords: string[];
  urgent: boolean;
  urgencyReasons: UrgencyReason[];
  /** The text was longer than MAX_TEXT_LENGTH and only its beginning was analysed. */
  truncated: boolean;
  /** A workspace correction replaced the model's sentiment and/or topics. */
  corrected: boolean;
}

let defaultTaxonomy: Taxonomy | undefined;

/** The default CX taxonomy, compiled once. */
export function defaultCompiledTaxonomy(): Taxonomy {
  defaultTaxonomy ??= compileTaxonomy();
  return defaultTaxonomy;
}

/** The part of a text that is analysed: at most MAX_TEXT_LENGTH code units, never ending inside a surrogate pair. */
export function cutText(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text;
  const last = text.charCodeAt(MAX_TEXT_LENGTH - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH);
}

/** Cuts a text to MAX_TEXT_LENGTH and normalises it. */
export function prepareText(text: string): { normalized: string; truncated: boolean } {
  // Callers from plain JavaScript may pass anything; a non-string is analysed as its string form.
  const t = typeof text === 'string' ? text : String(text ?? '');
  return { normalized: normalizeText(cutText(t)), truncated: t.length > MAX_TEXT_LENGTH };
}

/** The keyed hash that identifies "the same text" for corrections: HMAC-SHA256 of the normalised, cut text. */
export function correctionHash(key: string, text: string): string {
  return hmacSha256Hex(key, prepareText(text).normalized);
}

const LABEL_SCORE: Record<SentimentLabel, number> = { negative: 0, neutral: 0.5, positive: 1 };

function correctedSentiment(label: SentimentLabel): Sentiment {
  return {
    label,
    score: LABEL_SCORE[label],
    probabilities: {
      negative: label === 'negative' ? 1 : 0,
      neutral: label === 'neutral' ? 1 : 0,
      positive: label === 'positive' ? 1 : 0,
    },
  };
}

/**
 * Analyses one text. Never throws on any string (empty, emoji only, mixed scripts, lone surrogates, 100 KB):
 * every input gets a valid result. `lang` forces the sentiment model's language; without it the script decides.
 */
export function analyze(
  text: string,
  lang?: Language,
  vocabulary: Vocabulary = {},
  options: AnalyzeOptions = {},
): Analysis {
  const { normalized, truncated } = prepareText(text);
  const { language, sentiment } = sentimentOf(sentimentModel(), normalized, lang);
  const taxonomy = vocabulary.taxonomy ?? defaultCompiledTaxonomy();
  let topics = matchTopics(taxonomy, normalized);
  const reasons = urgencyReasons(normalized);
  let finalSentiment = sentiment;
  let corrected = false;

  const corrections = vocabulary.corrections;
  if (corrections && corrections.byHash.size > 0) {
    const override = corrections.byHash.get(hmacSha256Hex(corrections.key, normalized));
    if (override) {
      corrected = true;
      if (override.label) finalSentiment = correctedSentiment(override.label);
      if (override.topics) {
        const found = new Map(topics.map((t) => [t.key, t.matched]));
        topics = override.topics.flatMap((key) => {
          const name = taxonomy.byKey.get(key);
          return name ? [{ key, name, matched: found.get(key) ?? [] }] : [];
        });
      }
    }
  }

  const boost = new Set(topics.flatMap((t) => t.matched.map((m) => m.toLowerCase())));
  return {
    language,
    sentiment: finalSentiment,
    topics,
    keywords: options.keywords === false ? [] : extractKeywords(normalized, 8, boost),
    urgent: reasons.length > 0,
    urgencyReasons: reasons,
    truncated,
    corrected,
  };
}

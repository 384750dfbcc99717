/**
 * Three-class sentiment from the binary model. The model only knows negative vs positive (all four training sets are
 * binary), so "neutral" is defined here, in two ways:
 *  - no evidence: a text without any letter, digit or CJK character (empty, punctuation, emoji without a known
 *    polarity) is neutral with score 0.5 — the model would only echo hash collisions there;
 *  - low confidence: a calibrated P(positive) within ±band of 0.5 (band from the model header, 0.1 by default).
 * The three probabilities are built so that their arg-max is exactly that label: the neutral mass falls linearly
 * from 1 at p = 0.5 to 0 at |2p − 1| = m, and the rest is split between positive and negative in the ratio p : 1 − p;
 * m = 2·band·(1.5 + band) puts the point where neutral stops winning at p = 0.5 ± band.
 */
import { isCjk, type Language } from './text.features.js';
import { positiveProbability, type SentimentModel } from './text.model.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface Sentiment {
  label: SentimentLabel;
  /** Calibrated probability that the text is positive (0.5 = no lean either way). */
  score: number;
  probabilities: { negative: number; neutral: number; positive: number };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** The three-class view of a calibrated P(positive) (see the file comment for the construction). */
export function sentimentFromProbability(p: number, band: number): Sentiment {
  const m = 2 * band * (1.5 + band);
  const neutral = Math.max(0, 1 - Math.abs(2 * p - 1) / m);
  const positive = (1 - neutral) * p;
  const negative = (1 - neutral) * (1 - p);
  const label: SentimentLabel =
    neutral >= positive && neutral >= negative ? 'neutral' : positive > negative ? 'positive' : 'negative';
  return {
    label,
    score: round(p),
    probabilities: { negative: round(negative), neutral: round(neutral), positive: round(positive) },
  };
}

/** The answer for a text that carries no sentiment. */
export const NO_SENTIMENT: Sentiment = {
  label: 'neutral',
  score: 0.5,
  probabilities: { negative: 0, neutral: 1, positive: 0 },
};

// Emoji are rare in the training data, so their polarity comes from this small hand-made list (logit units).
const EMOJI_LOGIT = new Map<number, number>([
  ...[
    0x1f600, 0x1f603, 0x1f604, 0x1f601, 0x1f606, 0x1f60a, 0x1f642, 0x1f60d, 0x1f970, 0x1f618, 0x1f44d,
    0x1f44f, 0x1f4af, 0x2764, 0x1f389, 0x1f60b, 0x1f929, 0x1f917, 0x1f339, 0x263a, 0x1f495, 0x1f496,
  ].map((c) => [c, 1.5] as const),
  ...[
    0x1f621, 0x1f620, 0x1f92c, 0x1f624, 0x1f61e, 0x1f622, 0x1f62d, 0x1f629, 0x1f62b, 0x1f44e, 0x1f4a9,
    0x1f644, 0x1f612, 0x1f623, 0x1f616, 0x1f630, 0x1f631, 0x1f92e, 0x1f922, 0x1f494, 0x1f625, 0x1f61f,
    0x1f615, 0x2639,
  ].map((c) => [c, -1.5] as const),
]);

interface Evidence {
  /** Letters, digits or CJK characters: something the model can read. */
  readable: boolean;
  cjk: number;
  /** Latin-script words. */
  words: number;
  emojiLogit: number;
}

function evidenceOf(normalized: string): Evidence {
  let cjk = 0;
  let words = 0;
  let readable = false;
  let emojiLogit = 0;
  let inWord = false;
  for (const ch of normalized) {
    const code = ch.codePointAt(0) as number;
    if (isCjk(code)) {
      cjk++;
      readable = true;
      inWord = false;
      continue;
    }
    const letter = (code >= 97 && code <= 122) || (code >= 0xc0 && code <= 0x24f);
    if (letter) {
      if (!inWord) words++;
      inWord = true;
      readable = true;
      continue;
    }
    inWord = false;
    if (code >= 48 && code <= 57) readable = true;
    const e = EMOJI_LOGIT.get(code);
    if (e !== undefined) emojiLogit += e;
  }
  return { readable, cjk, words, emojiLogit: Math.max(-4, Math.min(4, emojiLogit)) };
}

/** Which language a normalised text is in, by script: Han/kana characters vs Latin words. */
export function detectLanguage(normalized: string, fallback: Language = 'zh'): Language {
  const e = evidenceOf(normalized);
  return scriptLanguage(e, fallback);
}

function scriptLanguage(e: Evidence, fallback: Language): Language {
  if (e.cjk === 0 && e.words === 0) return fallback;
  // A Chinese word is ~1.5 characters: compare like with like, so "wifi信号很差" is Chinese and "I love 北京" English.
  return e.cjk / 1.5 >= e.words ? 'zh' : 'en';
}

export interface SentimentResult {
  language: Language;
  sentiment: Sentiment;
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Language and sentiment of a normalised text. With `lang` given, that language's model reads the text; otherwise
 * the script decides, and a text that mixes scripts substantially (the minority script at least a fifth of the
 * words) is read by both models, their calibrated log-odds averaged by share.
 */
export function sentimentOf(model: SentimentModel, normalized: string, lang?: Language): SentimentResult {
  const e = evidenceOf(normalized);
  const language = lang ?? scriptLanguage(e, 'zh');
  if (!e.readable) {
    if (e.emojiLogit === 0) return { language, sentiment: NO_SENTIMENT };
    return { language, sentiment: sentimentFromProbability(sigmoid(e.emojiLogit), model.header.neutralBand) };
  }
  let z: number;
  const zhWords = e.cjk / 1.5;
  const total = zhWords + e.words;
  const zhShare = total > 0 ? zhWords / total : language === 'zh' ? 1 : 0;
  if (lang === undefined && zhShare >= 0.2 && zhShare <= 0.8) {
    z =
      zhShare * logit(positiveProbability(model, normalized, 'zh')) +
      (1 - zhShare) * logit(positiveProbability(model, normalized, 'en'));
  } else {
    z = logit(positiveProbability(model, normalized, language));
  }
  if (!Number.isFinite(z)) return { language, sentiment: NO_SENTIMENT };
  return {
    language,
    sentiment: sentimentFromProbability(sigmoid(z + e.emojiLogit), model.header.neutralBand),
  };
}

/**
 * Text normalisation and hashed n-gram features, shared by the run-time model and the training script
 * (scripts/text-model/train.ts): both must turn a text into exactly the same feature indices, so this file is the
 * only place that decides it.
 *
 * A text is cut into units: one unit per CJK character (Chinese has no spaces, and character n-grams are the proven
 * features for Chinese sentiment), one unit per run of Latin letters or digits (a word), one per emoji or other
 * symbol, and `!` / `?` as units of their own. Other punctuation ends a clause: n-grams never span it, and it ends
 * the scope of an English negation. Unit n-grams are hashed (FNV-1a, then a murmur finaliser) into 2^bits buckets,
 * so the model needs no vocabulary.
 *
 * Optionally (English), a sentiment lexicon adds features of prior word polarity: per lexicon word a valence bucket
 * (flipped inside a negation's scope) and, per text, buckets of the negation-aware valence sum. The lexicon is shipped
 * inside the model file as word hashes and valences (see SentimentLexicon), so no word list is needed at run time.
 */

export type Language = 'zh' | 'en';

/** How one language's model turns units into features; stored in the model header so training and run time agree. */
export interface FeatureConfig {
  /** Longest unit n-gram (1 = unigrams only). */
  readonly maxN: number;
  /** Mark English words after a negation (not, never, no, …) until the end of the clause. */
  readonly negation: boolean;
  /** Add word unigrams and bigrams from Intl.Segmenter (Chinese word boundaries) to the unit n-grams. */
  readonly words?: boolean;
  /** Add character 3–5-grams inside Latin words (with word-boundary marks), so "unfunny" shares with "funny". */
  readonly subwords?: boolean;
  /** Add sentiment-lexicon features (needs a SentimentLexicon; English words only). */
  readonly lexicon?: boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes any JavaScript string safe and comparable: lone UTF-16 surrogates become U+FFFD, NFKC folds full-width forms
 * (ＡＢＣ，！) to their ASCII counterparts, letters are lower-cased and runs of white space become one space.
 */
export function normalizeText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const enum Kind {
  Space,
  Break,
  Word,
  Single,
}

/** True for a Han, kana or CJK-compatibility character: each is a unit of its own. */
export function isCjk(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x2e80 && code <= 0x2fdf)
  );
}

function kindOf(code: number): Kind {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90))
      return Kind.Word;
    if (code === 33 || code === 63) return Kind.Single;
    // An apostrophe separates like a space, so "it's" gives the same words as SST's "it 's".
    if (code <= 32 || code === 39) return Kind.Space;
    return Kind.Break;
  }
  if (isCjk(code)) return Kind.Single;
  // Accented Latin, Greek, Cyrillic: parts of words.
  if (code >= 0xc0 && code <= 0x52f && code !== 0xd7 && code !== 0xf7) return Kind.Word;
  if (code === 0x2019) return Kind.Space;
  // CJK punctuation (。、「」…), general punctuation (—, “ ”, …) and the replacement character end a clause.
  if ((code >= 0x3000 && code <= 0x303f) || (code >= 0x2000 && code <= 0x206f) || code === 0xfffd)
    return Kind.Break;
  if (code === 0xa0 || code === 0xfeff) return Kind.Space;
  return Kind.Single;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// English words that flip the meaning of what follows until the end of the clause.
const NEGATORS = new Set(
  'not no never nothing nobody none neither nor without hardly barely cannot'.split(' '),
);
const NT = /(\w)? ?n['’]t\b/g;
const NEGATION_SALT = 0x5bd1e995;
const BOUNDARY = -1;
const WORD_SALT = 0x9747b28c;
const SUBWORD_SALT = 0x1b873593;
const LATIN_WORD = /[a-z\u00c0-\u024f]{4,}/g;
const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });
const LEXICON_SALT = 0x2c1b3c6d;
const SUM_SALT = 0x297a2d39;
const SIGN_SALT = 0x7feb352d;
/** VADER's factor for a lexicon word inside a negation's scope. */
const NEGATED_VALENCE = -0.74;

/**
 * The hash of one Latin word as FeatureExtractor computes it for a word unit (FNV-1a over its UTF-16 code units,
 * as a signed 32-bit integer): the key of SentimentLexicon.
 */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

// After these words the clause that follows carries the sentence ("fine, but dull"): the valence summed so far halves.
const CONTRAST = new Set(['but', 'however', 'yet', 'though', 'although'].map(wordHash));

/**
 * Prior polarity of English words: word hashes (wordHash) and valences in tenths (−40…40), in an open-addressing
 * table (about 2 × the entries × 5 bytes; 7,000 words ≈ 80 KB).
 */
export class SentimentLexicon {
  private readonly keys: Int32Array;
  private readonly values: Int8Array;
  private readonly mask: number;

  constructor(hashes: Int32Array, tenths: Int8Array) {
    if (hashes.length !== tenths.length) throw new Error('lexicon: hashes and valences differ in length');
    let capacity = 16;
    while (capacity < hashes.length * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int8Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < hashes.length; i++) {
      const key = hashes[i] as number;
      // 0 marks an empty slot; a word hashing to 0 (one chance in 2^32) is left out.
      if (key === 0) continue;
      let slot = fmix(key) & this.mask;
      while (this.keys[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = tenths[i] as number;
    }
  }

  /** Valence of a word hash (about −4 … +4), or NaN for a word not in the lexicon. */
  valence(hash: number): number {
    if (hash === 0) return NaN;
    let slot = fmix(hash) & this.mask;
    for (;;) {
      const k = this.keys[slot] as number;
      if (k === hash) return (this.values[slot] as number) / 10;
      if (k === 0) return NaN;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Feature extraction runs for every analysed text, so its buffers are reused across calls, and duplicate features
 * are dropped with a bit set over the buckets (2^20 bits = 128 KB), cleared again from the output list after each
 * text, instead of a Set. Not re-entrant: one instance per model.
 */
export class FeatureExtractor {
  private units = new Int32Array(1024);
  private out = new Int32Array(4096);
  private readonly seen: Uint32Array;
  /** Raw (unmasked) hashes of the lexicon features of the current text, and how many. */
  private lexical = new Int32Array(64);
  private lexicalCount = 0;

  constructor(
    readonly bits: number,
    private readonly lexicon?: SentimentLexicon,
  ) {
    this.seen = new Uint32Array(Math.max(1, (1 << bits) >>> 5));
  }

  /** Appends a bucket unless the current text already has it; returns the new count. */
  private add(idx: number, n: number): number {
    const word = idx >>> 5;
    const bit = 1 << (idx & 31);
    const seen = this.seen[word] as number;
    if (seen & bit) return n;
    this.seen[word] = seen | bit;
    if (n === this.out.length) this.grow();
    this.out[n] = idx;
    return n + 1;
  }

  /**
   * Distinct feature indices (each in [0, 2^bits)) of a normalised text; the returned view is valid until the next
   * call. `config` (one per language, from the model header) selects the n-grams and options.
   */
  extract(normalized: string, config: FeatureConfig): Int32Array {
    // People write "don't", SST writes "do n't": both become "do not" before the words are cut.
    const lexicon = config.lexicon === true && this.lexicon !== undefined;
    const text = config.negation || lexicon ? normalized.replace(NT, '$1 not') : normalized;
    const count = this.unitHashes(text, config.negation, lexicon);
    const units = this.units;
    const mask = (1 << this.bits) - 1;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const first = units[i] as number;
      if (first === BOUNDARY) continue;
      let h = FNV_OFFSET;
      for (let len = 1; len <= config.maxN && i + len <= count; len++) {
        const u = units[i + len - 1] as number;
        if (u === BOUNDARY) break;
        h = Math.imul(h ^ u, FNV_PRIME);
        n = this.add(fmix(h ^ len) & mask, n);
      }
    }
    if (config.words) n = this.wordFeatures(text, n, mask);
    if (config.subwords) n = this.subwordFeatures(text, n, mask);
    if (lexicon)
      for (let i = 0; i < this.lexicalCount; i++) n = this.add(fmix(this.lexical[i] as number) & mask, n);
    // Clear exactly the bits this text set, so the set is empty for the next one.
    for (let i = 0; i < n; i++) {
      const idx = this.out[i] as number;
      this.seen[idx >>> 5] = (this.seen[idx >>> 5] as number) & ~(1 << (idx & 31));
    }
    return this.out.subarray(0, n);
  }

  private subwordFeatures(text: string, n: number, mask: number): number {
    for (const m of text.matchAll(LATIN_WORD)) {
      const w = `<${m[0]}>`;
      for (let i = 0; i + 3 <= w.length; i++) {
        let h = SUBWORD_SALT;
        for (let k = 0; k < 5 && i + k < w.length; k++) {
          h = Math.imul(h ^ w.charCodeAt(i + k), FNV_PRIME);
          if (k < 2) continue;
          n = this.add(fmix(h) & mask, n);
        }
      }
    }
    return n;
  }

  private wordFeatures(text: string, n: number, mask: number): number {
    let prev = 0;
    // Walking the segments with containing() instead of for…of: the same segments, without the iterator's own copy
    // of ICU's break iterator (native memory that V8 does not see until it collects) — faster, and less memory churn.
    const segments = SEGMENTER.segment(text);
    for (let at = 0; at < text.length;) {
      const s = segments.containing(at);
      if (s === undefined) break;
      const w = s.segment;
      at = s.index + w.length;
      if (!s.isWordLike) {
        prev = 0;
        continue;
      }
      let h = WORD_SALT;
      for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w.charCodeAt(k), FNV_PRIME);
      n = this.add(fmix(h) & mask, n);
      if (prev !== 0) n = this.add(fmix(Math.imul(prev ^ h, FNV_PRIME)) & mask, n);
      prev = h | 0 || 1;
    }
    return n;
  }

  private grow(): void {
    const bigger = new Int32Array(this.out.length * 2);
    bigger.set(this.out);
    this.out = bigger;
  }

  private pushLexical(hash: number): void {
    if (this.lexicalCount === this.lexical.length) {
      const bigger = new Int32Array(this.lexical.length * 2);
      bigger.set(this.lexical);
      this.lexical = bigger;
    }
    this.lexical[this.lexicalCount++] = hash;
  }

  /**
   * Writes one hash per unit (or BOUNDARY at clause ends) into this.units; returns how many. With `lexicon`, also
   * writes the lexicon features into this.lexical: per lexicon word its rounded valence (negated or not), and for the
   * text the bucket and the sign of the valence sum (VADER-style: ×−0.74 inside a negation, halved at "but").
   */
  private unitHashes(text: string, negation: boolean, lexicon: boolean): number {
    let n = 0;
    let negated = false;
    let valenceSum = 0;
    this.lexicalCount = 0;
    const len = text.length;
    let i = 0;
    while (i < len) {
      if (n + 2 >= this.units.length) {
        const bigger = new Int32Array(this.units.length * 2);
        bigger.set(this.units);
        this.units = bigger;
      }
      const code = text.charCodeAt(i);
      const kind = kindOf(code);
      if (kind === Kind.Space) {
        i++;
        continue;
      }
      if (kind === Kind.Break) {
        if (n > 0 && this.units[n - 1] !== BOUNDARY) this.units[n++] = BOUNDARY;
        negated = false;
        i++;
        continue;
      }
      if (kind === Kind.Word) {
        const start = i;
        let h = FNV_OFFSET;
        while (i < len) {
          const c = text.charCodeAt(i);
          if (kindOf(c) !== Kind.Word) break;
          h = Math.imul(h ^ c, FNV_PRIME);
          i++;
        }
        let unit = h | 0;
        if (lexicon && this.lexicon) {
          const v = this.lexicon.valence(unit);
          if (v === v) {
            valenceSum += negated ? NEGATED_VALENCE * v : v;
            this.pushLexical(
              Math.imul(LEXICON_SALT ^ (((negated ? 1 : 0) << 8) | (Math.round(v) + 16)), FNV_PRIME),
            );
          } else if (CONTRAST.has(unit)) valenceSum *= 0.5;
        }
        if (negated) {
          if (negation) unit = (unit ^ NEGATION_SALT) | 0;
        } else if ((negation || lexicon) && i - start <= 7 && NEGATORS.has(text.slice(start, i)))
          negated = true;
        this.units[n++] = unit;
        continue;
      }
      // Single: a CJK character, an emoji (a surrogate pair is one unit) or ! / ?.
      let h = Math.imul(FNV_OFFSET ^ code, FNV_PRIME);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < len) {
        h = Math.imul(h ^ text.charCodeAt(i + 1), FNV_PRIME);
        i++;
      }
      i++;
      this.units[n++] = h | 0;
    }
    if (lexicon) {
      const bucket = Math.max(-8, Math.min(8, Math.round(valenceSum)));
      this.pushLexical(Math.imul(SUM_SALT ^ (bucket + 16), FNV_PRIME));
      this.pushLexical(Math.imul(SIGN_SALT ^ (Math.sign(Math.round(valenceSum * 2)) + 16), FNV_PRIME));
    }
    return n;
  }
}

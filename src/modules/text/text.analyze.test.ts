import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, correctionHash, MAX_TEXT_LENGTH, type Analysis } from './text.analyze.js';
import { FeatureExtractor, normalizeText, SentimentLexicon, wordHash } from './text.features.js';
import { HALF, loadSentimentModel, modelDirectory, toHalf } from './text.model.js';
import { detectLanguage, sentimentFromProbability } from './text.sentiment.js';
import { compileTaxonomy, isMatchableKeyword, matchTopics } from './text.taxonomy.js';
import { urgencyReasons } from './text.urgency.js';

const LABELS = ['negative', 'neutral', 'positive'];
const REASONS = ['churn_threat', 'regulator_complaint', 'repeated_contact', 'safety'];

function expectValid(r: Analysis): void {
  expect(['zh', 'en']).toContain(r.language);
  expect(LABELS).toContain(r.sentiment.label);
  expect(r.sentiment.score).toBeGreaterThanOrEqual(0);
  expect(r.sentiment.score).toBeLessThanOrEqual(1);
  const p = r.sentiment.probabilities;
  for (const v of [p.negative, p.neutral, p.positive]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(p.negative + p.neutral + p.positive).toBeCloseTo(1, 3);
  // The label is the arg-max of the probabilities.
  const max = Math.max(p.negative, p.neutral, p.positive);
  expect(p[r.sentiment.label]).toBe(max);
  for (const t of r.topics) {
    expect(typeof t.key).toBe('string');
    expect(typeof t.name['zh-CN']).toBe('string');
    expect(typeof t.name.en).toBe('string');
    expect(Array.isArray(t.matched)).toBe(true);
  }
  expect(r.keywords.every((k) => typeof k === 'string' && k.length > 0)).toBe(true);
  expect(r.urgent).toBe(r.urgencyReasons.length > 0);
  for (const reason of r.urgencyReasons) expect(REASONS).toContain(reason);
  // The result must survive JSON (no lone surrogates or NaN that a client could choke on).
  const json = JSON.stringify(r);
  expect(JSON.parse(json)).toEqual(r);
  expect(json).not.toMatch(/NaN|Infinity/);
}

describe('analyze', () => {
  it('reads Chinese complaints: sentiment, topics, keywords, urgency', () => {
    const r = analyze('信号太差了，第三次打客服还是没解决，再不处理我就携号转网，还要去工信部投诉！');
    expectValid(r);
    expect(r.language).toBe('zh');
    expect(r.sentiment.label).toBe('negative');
    expect(r.topics.map((t) => t.key)).toEqual(
      expect.arrayContaining(['network', 'service_attitude', 'activation']),
    );
    expect(r.topics.find((t) => t.key === 'network')?.matched).toContain('信号');
    expect(r.keywords).toContain('信号');
    expect(r.urgent).toBe(true);
    expect(r.urgencyReasons).toEqual(['churn_threat', 'regulator_complaint', 'repeated_contact']);
    expect(r.truncated).toBe(false);
    expect(r.corrected).toBe(false);
  });

  it('reads English feedback', () => {
    const praise = analyze('Great coverage and fast data, the staff were friendly. Love it!');
    expectValid(praise);
    expect(praise.language).toBe('en');
    expect(praise.sentiment.label).toBe('positive');
    expect(praise.topics.map((t) => t.key)).toEqual(expect.arrayContaining(['network', 'service_attitude']));
    const angry = analyze(
      'I was overcharged again and again. I will cancel my account and complain to the CFPB.',
    );
    expect(angry.topics.map((t) => t.key)).toContain('billing');
    expect(angry.urgencyReasons).toEqual(['churn_threat', 'regulator_complaint', 'repeated_contact']);
  });

  it('handles empty, blank, emoji-only, punctuation and lone surrogates without throwing', () => {
    for (const text of [
      '',
      '   ',
      '\n\t',
      '😀😀👍',
      '😡👎',
      '？？？！！',
      '12345',
      '\uD800',
      'abc\uDFFFdef',
      '\uDBFF\uD800x',
    ]) {
      const r = analyze(text);
      expectValid(r);
    }
    expect(analyze('').sentiment).toEqual({
      label: 'neutral',
      score: 0.5,
      probabilities: { negative: 0, neutral: 1, positive: 0 },
    });
    expect(analyze('').topics).toEqual([]);
    expect(analyze('？？？').sentiment.label).toBe('neutral');
    expect(analyze('😀👍🎉').sentiment.label).toBe('positive');
    expect(analyze('😡😡👎').sentiment.label).toBe('negative');
  });

  it('cuts texts over 10,000 characters and flags them, never inside a surrogate pair', () => {
    const long = analyze('服务很好'.repeat(30_000));
    expectValid(long);
    expect(long.truncated).toBe(true);
    expect(long.sentiment.label).toBe('positive');
    const edge = analyze(`${'a'.repeat(MAX_TEXT_LENGTH - 1)}😀tail`);
    expect(edge.truncated).toBe(true);
    expectValid(edge);
    expect(analyze('a'.repeat(MAX_TEXT_LENGTH)).truncated).toBe(false);
  });

  it('detects the language by script, mixed texts included', () => {
    expect(detectLanguage(normalizeText('wifi信号很差'))).toBe('zh');
    expect(detectLanguage(normalizeText('iPhone 15 的电池不行'))).toBe('zh');
    expect(detectLanguage(normalizeText('I love 北京'))).toBe('en');
    expect(detectLanguage(normalizeText('😀'))).toBe('zh');
    expect(detectLanguage(normalizeText('😀'), 'en')).toBe('en');
    // A forced language is reported as given.
    expect(analyze('很好', 'en').language).toBe('en');
    expectValid(analyze('The signal 信号 is 很差 terrible 太差了 really bad'));
  });

  it('folds full-width forms and case before matching', () => {
    const r = analyze('ＷＩＦＩ　信号差，ＢＩＬＬ wrong');
    expect(r.topics.find((t) => t.key === 'network')?.matched).toEqual(
      expect.arrayContaining(['信号', 'wifi']),
    );
    expect(r.topics.map((t) => t.key)).toContain('billing');
  });

  it('never throws and always answers in shape, whatever the string (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc
            .array(
              fc.constantFrom(
                '信号',
                '差',
                '好',
                'bill',
                ' ',
                '😀',
                '\uD800',
                '！',
                'not',
                '第三次',
                '12315',
              ),
              {
                maxLength: 40,
              },
            )
            .map((parts) => parts.join('')),
        ),
        fc.constantFrom(undefined, 'zh' as const, 'en' as const),
        (text, lang) => {
          expectValid(analyze(text, lang));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('three-class sentiment', () => {
  it('is neutral inside the band around 0.5 and polar outside, with arg-max = label', () => {
    expect(sentimentFromProbability(0.5, 0.1).label).toBe('neutral');
    expect(sentimentFromProbability(0.59, 0.1).label).toBe('neutral');
    expect(sentimentFromProbability(0.41, 0.1).label).toBe('neutral');
    expect(sentimentFromProbability(0.61, 0.1).label).toBe('positive');
    expect(sentimentFromProbability(0.39, 0.1).label).toBe('negative');
    const s = sentimentFromProbability(0.97, 0.1);
    expect(s.probabilities.neutral).toBe(0);
    expect(s.probabilities.positive).toBeCloseTo(0.97, 3);
  });
});

describe('topics', () => {
  it('matches ASCII keywords as whole words, with * as a word-ending wildcard', () => {
    const taxonomy = compileTaxonomy();
    const keys = (t: string) => matchTopics(taxonomy, normalizeText(t)).map((m) => m.key);
    expect(keys('The rate is too high')).toContain('price');
    expect(keys('This is accurate')).toEqual(['other']);
    expect(keys('They charged me twice')).toContain('billing');
    expect(keys('')).toEqual([]);
  });

  it('uses a workspace vocabulary: keywords on default topics and custom topics', () => {
    const taxonomy = compileTaxonomy({
      topics: [{ key: 'roaming', name: { 'zh-CN': '国际漫游', en: 'Roaming' } }],
      keywords: [
        { topic: 'roaming', keyword: '漫游', language: 'any' },
        { topic: 'roaming', keyword: 'roaming', language: 'en' },
        { topic: 'network', keyword: '5G SA', language: 'any' },
        { topic: 'nonexistent', keyword: 'ignored', language: 'any' },
      ],
    });
    const r = analyze('出国漫游费用太高，5g sa 也用不了', undefined, { taxonomy });
    const roaming = r.topics.find((t) => t.key === 'roaming');
    expect(roaming).toEqual({
      key: 'roaming',
      name: { 'zh-CN': '国际漫游', en: 'Roaming' },
      matched: ['漫游'],
    });
    expect(r.topics.find((t) => t.key === 'network')?.matched).toContain('5G SA');
    expect(isMatchableKeyword('*')).toBe(false);
    expect(isMatchableKeyword('！！')).toBe(false);
    expect(isMatchableKeyword('漫游')).toBe(true);
    expect(isMatchableKeyword('   ')).toBe(false);
  });

  it('applies a correction to the same normalised text only', () => {
    const key = 'ws_1';
    const text = '这个套餐还可以吧';
    const byHash = new Map([
      [correctionHash(key, text), { label: 'negative' as const, topics: ['price', 'nope'] }],
    ]);
    const corrected = analyze('  这个套餐还可以吧  ', undefined, { corrections: { key, byHash } });
    expect(corrected.corrected).toBe(true);
    expect(corrected.sentiment).toEqual({
      label: 'negative',
      score: 0,
      probabilities: { negative: 1, neutral: 0, positive: 0 },
    });
    expect(corrected.topics).toEqual([
      { key: 'price', name: { 'zh-CN': '资费与价格', en: 'Price and charges' }, matched: ['套餐'] },
    ]);
    const other = analyze('这个套餐还可以', undefined, { corrections: { key, byHash } });
    expect(other.corrected).toBe(false);
    // The same text in another workspace has another hash.
    expect(correctionHash('ws_2', text)).not.toBe(correctionHash(key, text));
  });
});

describe('urgency', () => {
  it.each([
    ['我要销户', ['churn_threat']],
    ['再这样我就换联通了', ['churn_threat']],
    ['去12315投诉你们', ['regulator_complaint']],
    ['订单号123456789', []],
    ['已经是第三次反映了', ['repeated_contact']],
    ['充电器冒烟了，差点起火', ['safety']],
    ['I am switching to another carrier', ['churn_threat']],
    ['I will file a complaint with the FCC', ['regulator_complaint']],
    ['This is the third time I call', ['repeated_contact']],
    ['the battery exploded', ['safety']],
    ['I leave home at 8 and the signal is fine', []],
    ['no smoking room, very clean', []],
  ])('%s → %j', (text, reasons) => {
    expect(urgencyReasons(normalizeText(text))).toEqual(reasons);
  });
});

describe('model files', () => {
  it('load from the module folder, match their checksum, and score deterministically', () => {
    const model = loadSentimentModel(modelDirectory());
    expect(model.header.hashBits).toBeGreaterThanOrEqual(16);
    expect(model.weights.zh.length).toBe(1 << model.header.hashBits);
    expect(model.weights.en.length).toBe(1 << model.header.hashBits);
    const a = new FeatureExtractor(model.header.hashBits).extract('服务很好', { maxN: 3, negation: false });
    const b = new FeatureExtractor(model.header.hashBits).extract('服务很好', { maxN: 3, negation: false });
    expect([...a]).toEqual([...b]);
    expect(new Set(a).size).toBe(a.length);
    expect(model.header.lexicon.entries).toBeGreaterThan(1000);
  });

  it('de-duplicates features per text, and one text does not leak into the next', () => {
    const extractor = new FeatureExtractor(20);
    const config = { maxN: 3, negation: true, subwords: true };
    const first = [...extractor.extract('good good good movie', config)];
    expect(new Set(first).size).toBe(first.length);
    extractor.extract('a completely different text with many words', config);
    expect([...extractor.extract('good good good movie', config)]).toEqual(first);
    // A text repeating itself has exactly the features of one copy.
    const once = new Set(extractor.extract('信号很差', { maxN: 3, negation: false }));
    const twice = new Set(extractor.extract('信号很差信号很差', { maxN: 3, negation: false }));
    for (const f of once) expect(twice.has(f)).toBe(true);
  });

  it('stores weights as float16: exact for representable values, nearest otherwise', () => {
    for (const x of [0, 1, -1, 0.5, -2.25, 1024, 2 ** -24, 65504]) expect(HALF[toHalf(x)]).toBe(x);
    expect(HALF[toHalf(1e6)]).toBe(Infinity);
    fc.assert(
      fc.property(fc.double({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const y = HALF[toHalf(x)] as number;
        // Half precision keeps 11 significant bits; below 2^-14 the step is 2^-24.
        expect(Math.abs(y - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
      }),
    );
  });
});

describe('sentiment lexicon features', () => {
  const lexicon = new SentimentLexicon(
    Int32Array.from(['good', 'bad', 'great'].map(wordHash)),
    Int8Array.from([19, -25, 31]),
  );
  const config = { maxN: 1, negation: true, lexicon: true };

  it('looks words up by hash', () => {
    expect(lexicon.valence(wordHash('good'))).toBeCloseTo(1.9);
    expect(lexicon.valence(wordHash('bad'))).toBeCloseTo(-2.5);
    expect(lexicon.valence(wordHash('table'))).toBeNaN();
  });

  it('adds features that depend on negation and on the valence sum', () => {
    const extractor = new FeatureExtractor(20, lexicon);
    const plain = new FeatureExtractor(20);
    const extra = (text: string) => {
      const withLexicon = new Set(extractor.extract(normalizeText(text), config));
      const without = new Set(plain.extract(normalizeText(text), config));
      return [...withLexicon].filter((f) => !without.has(f)).sort((x, y) => x - y);
    };
    // Word bucket + sum bucket + sign for a lexicon word; sum and sign only for a text without one.
    expect(extra('good')).toHaveLength(3);
    expect(extra('table')).toHaveLength(2);
    // "not good" gets the negated bucket and a negative sum, so its features differ from "good".
    expect(extra("isn't good")).not.toEqual(extra('good'));
    expect(extra('good')).toEqual(extra('good'));
    // Without lexicon in the config, the lexicon changes nothing.
    expect([...extractor.extract('good', { maxN: 1, negation: true })]).toEqual([
      ...plain.extract('good', { maxN: 1, negation: true }),
    ]);
  });
});

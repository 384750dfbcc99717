/**
 * Keywords of a text: its words (Chinese words from Intl.Segmenter, which ships with Node's ICU — no dictionary to
 * download), minus stop words, single Chinese characters (almost all function words or too vague to act on), numbers
 * and one-letter words, ranked by frequency and then by first occurrence.
 */

const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });

// Function words and fillers that say nothing about what a review or complaint is about.
const ZH_STOP = new Set(
  (
    '我们 你们 他们 她们 它们 自己 什么 怎么 怎么样 这个 那个 这些 那些 这样 那样 这里 那里 这么 那么 就是 还是 但是 ' +
    '可是 而且 因为 所以 如果 虽然 然后 还有 或者 已经 一个 一下 一些 一直 一点 一般 有点 有些 没有 不是 不会 不能 ' +
    '可以 可能 应该 需要 觉得 感觉 知道 时候 现在 今天 昨天 明天 之后 之前 以后 以前 以上 以下 的话 东西 问题 情况 ' +
    '事情 地方 方面 比较 非常 特别 真的 真是 确实 实在 简直 完全 根本 其实 只是 只有 而已 也是 都是 还是 就是 ' +
    '他的 我的 你的 她的 这次 那次 每次 这种 那种 这家 那家 之类 等等 如何 为什么 为何 不过 而是 并且 然而 ' +
    '并不 并没有 这边 那边 大家 别人 人家 本来 原来 终于 总是 还要 还会 就会 就要 也不 也没 都不 都没 好的'
  ).split(' '),
);

const EN_STOP = new Set(
  (
    'a an the and or but if then else so than that this these those there here is are was were be been being am do ' +
    'does did done doing have has had having i me my mine we us our ours you your yours he him his she her hers it ' +
    'its they them their theirs what which who whom whose when where why how all any both each few more most other ' +
    'some such no nor not only own same too very can could will would shall should may might must just also now ' +
    'of in on at by for with about against between into through during before after above below to from up down ' +
    'out off over under again further once get got gets getting go goes went going make made really still even ' +
    'because as until while s t don dont didn didnt doesn doesnt isn isnt wasn wasnt won wont can cant im ive ' +
    'ill id youre thats theres one two lot lots thing things way well back much many every ever yet since via'
  ).split(' '),
);

const DIGITS = /^[\d.,%]+$/;
const HAS_CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Up to `limit` keywords of a normalised text. Pass the words of matched topics as `boost` so that the words a topic
 * was recognised by come first among equals.
 */
export function extractKeywords(
  normalized: string,
  limit = 8,
  boost: ReadonlySet<string> = new Set(),
): string[] {
  if (!normalized) return [];
  const counts = new Map<string, { n: number; first: number }>();
  let i = 0;
  // containing() walks the same segments as for…of without the iterator's extra copy of ICU's break iterator.
  const segments = SEGMENTER.segment(normalized);
  for (let at = 0; at < normalized.length;) {
    const s = segments.containing(at);
    if (s === undefined) break;
    const w = s.segment;
    at = s.index + w.length;
    if (!s.isWordLike) continue;
    i++;
    // Digits say nothing by themselves; very long "words" are runs of noise (URLs, keyboard mashing).
    if (DIGITS.test(w) || w.length > 24) continue;
    if (HAS_CJK.test(w)) {
      if (w.length < 2 || ZH_STOP.has(w)) continue;
    } else if (w.length < 2 || EN_STOP.has(w.replace(/'/g, ''))) continue;
    const seen = counts.get(w);
    if (seen) seen.n++;
    else counts.set(w, { n: 1, first: i });
  }
  return [...counts.entries()]
    .sort(
      ([wa, a], [wb, b]) =>
        b.n + (boost.has(wb) ? 0.5 : 0) - (a.n + (boost.has(wa) ? 0.5 : 0)) || a.first - b.first,
    )
    .slice(0, limit)
    .map(([w]) => w);
}

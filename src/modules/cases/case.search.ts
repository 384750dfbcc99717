/**
 * Index tokens of case search. Search is a substring match of the lower-cased search text (number, subject, start of
 * the description). To find rare terms without scanning, every case also stores tokens that any substring of its text
 * contains: overlapping character bigrams of CJK runs (Chinese words are mostly two characters, and there are no
 * spaces between words) and trigrams of other letter/digit runs. A query's own tokens are then a subset of the tokens
 * of every case containing it, so an index of tokens (FTS5 on SQLite, GIN on PostgreSQL) narrows the candidates and
 * the substring match keeps the result exact. Queries too short to have a token (one CJK character, one or two
 * letters) fall back to scanning the cases in scope. The tokens are plain letters and digits separated by spaces, so
 * both databases split them the same way (FTS5's `ascii` tokenizer; `string_to_array` on PostgreSQL).
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RUN = /[\p{L}\p{N}]+/gu;

/** Runs of letters and digits, split where the script changes between CJK and the rest. */
function segments(text: string): { cjk: boolean; chars: string[] }[] {
  const out: { cjk: boolean; chars: string[] }[] = [];
  for (const m of text.matchAll(RUN)) {
    let current: string[] = [];
    let cjk = false;
    for (const ch of m[0]) {
      const isCjk = CJK.test(ch);
      if (current.length && isCjk !== cjk) {
        out.push({ cjk, chars: current });
        current = [];
      }
      cjk = isCjk;
      current.push(ch);
    }
    if (current.length) out.push({ cjk, chars: current });
  }
  return out;
}

/** Digit runs long enough for the extra, more selective digit tokens. */
const DIGITS = /[0-9]{6,}/g;
const DIGIT_GRAM = 6;

/**
 * Distinct tokens of a lower-cased text: CJK bigrams and trigrams of other runs, plus 6-grams of runs of six or more
 * digits — phone, order and case numbers are searched often, and there are only a thousand digit trigrams, each in
 * many cases.
 */
function tokensOf(text: string): string[] {
  const tokens = new Set<string>();
  for (const s of segments(text)) {
    const n = s.cjk ? 2 : 3;
    for (let i = 0; i + n <= s.chars.length; i++) tokens.add(s.chars.slice(i, i + n).join(''));
    if (!s.cjk)
      for (const m of s.chars.join('').matchAll(DIGITS))
        for (let i = 0; i + DIGIT_GRAM <= m[0].length; i++) tokens.add(m[0].slice(i, i + DIGIT_GRAM));
  }
  return [...tokens];
}

/** The index tokens of a case's search text (already lower-cased), space-separated. */
export function searchTokens(searchText: string): string {
  return tokensOf(searchText).join(' ');
}

/**
 * The tokens every case containing `query` (lower-cased) has; empty when the query is too short to have any (then
 * only a scan can answer it).
 */
export function queryTokens(query: string): string[] {
  return tokensOf(query);
}

/** An FTS5 query requiring every token (each quoted: tokens are letters and digits only, never a quote). */
export function ftsQuery(tokens: readonly string[]): string {
  return tokens.map((t) => `"${t}"`).join(' AND ');
}

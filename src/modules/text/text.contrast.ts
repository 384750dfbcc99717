/**
 * The contrast rule of sentiment ("A but B": the sentence leans the way B does; Polanyi & Zaenen 2006, used as a
 * learned-weight rule on SST-2 by Hu et al. 2016): a text with a contrastive conjunction is scored again on what
 * follows the last one, and the two logits are mixed, z = (1 − λ)·z(text) + λ·z(tail). λ per language is fitted on
 * the validation parts by the training script (0 switches the rule off); the markers are fixed here.
 */
import { isCjk, type Language } from './text.features.js';

/** English markers (whole words) and Chinese ones (substrings) of a contrast whose second part carries the verdict. */
export const CONTRAST_MARKERS: Record<Language, readonly string[]> = {
  en: ['but', 'however'],
  zh: ['但是', '可是', '不过'],
};

const EN_MARKER = new RegExp(`\\b(?:${CONTRAST_MARKERS.en.join('|')})\\b`, 'g');

/** Units of a tail: Latin words or digits runs, and CJK characters. */
function units(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isCjk(c)) {
      n++;
      inWord = false;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0x24f)) {
      if (!inWord) n++;
      inWord = true;
    } else inWord = false;
  }
  return n;
}

/**
 * What follows the last contrast marker of a normalised text, when there is one and it holds at least two words
 * (or two CJK characters); otherwise undefined.
 */
export function contrastTail(normalized: string, lang: Language): string | undefined {
  let end = -1;
  if (lang === 'en') {
    EN_MARKER.lastIndex = 0;
    for (let m = EN_MARKER.exec(normalized); m !== null; m = EN_MARKER.exec(normalized))
      end = m.index + m[0].length;
  } else {
    for (const marker of CONTRAST_MARKERS.zh) {
      const at = normalized.lastIndexOf(marker);
      if (at >= 0 && at + marker.length > end) end = at + marker.length;
    }
  }
  if (end < 0) return undefined;
  const tail = normalized.slice(end).trim();
  return units(tail) >= 2 ? tail : undefined;
}

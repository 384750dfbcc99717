/**
 * Text analytics benchmark: texts per second on one core for sentiment + topics (the target: ≥ 5,000 short
 * texts/s) and for the whole `analyze` (keywords included), each against a ceiling measured in the same run on the
 * same texts — normalising them (NFKC + lower case), and segmenting them into words with Intl.Segmenter — plus the
 * model's file size and the process's memory.
 *
 * Texts: the held-out-agnostic review texts of ../shared/datasets (waimai_10k and SST-2, short) when present,
 * otherwise a built-in list of short customer-feedback sentences.
 * Run: npx tsx bench/text.ts
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { opsPerSecond, report, type BenchResult } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATASETS = process.env.TOUCHPOINT_DATASETS ?? path.resolve(ROOT, '../shared/datasets');

const FALLBACK = [
  '信号太差了，家里经常没信号',
  '客服态度很好，问题很快解决了',
  '这个月话费怎么多扣了二十块？',
  '送餐太慢了，等了一个多小时',
  '套餐太贵了，准备携号转网',
  '营业厅办理很方便，服务周到',
  '天天收到推销电话，烦死了',
  '宽带又断网了，第三次报修还没人来',
  'The agent was very helpful and polite.',
  'I have been on hold for an hour, terrible service.',
  'My bill is wrong again, I was overcharged.',
  'Great coverage and fast data, love it!',
];

function sampleTexts(): string[] {
  const waimai = path.join(DATASETS, 'waimai_10k/waimai_10k.csv');
  const sst2 = path.join(DATASETS, 'sst2/train.tsv');
  if (!existsSync(waimai) || !existsSync(sst2)) return FALLBACK;
  // Column 2 of waimai (after "label,"), column 1 of SST-2; the first 2,000 lines of each are plenty.
  const zh = readFileSync(waimai, 'utf8')
    .split('\n')
    .slice(1, 2001)
    .map((l) => l.slice(l.indexOf(',') + 1).replace(/^"|"$/g, ''));
  const en = readFileSync(sst2, 'utf8')
    .split('\n')
    .slice(1, 2001)
    .map((l) => l.split('\t')[0] ?? '');
  return [...zh, ...en].filter((t) => t.trim().length > 0);
}

function cycling(texts: string[], fn: (t: string) => unknown): () => unknown {
  let i = 0;
  return () => fn(texts[i++ % texts.length] as string);
}

async function main(): Promise<void> {
  const rssStart = process.memoryUsage().rss;
  // Imported here, not at the top, to tell the memory of the module (and the server stack its index pulls in)
  // from that of Node and tsx.
  const { analyze, modelDirectory, normalizeText, sentimentModel } =
    await import('../src/modules/text/index.js');
  const rssImported = process.memoryUsage().rss;
  const texts = sampleTexts();
  const meanLength = texts.reduce((s, t) => s + t.length, 0) / texts.length;
  const rssBefore = process.memoryUsage().rss;
  sentimentModel(); // load outside the timings
  const rssModel = process.memoryUsage().rss - rssBefore;
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

  // The module's work first, so that the memory it needs is measured before the ceilings (whose Intl.Segmenter pass
  // allocates native ICU memory of its own) run in the same process.
  const sentimentTopics = await opsPerSecond(
    cycling(texts, (t) => analyze(t, undefined, undefined, { keywords: false })),
  );
  const full = await opsPerSecond(cycling(texts, (t) => analyze(t)));
  const long = `${'x'.repeat(50_000)} ${'信号差'.repeat(20_000)}`;
  const truncated = await opsPerSecond(() => analyze(long), 500);
  const rssAnalyzed = process.memoryUsage().rss;
  const peakAnalyzed = process.resourceUsage().maxRSS * 1024;

  const normalize = await opsPerSecond(cycling(texts, (t) => normalizeText(t)));
  const segment = await opsPerSecond(
    cycling(texts, (t) => {
      // The same walk as the module (containing() rather than for…of: no extra copy of the break iterator).
      const text = t.toLowerCase();
      const segments = segmenter.segment(text);
      let n = 0;
      for (let at = 0; at < text.length;) {
        const s = segments.containing(at);
        if (s === undefined) break;
        if (s.isWordLike) n++;
        at = s.index + s.segment.length;
      }
      return n;
    }),
  );
  const normalizeLong = await opsPerSecond(() => normalizeText(long.slice(0, 10_000)), 500);

  const results: BenchResult[] = [
    {
      name: 'analyze: sentiment + topics (texts/s)',
      opsPerSec: sentimentTopics,
      ceiling: 'normalizeText (NFKC + lower case) of the same texts',
      ceilingOpsPerSec: normalize,
    },
    {
      name: 'analyze: everything incl. keywords (texts/s)',
      opsPerSec: full,
      ceiling: 'Intl.Segmenter word pass over the same texts',
      ceilingOpsPerSec: segment,
    },
    {
      name: 'analyze: 110 KB text (cut to 10,000 chars)',
      opsPerSec: truncated,
      ceiling: 'normalizeText of its first 10,000 chars',
      ceilingOpsPerSec: normalizeLong,
    },
  ];
  const dir = modelDirectory();
  const modelBytes = ['sentiment.bin', 'sentiment-cnn.bin', 'sentiment.json']
    .map((f) => path.join(dir, f))
    .filter((f) => existsSync(f))
    .reduce((sum, f) => sum + statSync(f).size, 0);
  const mem = process.memoryUsage();
  console.log(
    `\nTouchpoint text analytics — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, one thread, ${new Date()
      .toISOString()
      .slice(0, 10)}; ${texts.length} texts, mean ${meanLength.toFixed(0)} characters\n`,
  );
  console.log(report(results));
  const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
  console.log(
    `\nmodel files ${(modelBytes / 1048576).toFixed(1)} MiB. RSS: ${mib(rssStart)} at start (Node + tsx), ` +
      `+${mib(rssImported - rssStart)} importing the module's index (with the server stack it pulls in), ` +
      `+${mib(rssModel)} loading the model, ${mib(rssAnalyzed)} after the analyze runs (peak so far ` +
      `${mib(peakAnalyzed)}), ${mib(mem.rss)} at the end of the run after the ceilings (peak ` +
      `${mib(process.resourceUsage().maxRSS * 1024)}; heap used ${mib(mem.heapUsed)}, array buffers ` +
      `${mib(mem.arrayBuffers)})`,
  );
}

await main();

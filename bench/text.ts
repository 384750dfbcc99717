/**
 * Text analytics benchmark: texts per second on one core for sentiment + topics (the target: ≥ 5,000 short
 * texts/s) and for the whole `analyze` (keywords included), each against a ceiling measured in the same run on the
 * same texts — normalising them (NFKC + lower case), and segmenting them into words with Intl.Segmenter — plus the
 * model's file size and the process's memory.
 *
 * Texts: the held-out-agnostic review texts of ../shared/datasets (waimai_10k and SST-2, short) when present,
 * otherwise a built-in list of short customer-feedback sentences.
 *
 * Memory is measured in two child processes that do nothing but load the text module, its model and analyse every
 * sample text (keywords included) a few times — one importing only the analysis code (text.analyze.ts: what a
 * process that analyses texts holds), one importing the module's index (which pulls in the server stack: Fastify,
 * Kysely, the database drivers) — so that neither this process's ceilings (the Intl.Segmenter pass holds native ICU
 * memory of its own) nor its timing loops count in the module's figure. Their peak is getrusage's maxRSS.
 * Run: npx tsx bench/text.ts
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
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

/** The first `n` lines of a file after its header line, reading only as much of the file as they need. */
function firstLines(file: string, n: number): string[] {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 16);
    const parts: Buffer[] = [];
    let newlines = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const part = Buffer.from(chunk.subarray(0, read));
      parts.push(part);
      for (const b of part) if (b === 10) newlines++;
      if (newlines > n + 1) break;
    }
    return Buffer.concat(parts)
      .toString('utf8')
      .split('\n')
      .slice(1, n + 1);
  } finally {
    closeSync(fd);
  }
}

function sampleTexts(): string[] {
  const waimai = path.join(DATASETS, 'waimai_10k/waimai_10k.csv');
  const sst2 = path.join(DATASETS, 'sst2/train.tsv');
  if (!existsSync(waimai) || !existsSync(sst2)) return FALLBACK;
  // Column 2 of waimai (after "label,"), column 1 of SST-2; the first 2,000 lines of each are plenty.
  const zh = firstLines(waimai, 2000).map((l) => l.slice(l.indexOf(',') + 1).replace(/^"|"$/g, ''));
  const en = firstLines(sst2, 2000).map((l) => l.split('\t')[0] ?? '');
  return [...zh, ...en].filter((t) => t.trim().length > 0);
}

const LONG_TEXT = `${'x'.repeat(50_000)} ${'信号差'.repeat(20_000)}`;

interface MemoryFigures {
  start: number;
  imported: number;
  model: number;
  analysed: number;
  peak: number;
  heapUsed: number;
  arrayBuffers: number;
}

/**
 * Child-process mode (BENCH_TEXT_MEMORY=analysis|index): import the module, load the model, analyse every sample
 * text three times (everything incl. keywords; Chinese and English) and the 110 KB text, print the RSS figures.
 */
async function memoryChild(entry: 'analysis' | 'index'): Promise<void> {
  const start = process.memoryUsage().rss;
  const mod =
    entry === 'analysis'
      ? await import('../src/modules/text/text.analyze.js')
      : await import('../src/modules/text/index.js');
  const { sentimentModel } = await import('../src/modules/text/text.model.js');
  const imported = process.memoryUsage().rss;
  void sentimentModel().cnn; // the English CNN is read lazily: load it here so it counts as "the model"
  const model = process.memoryUsage().rss;
  const texts = sampleTexts();
  for (let round = 0; round < 3; round++) for (const t of texts) mod.analyze(t);
  for (let i = 0; i < 20; i++) mod.analyze(LONG_TEXT);
  const mem = process.memoryUsage();
  const figures: MemoryFigures = {
    start,
    imported,
    model,
    analysed: mem.rss,
    peak: process.resourceUsage().maxRSS * 1024,
    heapUsed: mem.heapUsed,
    arrayBuffers: mem.arrayBuffers,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Runs this file again as a memory child under the same Node flags (the tsx loader included). */
function measureMemory(entry: 'analysis' | 'index'): MemoryFigures {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_TEXT_MEMORY: entry },
    encoding: 'utf8',
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(`memory child (${entry}) failed: ${child.stderr || child.stdout}`);
  return JSON.parse(last) as MemoryFigures;
}

function cycling(texts: string[], fn: (t: string) => unknown): () => unknown {
  let i = 0;
  return () => fn(texts[i++ % texts.length] as string);
}

async function main(): Promise<void> {
  const rssStart = process.memoryUsage().rss;
  // Imported here, not at the top, to tell the memory of the module from that of Node and tsx. The analysis code
  // only, not the module's index (which pulls in the server stack: see the memory children below).
  const { analyze } = await import('../src/modules/text/text.analyze.js');
  const { normalizeText } = await import('../src/modules/text/text.features.js');
  const { modelDirectory, sentimentModel } = await import('../src/modules/text/text.model.js');
  const rssImported = process.memoryUsage().rss;
  const texts = sampleTexts();
  const meanLength = texts.reduce((s, t) => s + t.length, 0) / texts.length;
  const rssBefore = process.memoryUsage().rss;
  void sentimentModel().cnn; // load outside the timings (the English CNN, read lazily, too)
  const rssModel = process.memoryUsage().rss - rssBefore;
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

  // The module's work first, so that the memory it needs is measured before the ceilings (whose Intl.Segmenter pass
  // allocates native ICU memory of its own) run in the same process.
  const sentimentTopics = await opsPerSecond(
    cycling(texts, (t) => analyze(t, undefined, undefined, { keywords: false })),
  );
  const full = await opsPerSecond(cycling(texts, (t) => analyze(t)));
  const long = LONG_TEXT;
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
  const bare = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'],
    {
      encoding: 'utf8',
    },
  );
  for (const entry of ['analysis', 'index'] as const) {
    const m = measureMemory(entry);
    console.log(
      `\nmemory, child process importing ${entry === 'analysis' ? 'the analysis code only (text.analyze.ts)' : "the module's index (and the server stack)"}: ` +
        `${mib(m.start)} at start (Node + tsx; plain Node alone ${mib(Number(bare.stdout))}), ` +
        `+${mib(m.imported - m.start)} importing, +${mib(m.model - m.imported)} loading the model, ` +
        `${mib(m.analysed)} after analysing ${texts.length} texts ×3 (Chinese and English, keywords incl.) and a 110 KB text, ` +
        `peak ${mib(m.peak)} (heap used ${mib(m.heapUsed)}, array buffers ${mib(m.arrayBuffers)})`,
    );
  }
  console.log(
    `\nmodel files ${(modelBytes / 1048576).toFixed(1)} MiB. This process (timings and ceilings): RSS ${mib(rssStart)} at start (Node + tsx), ` +
      `+${mib(rssImported - rssStart)} importing the analysis code, ` +
      `+${mib(rssModel)} loading the model, ${mib(rssAnalyzed)} after the analyze runs (peak so far ` +
      `${mib(peakAnalyzed)}), ${mib(mem.rss)} at the end of the run after the ceilings (peak ` +
      `${mib(process.resourceUsage().maxRSS * 1024)}; heap used ${mib(mem.heapUsed)}, array buffers ` +
      `${mib(mem.arrayBuffers)})`,
  );
}

const memoryEntry = process.env.BENCH_TEXT_MEMORY;
if (memoryEntry === 'analysis' || memoryEntry === 'index') await memoryChild(memoryEntry);
else await main();

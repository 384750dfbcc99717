import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heldOutSample } from '../../../scripts/text-model/datasets.js';
import { analyze } from './text.analyze.js';

// Accuracy smoke tests: they catch a broken or mismatched model (features changed without retraining, wrong
// weights file), not small regressions — docs/text-model.md has the real figures on the full held-out parts.

const DATASETS = process.env.TOUCHPOINT_DATASETS ?? path.resolve('../shared/datasets');
const haveData = existsSync(path.join(DATASETS, 'chnsenticorp/train.csv'));

const WRITTEN: [string, 'negative' | 'positive'][] = [
  ['房间干净，服务热情，下次还会再来', 'positive'],
  ['前台态度恶劣，房间还有一股霉味', 'negative'],
  ['送餐很快，味道不错，好评', 'positive'],
  ['等了两个小时才送到，饭菜全凉了', 'negative'],
  ['质量很好，物流也快，非常满意', 'positive'],
  ['收到的东西是坏的，客服也不理人', 'negative'],
  ['网速很快，资费也便宜，推荐', 'positive'],
  ['信号太差，电话老是打不通，太失望了', 'negative'],
  ['A wonderful, moving film with a great cast.', 'positive'],
  ['Boring, predictable and far too long.', 'negative'],
  ['The staff were friendly and fixed my problem quickly, thank you!', 'positive'],
  ['Terrible experience, nothing works and nobody cares.', 'negative'],
];

describe('sentiment accuracy (smoke)', () => {
  it('gets clear hand-written Chinese and English feedback right', () => {
    const wrong = WRITTEN.filter(([text, label]) => analyze(text).sentiment.label !== label);
    expect(wrong).toEqual([]);
  });

  it.skipIf(!haveData)('gets held-out test texts of every data set right (40 each)', () => {
    // The same split as the training script: these texts were never trained on.
    const sets = heldOutSample(DATASETS, 40);
    const floors: Record<string, number> = {
      chnsenticorp: 0.8,
      waimai_10k: 0.8,
      online_shopping_10_cats: 0.8,
      sst2: 0.7,
    };
    for (const s of sets) {
      const sample = s.test;
      expect(sample.length).toBe(40);
      const correct = sample.filter(
        (e) => (analyze(e.text).sentiment.score >= 0.5 ? 1 : 0) === e.label,
      ).length;
      expect({ set: s.name, accuracy: correct / sample.length }).toEqual({
        set: s.name,
        accuracy: expect.toSatisfy((a: number) => a >= (floors[s.name] ?? 1)),
      });
    }
  });
});

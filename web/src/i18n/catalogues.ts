import casesEn from './areas/cases/en.json';
import casesZhCN from './areas/cases/zh-CN.json';
import journeysEn from './areas/journeys/en.json';
import journeysZhCN from './areas/journeys/zh-CN.json';
import overviewEn from './areas/overview/en.json';
import overviewZhCN from './areas/overview/zh-CN.json';
import segmentsEn from './areas/segments/en.json';
import segmentsZhCN from './areas/segments/zh-CN.json';
import surveysEn from './areas/surveys/en.json';
import surveysZhCN from './areas/surveys/zh-CN.json';
import baseEn from './en.json';
import baseZhCN from './zh-CN.json';

/**
 * The console's texts: the shared catalogue plus one per area of the product (web/src/i18n/areas/<area>/), each
 * under its area key (`t('surveys.…')`), so that areas can grow independently.
 */
export const zhCN = {
  ...baseZhCN,
  journeys: journeysZhCN,
  surveys: surveysZhCN,
  cases: casesZhCN,
  overview: overviewZhCN,
  segments: segmentsZhCN,
};

export const en: typeof zhCN = {
  ...baseEn,
  journeys: journeysEn,
  surveys: surveysEn,
  cases: casesEn,
  overview: overviewEn,
  segments: segmentsEn,
};

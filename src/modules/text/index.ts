import './text.tables.js';

export {
  analyze,
  correctionHash,
  prepareText,
  MAX_TEXT_LENGTH,
  type Analysis,
  type AnalyzeOptions,
  type CorrectionOverride,
  type Corrections,
  type Vocabulary,
} from './text.analyze.js';
export { normalizeText, type Language } from './text.features.js';
export { detectLanguage, type Sentiment, type SentimentLabel } from './text.sentiment.js';
export {
  compileTaxonomy,
  DEFAULT_TAXONOMY,
  OTHER_TOPIC,
  type CustomTopic,
  type Taxonomy,
  type TopicDefinition,
  type TopicMatch,
  type TopicName,
  type VocabularyKeyword,
} from './text.taxonomy.js';
export { type UrgencyReason } from './text.urgency.js';
export { sentimentModel, modelDirectory } from './text.model.js';
export {
  analyzeForWorkspace,
  loadVocabulary,
  addKeyword,
  removeKeyword,
  correctText,
  removeCorrection,
  effectiveTaxonomy,
} from './text.service.js';
export { textRoutes } from './text.routes.js';
export {
  TextReanalysis,
  REANALYSIS_JOB,
  type AnalysedTextSource,
  type StoredText,
} from './text.reanalysis.js';

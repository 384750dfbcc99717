import './surveys.tables.js';

export { createSurveysModule, CASE_FOLLOWUP_SUBSCRIBER, type SurveysModule } from './surveys.module.js';
export { SURVEY_RESPONSE_FLAGGED, type SurveyResponseFlagged } from './closed-loop.js';
export {
  perceptionByTouchpoint,
  surveyResponsesOfProfile,
  type TouchpointPerceptionRow,
} from './survey.exports.js';
export { seedDemoSurveys, type DemoSurveyOptions } from './survey.demo.js';
export { TEMPLATES, templateOf, type SurveyTemplate } from './survey.templates.js';
export { parseDefinition, type SurveyDefinition, type Question } from './survey.definition.js';
export { surveyAnswerTexts } from './survey.text-source.js';
export { AFTER_RESPONSE_JOB as SURVEY_AFTER_RESPONSE_JOB } from './response.after-commit.js';

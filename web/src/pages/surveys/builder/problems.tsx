import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api';
import type { DefinitionProblem } from '../../../api/surveys';

/** The codes survey.definition.ts gives problems; each has a translated explanation. */
export const PROBLEM_CODES = [
  'BACKWARD_JUMP',
  'DUPLICATE_HIDDEN_FIELD',
  'DUPLICATE_OPTION_ID',
  'DUPLICATE_QUESTION_ID',
  'FORWARD_REFERENCE',
  'INVALID_CONDITION',
  'INVALID_DRIVERS',
  'INVALID_ID',
  'INVALID_INDEX',
  'INVALID_LANGUAGE',
  'INVALID_OPERATOR',
  'INVALID_PRIMARY',
  'INVALID_RANGE',
  'INVALID_SERVQUAL',
  'INVALID_SHAPE',
  'INVALID_TEXT',
  'INVALID_VALUE',
  'LOGIC_CYCLE',
  'MISSING_TRANSLATION',
  'NO_QUESTIONS',
  'TOO_MANY',
  'UNKNOWN_HIDDEN_FIELD',
  'UNKNOWN_QUESTION',
  'UNKNOWN_QUESTION_TYPE',
] as const;
type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The problems of a SURVEY_DEFINITION_INVALID answer, or null for any other error. */
export function definitionProblems(error: unknown): DefinitionProblem[] | null {
  if (!(error instanceof ApiError) || error.code !== 'SURVEY_DEFINITION_INVALID') return null;
  const problems = error.details.problems;
  return Array.isArray(problems) ? (problems as DefinitionProblem[]) : [];
}

/** Problems under `definition.<section>[index]`, e.g. ('questions', 2). */
export function problemsAt(problems: DefinitionProblem[], section: string, index: number) {
  const prefix = `definition.${section}[${index}]`;
  return problems.filter(
    (p) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
  );
}

/** The problems of one part of the survey, each as "where: what" in the reader's language. */
export function ProblemList({ problems, strip }: { problems: DefinitionProblem[]; strip?: RegExp }) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <ul
      className="tp-problem"
      role="alert"
      style={{ paddingLeft: 18, margin: '8px 0 0' }}
      data-testid="definition-problem"
    >
      {problems.map((p, i) => {
        const where = strip ? p.path.replace(strip, '').replace(/^\./, '') : p.path;
        const known = (PROBLEM_CODES as readonly string[]).includes(p.code);
        const text = known ? t(`surveys.problems.${p.code as ProblemCode}`) : p.message;
        return (
          <li key={i}>
            {where && <code className="tp-mono">{where}</code>} {text}{' '}
            <span className="tp-muted">({p.code})</span>
          </li>
        );
      })}
    </ul>
  );
}

import { StarFilled, StarOutlined } from '@ant-design/icons';
import { Button, Checkbox, Input, InputNumber, Radio, Space, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogicCondition, SurveyDefinition, SurveyQuestion } from '../../api/surveys';
import { pickText } from './surveyText';

export type Answers = Record<string, unknown>;

/** Does a condition hold for these answers and hidden values? (The server's rules, for the preview.) */
export function conditionHolds(c: LogicCondition, answers: Answers, hidden: Record<string, string>): boolean {
  if (c.type === 'all') return c.conditions.every((x) => conditionHolds(x, answers, hidden));
  if (c.type === 'any') return c.conditions.some((x) => conditionHolds(x, answers, hidden));
  const actual = c.type === 'answer' ? answers[c.question] : hidden[c.field];
  const present =
    actual !== undefined &&
    actual !== null &&
    actual !== '' &&
    !(Array.isArray(actual) && actual.length === 0);
  if (c.op === 'answered') return present;
  if (c.op === 'not_answered') return !present;
  if (!present) return false;
  const values = Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value];
  const same = (a: unknown, b: unknown) => String(a) === String(b);
  switch (c.op) {
    case 'eq':
      return same(actual, c.value);
    case 'neq':
      return !same(actual, c.value);
    case 'in':
      return values.some((v) => same(actual, v));
    case 'not_in':
      return !values.some((v) => same(actual, v));
    case 'lt':
      return Number(actual) < Number(c.value);
    case 'lte':
      return Number(actual) <= Number(c.value);
    case 'gt':
      return Number(actual) > Number(c.value);
    case 'gte':
      return Number(actual) >= Number(c.value);
    case 'contains':
      if (Array.isArray(actual)) return values.some((v) => actual.some((a) => same(a, v)));
      if (actual && typeof actual === 'object' && 'selected' in actual)
        return values.some((v) => (actual as { selected: unknown[] }).selected.some((a) => same(a, v)));
      return values.some((v) => String(actual).toLowerCase().includes(String(v).toLowerCase()));
  }
  return false;
}

/** The questions a respondent reaches with these answers, following jump/end rules in order. */
export function reachedQuestions(
  def: SurveyDefinition,
  answers: Answers,
  hidden: Record<string, string> = {},
) {
  const shown: SurveyQuestion[] = [];
  let i = 0;
  let ended = false;
  while (i < def.questions.length) {
    const q = def.questions[i] as SurveyQuestion;
    shown.push(q);
    const rule = def.logic.find((r) => r.from === q.id && conditionHolds(r.when, answers, hidden));
    if (rule?.then.type === 'end') {
      ended = true;
      break;
    }
    if (rule?.then.type === 'jump') {
      const target = rule.then.to;
      const j = def.questions.findIndex((x) => x.id === target);
      i = j > i ? j : i + 1;
    } else i++;
  }
  return { shown, ended };
}

function Scale({
  min,
  max,
  value,
  onChange,
  low,
  high,
  stars,
  label,
}: {
  min: number;
  max: number;
  value: unknown;
  onChange: (v: number) => void;
  low?: string;
  high?: string;
  stars?: boolean;
  label: string;
}) {
  const points = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <div>
      <div className="tp-preview-scale" role="radiogroup" aria-label={label}>
        {points.map((p) =>
          stars ? (
            <Button
              key={p}
              type="text"
              role="radio"
              aria-checked={value === p}
              aria-label={String(p)}
              icon={
                typeof value === 'number' && p <= value ? (
                  <StarFilled style={{ color: '#f59e0b' }} />
                ) : (
                  <StarOutlined />
                )
              }
              onClick={() => onChange(p)}
            />
          ) : (
            <Button
              key={p}
              role="radio"
              aria-checked={value === p}
              type={value === p ? 'primary' : 'default'}
              onClick={() => onChange(p)}
              style={{ minWidth: 36 }}
            >
              {p}
            </Button>
          ),
        )}
      </div>
      {(low || high) && (
        <div className="tp-preview-scale-labels">
          <span>{low}</span>
          <span>{high}</span>
        </div>
      )}
    </div>
  );
}

/** One question as the respondent sees it, in one language. */
function QuestionView({
  q,
  language,
  value,
  onChange,
  index,
}: {
  q: SurveyQuestion;
  language: string;
  value: unknown;
  onChange: (v: unknown) => void;
  index: number;
}) {
  const { t } = useTranslation();
  const lt = (
    key:
      | 'npsLow'
      | 'npsHigh'
      | 'csatLow'
      | 'csatHigh'
      | 'cesLow'
      | 'cesHigh'
      | 'other'
      | 'expectation'
      | 'perception',
  ) => String(t(`surveys.preview.${key}`, { lng: language }));
  const title = pickText(q.text, language);
  const body = () => {
    switch (q.type) {
      case 'nps':
        return (
          <Scale
            min={0}
            max={10}
            value={value}
            onChange={onChange}
            low={lt('npsLow')}
            high={lt('npsHigh')}
            label={title}
          />
        );
      case 'csat':
        return (
          <Scale
            min={1}
            max={5}
            value={value}
            onChange={onChange}
            low={lt('csatLow')}
            high={lt('csatHigh')}
            label={title}
          />
        );
      case 'ces':
        return (
          <Scale
            min={1}
            max={7}
            value={value}
            onChange={onChange}
            low={lt('cesLow')}
            high={lt('cesHigh')}
            label={title}
          />
        );
      case 'rating':
        return (
          <Scale
            min={1}
            max={q.points}
            value={value}
            onChange={onChange}
            stars={q.style === 'stars'}
            low={pickText(q.lowLabel, language)}
            high={pickText(q.highLabel, language)}
            label={title}
          />
        );
      case 'single_choice':
        return (
          <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} aria-label={title}>
            <Space direction="vertical">
              {q.options.map((o) => (
                <Radio key={o.id} value={o.id}>
                  {pickText(o.text, language)}
                </Radio>
              ))}
              {q.allowOther && <Radio value="_other">{lt('other')}</Radio>}
            </Space>
          </Radio.Group>
        );
      case 'multiple_choice':
        return (
          <Checkbox.Group
            value={Array.isArray(value) ? (value as string[]) : []}
            onChange={(v) => onChange(v)}
            aria-label={title}
          >
            <Space direction="vertical">
              {q.options.map((o) => (
                <Checkbox key={o.id} value={o.id}>
                  {pickText(o.text, language)}
                </Checkbox>
              ))}
              {q.allowOther && <Checkbox value="_other">{lt('other')}</Checkbox>}
            </Space>
          </Checkbox.Group>
        );
      case 'text':
        return q.multiline ? (
          <Input.TextArea
            rows={3}
            maxLength={q.maxLength}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value)}
            aria-label={title}
          />
        ) : (
          <Input
            maxLength={q.maxLength}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value)}
            aria-label={title}
          />
        );
      case 'matrix': {
        const rows = (value as Record<string, string> | undefined) ?? {};
        return (
          <table className="tp-preview-matrix">
            <thead>
              <tr>
                <th />
                {q.columns.map((c) => (
                  <th key={c.id} scope="col">
                    {pickText(c.text, language)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {q.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{pickText(r.text, language)}</th>
                  {q.columns.map((c) => (
                    <td key={c.id}>
                      <Radio
                        checked={rows[r.id] === c.id}
                        aria-label={`${pickText(r.text, language)} ${pickText(c.text, language)}`}
                        onChange={() => onChange({ ...rows, [r.id]: c.id })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        );
      }
      case 'ranking': {
        const order = Array.isArray(value) ? (value as string[]) : q.options.map((o) => o.id);
        return (
          <ol style={{ paddingLeft: 20, margin: 0 }}>
            {order.map((id, i) => {
              const o = q.options.find((x) => x.id === id);
              if (!o) return null;
              const swap = (by: number) => {
                const next = [...order];
                [next[i], next[i + by]] = [next[i + by] as string, next[i] as string];
                onChange(next);
              };
              return (
                <li key={id} style={{ marginBottom: 4 }}>
                  <Space>
                    {pickText(o.text, language)}
                    <Button
                      size="small"
                      disabled={i === 0}
                      onClick={() => swap(-1)}
                      aria-label={String(t('surveys.builder.moveUp', { lng: language }))}
                    >
                      ↑
                    </Button>
                    <Button
                      size="small"
                      disabled={i === order.length - 1}
                      onClick={() => swap(1)}
                      aria-label={String(t('surveys.builder.moveDown', { lng: language }))}
                    >
                      ↓
                    </Button>
                  </Space>
                </li>
              );
            })}
          </ol>
        );
      }
      case 'expectation_perception': {
        const v = (value as { expectation?: number; perception?: number } | undefined) ?? {};
        return (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">{lt('expectation')}</Typography.Text>
            <Scale
              min={1}
              max={7}
              value={v.expectation}
              onChange={(x) => onChange({ ...v, expectation: x })}
              label={`${title} ${lt('expectation')}`}
            />
            <Typography.Text type="secondary">{lt('perception')}</Typography.Text>
            <Scale
              min={1}
              max={7}
              value={v.perception}
              onChange={(x) => onChange({ ...v, perception: x })}
              label={`${title} ${lt('perception')}`}
            />
          </Space>
        );
      }
      case 'constant_sum': {
        const v = (value as Record<string, number> | undefined) ?? {};
        const sum = Object.values(v).reduce((s, x) => s + (x || 0), 0);
        return (
          <Space direction="vertical">
            {q.options.map((o) => (
              <Space key={o.id}>
                <InputNumber
                  min={0}
                  max={q.total}
                  value={v[o.id] ?? null}
                  onChange={(x) => onChange({ ...v, [o.id]: x ?? 0 })}
                  aria-label={pickText(o.text, language)}
                />
                {pickText(o.text, language)}
              </Space>
            ))}
            <Typography.Text type={sum === q.total ? 'success' : 'warning'} className="tp-num">
              {sum} / {q.total}
            </Typography.Text>
          </Space>
        );
      }
    }
  };
  return (
    <div className="tp-preview-question" lang={language}>
      <div className="tp-preview-question-title">
        {index + 1}. {title}
        {q.required && <span style={{ color: '#cf1322' }}> *</span>}
      </div>
      {q.description && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -6 }}>
          {pickText(q.description, language)}
        </Typography.Paragraph>
      )}
      {body()}
    </div>
  );
}

/**
 * The survey as a respondent sees it in one language: intro, the questions they reach with the answers so far
 * (branching applied), and the thank-you text when the logic ends the survey.
 */
export function SurveyRenderer({
  definition,
  title,
  language,
  answers,
  onAnswer,
  hidden = {},
}: {
  definition: SurveyDefinition;
  title: string;
  language: string;
  answers: Answers;
  onAnswer: (questionId: string, value: unknown) => void;
  hidden?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const { shown, ended } = useMemo(
    () => reachedQuestions(definition, answers, hidden),
    [definition, answers, hidden],
  );
  return (
    <div className="tp-preview-pane" lang={language} data-testid={`preview-${language}`}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      {definition.intro && (
        <Typography.Paragraph>{pickText(definition.intro, language)}</Typography.Paragraph>
      )}
      {shown.map((q, i) => (
        <QuestionView
          key={q.id}
          q={q}
          index={i}
          language={language}
          value={answers[q.id]}
          onChange={(v) => onAnswer(q.id, v)}
        />
      ))}
      {ended && (
        <Typography.Paragraph type="secondary" italic>
          {String(t('surveys.preview.endedByLogic', { lng: language }))}
        </Typography.Paragraph>
      )}
      {definition.thanks && (
        <Typography.Paragraph type="secondary">
          {String(t('surveys.preview.thanksLabel', { lng: language }))}{' '}
          {pickText(definition.thanks, language)}
        </Typography.Paragraph>
      )}
    </div>
  );
}

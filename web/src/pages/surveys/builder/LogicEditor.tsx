import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  ConditionValue,
  LogicCondition,
  LogicOperator,
  LogicRule,
  SurveyQuestion,
} from '../../../api/surveys';
import { pickText } from '../surveyText';
import { ProblemList } from './problems';
import type { DefinitionProblem } from '../../../api/surveys';

/** The operators the API accepts per question type (survey.definition.ts operatorsFor). */
function operatorsFor(q: SurveyQuestion | undefined): LogicOperator[] {
  switch (q?.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating':
      return ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'answered', 'not_answered'];
    case 'single_choice':
      return ['eq', 'neq', 'in', 'not_in', 'answered', 'not_answered'];
    case 'multiple_choice':
    case 'ranking':
    case 'text':
      return ['contains', 'answered', 'not_answered'];
    case undefined:
      return ['eq', 'neq', 'in', 'not_in', 'contains', 'answered', 'not_answered'];
    default:
      return ['answered', 'not_answered'];
  }
}

const NO_VALUE: LogicOperator[] = ['answered', 'not_answered'];
const LIST: LogicOperator[] = ['in', 'not_in'];

interface Ctx {
  questions: SurveyQuestion[];
  hiddenFields: string[];
  language: string;
}

/** The value input of a leaf condition: numbers for scores, options for choices, text otherwise. */
function ValueInput({
  question,
  op,
  value,
  onChange,
  language,
}: {
  question: SurveyQuestion | undefined;
  op: LogicOperator;
  value: ConditionValue | undefined;
  onChange: (v: ConditionValue | undefined) => void;
  language: string;
}) {
  const { t } = useTranslation();
  if (NO_VALUE.includes(op)) return null;
  const label = t('surveys.logic.value');
  const options =
    question && 'options' in question
      ? question.options.map((o) => ({ value: o.id, label: pickText(o.text, language) || o.id }))
      : null;
  const numeric = question && ['nps', 'csat', 'ces', 'rating'].includes(question.type);
  if (LIST.includes(op) || (op === 'contains' && options)) {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return (
      <Select
        mode={options ? 'multiple' : 'tags'}
        style={{ minWidth: 200 }}
        aria-label={label}
        value={list.map(String)}
        options={options ?? undefined}
        onChange={(v: string[]) => {
          const parsed = numeric ? v.map(Number).filter((x) => Number.isFinite(x)) : v;
          onChange(op === 'contains' && parsed.length === 1 ? parsed[0] : parsed);
        }}
      />
    );
  }
  if (options)
    return (
      <Select
        style={{ minWidth: 180 }}
        aria-label={label}
        value={value === undefined ? undefined : String(value)}
        options={options}
        onChange={(v: string) => onChange(v)}
      />
    );
  if (numeric)
    return (
      <InputNumber
        aria-label={label}
        value={typeof value === 'number' ? value : null}
        onChange={(v) => onChange(v ?? undefined)}
      />
    );
  return (
    <Input
      style={{ width: 180 }}
      aria-label={label}
      value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A condition: a group (all/any of conditions, nested up to 4 deep) or an answer / hidden-field test. */
function ConditionEditor({
  condition,
  onChange,
  onRemove,
  ctx,
  depth,
}: {
  condition: LogicCondition;
  onChange: (next: LogicCondition) => void;
  onRemove?: () => void;
  ctx: Ctx;
  depth: number;
}) {
  const { t } = useTranslation();
  const remove = onRemove && (
    <Button
      type="text"
      icon={<DeleteOutlined />}
      aria-label={t('surveys.logic.removeCondition')}
      onClick={onRemove}
    />
  );
  if (condition.type === 'all' || condition.type === 'any') {
    const group = condition;
    const leaf: LogicCondition = {
      type: 'answer',
      question: ctx.questions[0]?.id ?? '',
      op: 'answered',
    };
    return (
      <div style={{ borderLeft: depth ? '2px solid #e0e7ff' : undefined, paddingLeft: depth ? 10 : 0 }}>
        <Space wrap>
          <Select
            value={group.type}
            style={{ width: 190 }}
            aria-label={t('surveys.logic.match')}
            onChange={(type) => onChange({ ...group, type })}
            options={[
              { value: 'all', label: t('surveys.logic.all') },
              { value: 'any', label: t('surveys.logic.any') },
            ]}
          />
          {remove}
        </Space>
        <div style={{ marginTop: 6 }}>
          {group.conditions.map((c, i) => (
            <div key={i} style={{ marginBottom: 6 }}>
              <ConditionEditor
                condition={c}
                ctx={ctx}
                depth={depth + 1}
                onChange={(next) =>
                  onChange({ ...group, conditions: group.conditions.map((x, j) => (j === i ? next : x)) })
                }
                onRemove={
                  group.conditions.length > 1
                    ? () => onChange({ ...group, conditions: group.conditions.filter((_, j) => j !== i) })
                    : undefined
                }
              />
            </div>
          ))}
          <Space wrap>
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => onChange({ ...group, conditions: [...group.conditions, leaf] })}
            >
              {t('surveys.logic.addCondition')}
            </Button>
            {depth < 3 && (
              <Button
                size="small"
                onClick={() =>
                  onChange({
                    ...group,
                    conditions: [...group.conditions, { type: 'any', conditions: [leaf] }],
                  })
                }
              >
                {t('surveys.logic.addGroup')}
              </Button>
            )}
          </Space>
        </div>
      </div>
    );
  }
  const question =
    condition.type === 'answer' ? ctx.questions.find((q) => q.id === condition.question) : undefined;
  const ops = condition.type === 'answer' ? operatorsFor(question) : operatorsFor(undefined);
  const sourceValue = condition.type === 'answer' ? `q:${condition.question}` : `h:${condition.field}`;
  return (
    <Space wrap>
      <Select
        style={{ minWidth: 220, maxWidth: 360 }}
        aria-label={t('surveys.logic.subject')}
        value={sourceValue}
        onChange={(v: string) => {
          if (v.startsWith('q:')) {
            const id = v.slice(2);
            const q = ctx.questions.find((x) => x.id === id);
            const op = operatorsFor(q).includes(condition.op) ? condition.op : 'answered';
            onChange({ type: 'answer', question: id, op });
          } else onChange({ type: 'hidden', field: v.slice(2), op: 'eq', value: '' });
        }}
        options={[
          {
            label: t('surveys.logic.questions'),
            options: ctx.questions.map((q) => ({
              value: `q:${q.id}`,
              label: `${q.id} · ${pickText(q.text, ctx.language)}`,
            })),
          },
          ...(ctx.hiddenFields.length
            ? [
                {
                  label: t('surveys.logic.hiddenFields'),
                  options: ctx.hiddenFields.map((f) => ({ value: `h:${f}`, label: f })),
                },
              ]
            : []),
        ]}
      />
      <Select<LogicOperator>
        style={{ width: 150 }}
        aria-label={t('surveys.logic.operator')}
        value={condition.op}
        onChange={(op) => {
          const { value: _v, ...rest } = condition;
          onChange(NO_VALUE.includes(op) ? { ...rest, op } : { ...condition, op });
        }}
        options={ops.map((op) => ({ value: op, label: t(`surveys.logic.ops.${op}`) }))}
      />
      <ValueInput
        question={question}
        op={condition.op}
        value={condition.value}
        language={ctx.language}
        onChange={(value) => {
          const { value: _v, ...rest } = condition;
          onChange(value === undefined ? rest : { ...rest, value });
        }}
      />
      {remove}
    </Space>
  );
}

/**
 * Branching: after question `from` is answered, when the condition holds, jump forward to a question or end the
 * survey. The API checks forward-only jumps, known questions and operators; its problems show on the rule.
 */
export function LogicEditor({
  rules,
  onChange,
  questions,
  hiddenFields,
  language,
  problems,
}: {
  rules: LogicRule[];
  onChange: (next: LogicRule[]) => void;
  questions: SurveyQuestion[];
  hiddenFields: string[];
  language: string;
  problems: (index: number) => DefinitionProblem[];
}) {
  const { t } = useTranslation();
  const ctx: Ctx = { questions, hiddenFields, language };
  const add = () => {
    const first = questions[0];
    if (!first) return;
    onChange([
      ...rules,
      {
        from: first.id,
        when: { type: 'all', conditions: [{ type: 'answer', question: first.id, op: 'answered' }] },
        then: { type: 'end' },
      },
    ]);
  };
  const label = (q: SurveyQuestion) => `${q.id} · ${pickText(q.text, language)}`;
  return (
    <div data-testid="logic-editor">
      {rules.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.logic.empty')} />
      )}
      {rules.map((rule, index) => {
        const update = (p: Partial<LogicRule>) =>
          onChange(rules.map((r, i) => (i === index ? { ...r, ...p } : r)));
        const ruleProblems = problems(index);
        const when: LogicCondition =
          rule.when.type === 'all' || rule.when.type === 'any'
            ? rule.when
            : { type: 'all', conditions: [rule.when] };
        return (
          <div
            key={index}
            className={ruleProblems.length ? 'tp-logic-rule tp-problem-card' : 'tp-logic-rule'}
            data-testid={`logic-rule-${index}`}
          >
            <Space wrap style={{ marginBottom: 8 }}>
              <Typography.Text strong>{t('surveys.logic.after')}</Typography.Text>
              <Select
                style={{ minWidth: 240, maxWidth: 420 }}
                aria-label={t('surveys.logic.after')}
                value={rule.from}
                onChange={(from) => update({ from })}
                options={questions.map((q) => ({ value: q.id, label: label(q) }))}
              />
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('surveys.logic.removeRule')}
                onClick={() => onChange(rules.filter((_, i) => i !== index))}
              />
            </Space>
            <Typography.Text type="secondary">{t('surveys.logic.when')}</Typography.Text>
            <ConditionEditor
              condition={when}
              ctx={ctx}
              depth={0}
              onChange={(next) => update({ when: next })}
            />
            <Space wrap style={{ marginTop: 8 }}>
              <Typography.Text strong>{t('surveys.logic.then')}</Typography.Text>
              <Select
                style={{ width: 170 }}
                aria-label={t('surveys.logic.then')}
                value={rule.then.type}
                onChange={(type) =>
                  update({
                    then:
                      type === 'end'
                        ? { type: 'end' }
                        : {
                            type: 'jump',
                            to:
                              questions[questions.findIndex((q) => q.id === rule.from) + 1]?.id ??
                              questions[questions.length - 1]?.id ??
                              '',
                          },
                  })
                }
                options={[
                  { value: 'jump', label: t('surveys.logic.jump') },
                  { value: 'end', label: t('surveys.logic.end') },
                ]}
              />
              {rule.then.type === 'jump' && (
                <Select
                  style={{ minWidth: 240, maxWidth: 420 }}
                  aria-label={t('surveys.logic.jumpTo')}
                  value={rule.then.to}
                  onChange={(to) => update({ then: { type: 'jump', to } })}
                  options={questions.map((q) => ({ value: q.id, label: label(q) }))}
                />
              )}
            </Space>
            <ProblemList problems={ruleProblems} />
          </div>
        );
      })}
      <Button icon={<PlusOutlined />} onClick={add} disabled={questions.length === 0} data-testid="add-rule">
        {t('surveys.logic.addRule')}
      </Button>
    </div>
  );
}

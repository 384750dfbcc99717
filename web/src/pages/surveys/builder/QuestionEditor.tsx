import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Col, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LocalText, SurveyOption, SurveyQuestion } from '../../../api/surveys';
import { LocalTextInput } from './LocalTextInput';

const SERVQUAL_DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;

/** Option lists (choices, matrix rows/columns, ranking items): id + text in every language. */
function OptionList({
  options,
  onChange,
  languages,
  label,
  prefix,
}: {
  options: SurveyOption[];
  onChange: (next: SurveyOption[]) => void;
  languages: string[];
  label: string;
  prefix: string;
}) {
  const { t } = useTranslation();
  const add = () => {
    const used = new Set(options.map((o) => o.id));
    let i = options.length + 1;
    while (used.has(`${prefix}${i}`)) i++;
    onChange([...options, { id: `${prefix}${i}`, text: {} }]);
  };
  return (
    <div>
      <Typography.Text strong>{label}</Typography.Text>
      {options.map((option, index) => (
        <div className="tp-option-row" key={index}>
          <Input
            className="tp-mono"
            style={{ width: 110 }}
            value={option.id}
            aria-label={t('surveys.builder.optionId')}
            onChange={(e) =>
              onChange(options.map((o, i) => (i === index ? { ...o, id: e.target.value.trim() } : o)))
            }
          />
          <div className="tp-grow">
            <LocalTextInput
              value={option.text}
              languages={languages}
              ariaLabel={`${label} ${index + 1}`}
              onChange={(text) =>
                onChange(options.map((o, i) => (i === index ? { ...o, text: text ?? {} } : o)))
              }
            />
          </div>
          <Button
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('surveys.builder.removeOption')}
            onClick={() => onChange(options.filter((_, i) => i !== index))}
          />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={add}>
        {t('surveys.builder.addOption')}
      </Button>
    </div>
  );
}

/** The settings of one question, by type. */
export function QuestionEditor({
  question,
  onChange,
  languages,
}: {
  question: SurveyQuestion;
  onChange: (next: SurveyQuestion) => void;
  languages: string[];
}) {
  const { t } = useTranslation();
  const q = question;
  const patch = (p: Partial<SurveyQuestion>) => onChange({ ...q, ...p } as SurveyQuestion);

  const typeSpecific = () => {
    switch (q.type) {
      case 'nps':
      case 'csat':
      case 'ces':
        return <Typography.Text type="secondary">{t(`surveys.builder.scaleHelp.${q.type}`)}</Typography.Text>;
      case 'rating':
        return (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <span>{t('surveys.builder.points')}</span>
              <InputNumber
                min={3}
                max={10}
                value={q.points}
                aria-label={t('surveys.builder.points')}
                onChange={(v) => patch({ points: v ?? 5 })}
              />
              <Select
                value={q.style}
                style={{ width: 140 }}
                aria-label={t('surveys.builder.style')}
                onChange={(style) => patch({ style })}
                options={[
                  { value: 'stars', label: t('surveys.builder.stars') },
                  { value: 'numbers', label: t('surveys.builder.numbers') },
                ]}
              />
            </Space>
            <Row gutter={8}>
              <Col xs={24} lg={12}>
                <Typography.Text type="secondary">{t('surveys.builder.lowLabel')}</Typography.Text>
                <LocalTextInput
                  value={q.lowLabel}
                  languages={languages}
                  ariaLabel={t('surveys.builder.lowLabel')}
                  onChange={(lowLabel: LocalText | undefined) => patch({ lowLabel })}
                />
              </Col>
              <Col xs={24} lg={12}>
                <Typography.Text type="secondary">{t('surveys.builder.highLabel')}</Typography.Text>
                <LocalTextInput
                  value={q.highLabel}
                  languages={languages}
                  ariaLabel={t('surveys.builder.highLabel')}
                  onChange={(highLabel: LocalText | undefined) => patch({ highLabel })}
                />
              </Col>
            </Row>
          </Space>
        );
      case 'single_choice':
      case 'multiple_choice':
        return (
          <Space direction="vertical" style={{ width: '100%' }}>
            <OptionList
              options={q.options}
              languages={languages}
              label={t('surveys.builder.options')}
              prefix="o"
              onChange={(options) => patch({ options })}
            />
            <Space wrap size={16}>
              <Checkbox checked={q.shuffle} onChange={(e) => patch({ shuffle: e.target.checked })}>
                {t('surveys.builder.shuffle')}
              </Checkbox>
              <Checkbox checked={q.allowOther} onChange={(e) => patch({ allowOther: e.target.checked })}>
                {t('surveys.builder.allowOther')}
              </Checkbox>
              {q.type === 'multiple_choice' && (
                <Space>
                  <span>{t('surveys.builder.maxSelected')}</span>
                  <InputNumber
                    min={1}
                    max={Math.max(1, q.options.length + 1)}
                    value={q.maxSelected ?? null}
                    aria-label={t('surveys.builder.maxSelected')}
                    placeholder={t('surveys.builder.noLimit')}
                    onChange={(v) => {
                      const { maxSelected: _drop, ...rest } = q;
                      onChange(v === null ? rest : { ...rest, maxSelected: v });
                    }}
                  />
                </Space>
              )}
            </Space>
          </Space>
        );
      case 'text':
        return (
          <Space wrap size={16}>
            <Checkbox checked={q.multiline} onChange={(e) => patch({ multiline: e.target.checked })}>
              {t('surveys.builder.multiline')}
            </Checkbox>
            <Space>
              <span>{t('surveys.builder.maxLength')}</span>
              <InputNumber
                min={1}
                max={5000}
                value={q.maxLength}
                aria-label={t('surveys.builder.maxLength')}
                onChange={(v) => patch({ maxLength: v ?? 2000 })}
              />
            </Space>
          </Space>
        );
      case 'matrix':
        return (
          <Row gutter={16}>
            <Col xs={24} xl={12}>
              <OptionList
                options={q.rows}
                languages={languages}
                label={t('surveys.builder.rows')}
                prefix="r"
                onChange={(rows) => patch({ rows })}
              />
            </Col>
            <Col xs={24} xl={12}>
              <OptionList
                options={q.columns}
                languages={languages}
                label={t('surveys.builder.columns')}
                prefix="c"
                onChange={(columns) => patch({ columns })}
              />
            </Col>
          </Row>
        );
      case 'ranking':
        return (
          <OptionList
            options={q.options}
            languages={languages}
            label={t('surveys.builder.items')}
            prefix="i"
            onChange={(options) => patch({ options })}
          />
        );
      case 'expectation_perception':
        return (
          <Space wrap>
            <span>{t('surveys.builder.dimension')}</span>
            <Select
              style={{ width: 220 }}
              showSearch
              value={q.dimension}
              aria-label={t('surveys.builder.dimension')}
              onChange={(dimension) => patch({ dimension })}
              options={SERVQUAL_DIMENSIONS.map((d) => ({ value: d, label: t(`surveys.dimensions.${d}`) }))}
            />
            <Typography.Text type="secondary">{t('surveys.builder.epHelp')}</Typography.Text>
          </Space>
        );
      case 'constant_sum':
        return (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space>
              <span>{t('surveys.builder.total')}</span>
              <InputNumber
                min={1}
                max={10000}
                value={q.total}
                aria-label={t('surveys.builder.total')}
                onChange={(v) => patch({ total: v ?? 100 })}
              />
            </Space>
            <OptionList
              options={q.options}
              languages={languages}
              label={t('surveys.builder.options')}
              prefix="o"
              onChange={(options) => patch({ options })}
            />
          </Space>
        );
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <LocalTextInput
        value={q.text}
        languages={languages}
        multiline
        ariaLabel={t('surveys.builder.questionText')}
        testId={`question-text-${q.id}`}
        onChange={(text) => patch({ text: text ?? {} })}
      />
      <LocalTextInput
        value={q.description}
        languages={languages}
        ariaLabel={t('surveys.builder.description')}
        placeholder={t('surveys.builder.descriptionPlaceholder')}
        onChange={(description) => {
          const { description: _drop, ...rest } = q;
          onChange((description ? { ...rest, description } : rest) as SurveyQuestion);
        }}
      />
      <Space wrap size={16}>
        <Space>
          <Switch
            checked={q.required}
            onChange={(required) => patch({ required })}
            aria-label={t('surveys.builder.required')}
          />
          <span>{t(q.required ? 'surveys.builder.required' : 'surveys.builder.optional')}</span>
        </Space>
        <Space>
          <span>{t('surveys.builder.questionId')}</span>
          <Input
            className="tp-mono"
            style={{ width: 160 }}
            value={q.id}
            aria-label={t('surveys.builder.questionId')}
            onChange={(e) => patch({ id: e.target.value.trim() })}
          />
        </Space>
      </Space>
      {typeSpecific()}
    </Space>
  );
}

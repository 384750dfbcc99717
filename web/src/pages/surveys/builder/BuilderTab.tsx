import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  CopyOutlined,
  DeleteOutlined,
  HistoryOutlined,
  PlusOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  ConfigProvider,
  Drawer,
  Dropdown,
  Form,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  QUESTION_TYPES,
  surveysApi,
  type DefinitionProblem,
  type SurveyDefinition,
  type SurveyDetail,
  type SurveyQuestion,
  type SurveyVersion,
} from '../../../api/surveys';
import { TimeText } from '../../../components/TimeText';
import { useErrorMessage } from '../../../lib/errors';
import { useSession } from '../../../session/SessionContext';
import { isScoreQuestion, nextQuestionId, pickText, surveyLanguageOf } from '../surveyText';
import { LocalTextInput } from './LocalTextInput';
import { LogicEditor } from './LogicEditor';
import { newQuestion, type FixedT } from './newQuestion';
import { definitionProblems, ProblemList, problemsAt } from './problems';
import { QuestionEditor } from './QuestionEditor';

const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every version of the survey; a version that took answers is frozen, so editing it makes the next one. */
function VersionsDrawer({ survey, onClose }: { survey: SurveyDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const [versions, setVersions] = useState<SurveyVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const messageOf = useErrorMessage();
  useEffect(() => {
    const controller = new AbortController();
    surveysApi
      .versions(survey.id, controller.signal)
      .then((r) => setVersions(r.data))
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setError(messageOf(e));
      });
    return () => controller.abort();
  }, [survey.id, messageOf]);
  return (
    <Drawer open onClose={onClose} title={t('surveys.versions.title')} width={520}>
      {error && <Alert type="error" showIcon title={error} />}
      <List<SurveyVersion>
        loading={versions === null && !error}
        dataSource={versions ?? []}
        data-testid="versions-list"
        renderItem={(v) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  {t('surveys.detail.version', { version: v.version })}
                  {v.version === survey.currentVersion && (
                    <Tag color="blue">{t('surveys.versions.current')}</Tag>
                  )}
                  {v.frozen ? (
                    <Tooltip title={t('surveys.versions.frozenHelp')}>
                      <Tag>{t('surveys.versions.frozen')}</Tag>
                    </Tooltip>
                  ) : (
                    <Tag color="gold">{t('surveys.versions.editable')}</Tag>
                  )}
                </Space>
              }
              description={
                <Space direction="vertical" size={2}>
                  <TimeText iso={v.createdAt} />
                  <span>
                    {t('surveys.versions.questions', { count: v.definition.questions.length })}:{' '}
                    {v.definition.questions
                      .slice(0, 4)
                      .map((q) => pickText(q.text, language))
                      .join(' · ')}
                    {v.definition.questions.length > 4 ? ' …' : ''}
                  </span>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}

/**
 * The survey builder: names, intro and thanks, questions of every type (bilingual, side by side), hidden fields,
 * branching logic, the primary score and the analysis settings (drivers, index, SERVQUAL weights). Saving sends the
 * whole definition; the API's validation problems show where they belong.
 */
export function BuilderTab({
  survey,
  onSaved,
  onDirtyChange,
}: {
  survey: SurveyDetail;
  onSaved: (survey: SurveyDetail) => void;
  /** Told whether there are unsaved edits, so that leaving the tab can ask first. */
  onDirtyChange?: (dirty: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const readOnly = !can('surveys.manage');
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const [def, setDef] = useState<SurveyDefinition>(() => clone(survey.definition));
  const [name, setName] = useState(() => clone(survey.name));
  const [languages, setLanguages] = useState(() => [...survey.languages]);
  const [problems, setProblems] = useState<DefinitionProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const dirty = useMemo(
    () =>
      JSON.stringify(def) !== JSON.stringify(survey.definition) ||
      JSON.stringify(name) !== JSON.stringify(survey.name) ||
      JSON.stringify(languages) !== JSON.stringify(survey.languages),
    [def, name, languages, survey],
  );

  useEffect(() => {
    onDirtyChange?.(dirty);
    return () => onDirtyChange?.(false);
  }, [dirty, onDirtyChange]);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const setQuestions = (questions: SurveyQuestion[]) => setDef({ ...def, questions });
  const q = def.questions;
  const move = (i: number, by: number) => {
    const next = [...q];
    const [item] = next.splice(i, 1);
    if (item) next.splice(i + by, 0, item);
    setQuestions(next);
  };
  const add = (type: SurveyQuestion['type']) =>
    setQuestions([
      ...q,
      newQuestion(
        type,
        nextQuestionId(q),
        i18n.getFixedT('zh-CN') as unknown as FixedT,
        i18n.getFixedT('en') as unknown as FixedT,
      ),
    ]);

  const save = async () => {
    setSaving(true);
    setProblems([]);
    setError(null);
    try {
      const saved = await surveysApi.update(survey.id, { definition: def, name, languages });
      setDef(clone(saved.definition));
      onSaved(saved);
      void message.success(
        saved.currentVersion !== survey.currentVersion
          ? t('surveys.builder.savedVersion', { version: saved.currentVersion })
          : t('surveys.builder.saved'),
      );
    } catch (e) {
      const found = definitionProblems(e);
      if (found) {
        setProblems(found);
        setError(t('surveys.builder.invalid', { count: found.length }));
      } else setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  const placed = (p: DefinitionProblem) => /^definition\.(questions|logic)\[\d+\]/.test(p.path);
  const general = problems.filter((p) => !placed(p));
  const scoreQuestions = q.filter(isScoreQuestion);
  const ratingLike = q.filter((x) => isScoreQuestion(x) || x.type === 'expectation_perception');
  const label = (x: SurveyQuestion) => `${x.id} · ${pickText(x.text, language)}`;

  return (
    <ConfigProvider componentDisabled={readOnly}>
      <div data-testid="survey-builder">
        {survey.status !== 'draft' && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('surveys.builder.liveTitle', { version: survey.currentVersion })}
            description={t('surveys.builder.liveText', { next: survey.currentVersion + 1 })}
            data-testid="live-version-note"
          />
        )}
        <div
          className="tp-builder-bar"
          style={{ display: 'flex', gap: 8, marginBottom: 16, flexWrap: 'wrap' }}
        >
          <Button
            type="primary"
            icon={<SaveOutlined />}
            onClick={() => void save()}
            loading={saving}
            disabled={readOnly || !dirty}
            data-testid="save-survey"
          >
            {t('surveys.builder.save')}
          </Button>
          <Button
            disabled={!dirty}
            onClick={() => {
              setDef(clone(survey.definition));
              setName(clone(survey.name));
              setLanguages([...survey.languages]);
              setProblems([]);
              setError(null);
            }}
          >
            {t('surveys.builder.discard')}
          </Button>
          <Button
            icon={<HistoryOutlined />}
            onClick={() => setShowVersions(true)}
            disabled={false}
            data-testid="show-versions"
          >
            {t('surveys.versions.open')}
          </Button>
          {dirty && <Tag color="gold">{t('surveys.builder.unsaved')}</Tag>}
        </div>
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="save-error" />
        )}
        {general.length > 0 && (
          <Alert type="error" style={{ marginBottom: 12 }} title={<ProblemList problems={general} />} />
        )}

        <Card title={t('surveys.builder.general')} style={{ marginBottom: 16 }}>
          <Form layout="vertical" disabled={readOnly}>
            <Form.Item label={t('surveys.builder.languages')} extra={t('surveys.builder.languagesHelp')}>
              <Select
                mode="multiple"
                value={languages}
                onChange={(v: string[]) => v.length && setLanguages(v)}
                options={[
                  { value: 'zh-CN', label: '简体中文 zh-CN' },
                  { value: 'en', label: 'English en' },
                ]}
                aria-label={t('surveys.builder.languages')}
              />
            </Form.Item>
            <Form.Item label={t('surveys.builder.name')}>
              <LocalTextInput
                value={name}
                languages={languages}
                ariaLabel={t('surveys.builder.name')}
                onChange={(v) => setName(v ?? {})}
              />
            </Form.Item>
            <Form.Item label={t('surveys.builder.intro')}>
              <LocalTextInput
                value={def.intro}
                languages={languages}
                multiline
                ariaLabel={t('surveys.builder.intro')}
                onChange={(intro) => {
                  const { intro: _i, ...rest } = def;
                  setDef(intro ? { ...rest, intro } : rest);
                }}
              />
            </Form.Item>
            <Form.Item label={t('surveys.builder.thanks')}>
              <LocalTextInput
                value={def.thanks}
                languages={languages}
                multiline
                ariaLabel={t('surveys.builder.thanks')}
                onChange={(thanks) => {
                  const { thanks: _t, ...rest } = def;
                  setDef(thanks ? { ...rest, thanks } : rest);
                }}
              />
            </Form.Item>
            <Row gutter={16}>
              <Col xs={24} lg={12}>
                <Form.Item
                  label={t('surveys.builder.hiddenFields')}
                  extra={t('surveys.builder.hiddenFieldsHelp')}
                >
                  <Select
                    mode="tags"
                    value={def.hiddenFields}
                    onChange={(hiddenFields: string[]) => setDef({ ...def, hiddenFields })}
                    tokenSeparators={[',', ' ']}
                    aria-label={t('surveys.builder.hiddenFields')}
                    data-testid="hidden-fields"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} lg={12}>
                <Form.Item label={t('surveys.builder.primary')} extra={t('surveys.builder.primaryHelp')}>
                  <Select
                    allowClear
                    value={def.primaryQuestionId ?? undefined}
                    onChange={(v?: string) => setDef({ ...def, primaryQuestionId: v ?? null })}
                    aria-label={t('surveys.builder.primary')}
                    options={[
                      ...scoreQuestions.map((x) => ({ value: x.id, label: label(x) })),
                      ...(def.index ? [{ value: '_index', label: t('surveys.builder.indexPrimary') }] : []),
                    ]}
                  />
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </Card>

        <Typography.Title level={5}>{t('surveys.builder.questions', { count: q.length })}</Typography.Title>
        {q.map((question, i) => {
          const own = problemsAt(problems, 'questions', i);
          return (
            <Card
              key={i}
              size="small"
              className={own.length ? 'tp-question-card tp-problem-card' : 'tp-question-card'}
              data-testid={`question-${i}`}
              title={
                <Space wrap>
                  <span className="tp-num">{i + 1}.</span>
                  <Tag color="geekblue">{t(`surveys.types.${question.type}`)}</Tag>
                  {question.required && <Tag color="red">{t('surveys.builder.required')}</Tag>}
                </Space>
              }
              extra={
                !readOnly && (
                  <Space size={0}>
                    <Button
                      type="text"
                      icon={<ArrowUpOutlined />}
                      disabled={i === 0}
                      aria-label={t('surveys.builder.moveUp')}
                      onClick={() => move(i, -1)}
                    />
                    <Button
                      type="text"
                      icon={<ArrowDownOutlined />}
                      disabled={i === q.length - 1}
                      aria-label={t('surveys.builder.moveDown')}
                      onClick={() => move(i, 1)}
                    />
                    <Button
                      type="text"
                      icon={<CopyOutlined />}
                      aria-label={t('surveys.builder.duplicate')}
                      onClick={() => {
                        const next = [...q];
                        next.splice(i + 1, 0, { ...clone(question), id: nextQuestionId(q) });
                        setQuestions(next);
                      }}
                    />
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('surveys.builder.remove')}
                      onClick={() => setQuestions(q.filter((_, j) => j !== i))}
                    />
                  </Space>
                )
              }
            >
              <fieldset disabled={readOnly} style={{ border: 0, margin: 0, padding: 0 }}>
                <QuestionEditor
                  question={question}
                  languages={languages}
                  onChange={(next) => setQuestions(q.map((x, j) => (j === i ? next : x)))}
                />
              </fieldset>
              <ProblemList problems={own} strip={new RegExp(`^definition\\.questions\\[${i}\\]`)} />
            </Card>
          );
        })}
        {!readOnly && (
          <Dropdown
            menu={{
              items: QUESTION_TYPES.map((type) => ({ key: type, label: t(`surveys.types.${type}`) })),
              onClick: ({ key }) => add(key as SurveyQuestion['type']),
            }}
          >
            <Button
              icon={<PlusOutlined />}
              type="dashed"
              block
              style={{ marginBottom: 24 }}
              data-testid="add-question"
            >
              {t('surveys.builder.addQuestion')}
            </Button>
          </Dropdown>
        )}

        <Card
          title={t('surveys.logic.title')}
          style={{ marginBottom: 16 }}
          extra={<Typography.Text type="secondary">{t('surveys.logic.help')}</Typography.Text>}
        >
          <LogicEditor
            rules={def.logic}
            onChange={(logic) => setDef({ ...def, logic })}
            questions={q}
            hiddenFields={def.hiddenFields}
            language={language}
            problems={(i) => problemsAt(problems, 'logic', i)}
          />
        </Card>

        <Card title={t('surveys.builder.analysis')} style={{ marginBottom: 16 }}>
          <Form layout="vertical" disabled={readOnly}>
            <Row gutter={16}>
              <Col xs={24} lg={8}>
                <Form.Item
                  label={t('surveys.builder.driversOutcome')}
                  extra={t('surveys.builder.driversHelp')}
                >
                  <Select
                    allowClear
                    value={def.drivers?.outcome}
                    aria-label={t('surveys.builder.driversOutcome')}
                    options={ratingLike.map((x) => ({ value: x.id, label: label(x) }))}
                    onChange={(outcome?: string) =>
                      setDef({
                        ...def,
                        drivers: outcome
                          ? {
                              outcome,
                              attributes: (def.drivers?.attributes ?? ratingLike.map((x) => x.id)).filter(
                                (a) => a !== outcome,
                              ),
                            }
                          : null,
                      })
                    }
                  />
                </Form.Item>
              </Col>
              <Col xs={24} lg={16}>
                <Form.Item label={t('surveys.builder.driversAttributes')}>
                  <Select
                    mode="multiple"
                    disabled={!def.drivers}
                    value={def.drivers?.attributes ?? []}
                    aria-label={t('surveys.builder.driversAttributes')}
                    options={ratingLike
                      .filter((x) => x.id !== def.drivers?.outcome)
                      .map((x) => ({ value: x.id, label: label(x) }))}
                    onChange={(attributes: string[]) =>
                      def.drivers && setDef({ ...def, drivers: { ...def.drivers, attributes } })
                    }
                  />
                </Form.Item>
              </Col>
              <Col xs={24} lg={8}>
                <Form.Item
                  label={t('surveys.builder.servqualWeights')}
                  extra={t('surveys.builder.servqualHelp')}
                >
                  <Select
                    allowClear
                    value={def.servqual?.weightsQuestionId}
                    aria-label={t('surveys.builder.servqualWeights')}
                    options={q
                      .filter((x) => x.type === 'constant_sum')
                      .map((x) => ({ value: x.id, label: label(x) }))}
                    onChange={(id?: string) =>
                      setDef({ ...def, servqual: id ? { weightsQuestionId: id } : null })
                    }
                  />
                </Form.Item>
              </Col>
            </Row>
            <Typography.Text strong>{t('surveys.builder.index')}</Typography.Text>
            <Typography.Paragraph type="secondary">{t('surveys.builder.indexHelp')}</Typography.Paragraph>
            {(def.index?.components ?? []).map((c, i) => {
              const update = (p: Partial<typeof c>) =>
                setDef({
                  ...def,
                  index: {
                    components: (def.index?.components ?? []).map((x, j) => (j === i ? { ...x, ...p } : x)),
                  },
                });
              return (
                <div className="tp-logic-rule" key={i}>
                  <Row gutter={8} align="middle">
                    <Col xs={24} xl={10}>
                      <LocalTextInput
                        value={c.name}
                        languages={languages}
                        ariaLabel={t('surveys.builder.componentName')}
                        onChange={(v) => update({ name: v ?? {} })}
                      />
                    </Col>
                    <Col xs={8} xl={3}>
                      <div className="tp-bilingual-label">{t('surveys.builder.weight')}</div>
                      <InputNumber
                        min={0.01}
                        step={0.1}
                        value={c.weight}
                        aria-label={t('surveys.builder.weight')}
                        onChange={(v) => update({ weight: v ?? 1 })}
                      />
                    </Col>
                    <Col xs={14} xl={10}>
                      <div className="tp-bilingual-label">{t('surveys.builder.componentQuestions')}</div>
                      <Select
                        mode="multiple"
                        style={{ width: '100%' }}
                        value={c.questions}
                        aria-label={t('surveys.builder.componentQuestions')}
                        options={ratingLike.map((x) => ({ value: x.id, label: label(x) }))}
                        onChange={(questions: string[]) => update({ questions })}
                      />
                    </Col>
                    <Col xs={2} xl={1}>
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('surveys.builder.remove')}
                        onClick={() => {
                          const components = (def.index?.components ?? []).filter((_, j) => j !== i);
                          setDef({
                            ...def,
                            index: components.length ? { components } : null,
                            primaryQuestionId:
                              !components.length && def.primaryQuestionId === '_index'
                                ? null
                                : def.primaryQuestionId,
                          });
                        }}
                      />
                    </Col>
                  </Row>
                </div>
              );
            })}
            <Button
              size="small"
              icon={<PlusOutlined />}
              disabled={ratingLike.length === 0}
              onClick={() => {
                const components = def.index?.components ?? [];
                const first = ratingLike[0];
                setDef({
                  ...def,
                  index: {
                    components: [
                      ...components,
                      {
                        key: `c${components.length + 1}`,
                        name: {
                          'zh-CN': String(
                            i18n.getFixedT('zh-CN')('surveys.builder.componentDefault', {
                              n: components.length + 1,
                            }),
                          ),
                          en: String(
                            i18n.getFixedT('en')('surveys.builder.componentDefault', {
                              n: components.length + 1,
                            }),
                          ),
                        },
                        weight: 1,
                        questions: first ? [first.id] : [],
                      },
                    ],
                  },
                });
              }}
            >
              {t('surveys.builder.addComponent')}
            </Button>
          </Form>
        </Card>
        {showVersions && <VersionsDrawer survey={survey} onClose={() => setShowVersions(false)} />}
      </div>
    </ConfigProvider>
  );
}

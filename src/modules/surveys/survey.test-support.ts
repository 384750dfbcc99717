/** Fixtures shared by the surveys tests. */

/** Bilingual text for test questions. */
export const t = (s: string) => ({ 'zh-CN': `题${s}`, en: `Q ${s}` });

/** A survey with one question of every type, hidden fields and branching. */
export const ALL_TYPES = {
  questions: [
    { id: 'nps', type: 'nps', text: t('nps'), required: true },
    { id: 'csat', type: 'csat', text: t('csat') },
    { id: 'ces', type: 'ces', text: t('ces') },
    { id: 'stars', type: 'rating', text: t('stars'), points: 4, style: 'stars' },
    {
      id: 'one',
      type: 'single_choice',
      text: t('one'),
      options: [
        { id: 'a', text: t('a') },
        { id: 'b', text: t('b') },
      ],
      allowOther: true,
      shuffle: true,
    },
    {
      id: 'many',
      type: 'multiple_choice',
      text: t('many'),
      options: [
        { id: 'a', text: t('a') },
        { id: 'b', text: t('b') },
        { id: 'c', text: t('c') },
      ],
      maxSelected: 2,
    },
    { id: 'comment', type: 'text', text: t('comment'), maxLength: 300 },
    {
      id: 'grid',
      type: 'matrix',
      text: t('grid'),
      rows: [
        { id: 'r1', text: t('r1') },
        { id: 'r2', text: t('r2') },
      ],
      columns: [
        { id: 'c1', text: t('c1') },
        { id: 'c2', text: t('c2') },
      ],
    },
    {
      id: 'rank',
      type: 'ranking',
      text: t('rank'),
      options: [
        { id: 'x', text: t('x') },
        { id: 'y', text: t('y') },
      ],
    },
    { id: 'ep', type: 'expectation_perception', text: t('ep'), dimension: 'reliability' },
    {
      id: 'alloc',
      type: 'constant_sum',
      text: t('alloc'),
      total: 10,
      options: [
        { id: 'p', text: t('p') },
        { id: 'q', text: t('q') },
      ],
    },
  ],
  hiddenFields: ['caseId'],
  logic: [
    {
      from: 'nps',
      when: { type: 'answer', question: 'nps', op: 'gte', value: 9 },
      then: { type: 'jump', to: 'comment' },
    },
    { from: 'comment', when: { type: 'hidden', field: 'caseId', op: 'answered' }, then: { type: 'end' } },
  ],
};

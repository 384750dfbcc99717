import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  WEEKDAYS,
  caseSettingsApi,
  type BusinessCalendar,
  type TimeRange,
  type Weekday,
} from '../../../api/cases';
import { ErrorState } from '../../../components/states';
import { useFormatters } from '../../../i18n/format';
import { timeZoneOptions } from '../../../layout/timeZones';
import { useErrorMessage } from '../../../lib/errors';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Values {
  timeZone: string;
  weekly: Record<Weekday, TimeRange[]>;
  holidays: string[];
  workdays: string[];
}

function toValues(c: BusinessCalendar): Values {
  return {
    timeZone: c.timeZone,
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, c.weekly[d] ?? []])) as Record<Weekday, TimeRange[]>,
    holidays: c.holidays,
    workdays: c.workdays,
  };
}

/** Working hours per weekday, the time zone, holidays and make-up working days; SLA clocks run on them. */
export function CalendarTab() {
  const [state, setState] = useState<'loading' | 'ready' | unknown>('loading');
  const [data, setData] = useState<{ calendar: BusinessCalendar | null; generation: number }>({
    calendar: null,
    generation: 0,
  });

  const load = useCallback(async (signal?: AbortSignal) => {
    setState('loading');
    try {
      const calendar = await caseSettingsApi.calendar(signal);
      setData((d) => ({ calendar, generation: d.generation + 1 }));
      setState('ready');
    } catch (e) {
      if (!signal?.aborted) setState(e);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  if (state === 'loading' || (state === 'ready' && !data.calendar))
    return <Skeleton active paragraph={{ rows: 8 }} />;
  if (state !== 'ready') return <ErrorState error={state} onRetry={() => void load()} />;
  return (
    <CalendarForm
      key={data.generation}
      initial={data.calendar as BusinessCalendar}
      onReset={() => void load()}
      onSaved={(calendar) => setData((d) => ({ calendar, generation: d.generation + 1 }))}
    />
  );
}

function CalendarForm({
  initial,
  onReset,
  onSaved,
}: {
  initial: BusinessCalendar;
  onReset: () => void;
  onSaved: (c: BusinessCalendar) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const messageOf = useErrorMessage();
  const format = useFormatters();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [probeMinutes, setProbeMinutes] = useState<number | null>(240);
  const [probe, setProbe] = useState<string | null>(null);
  const zones = useMemo(() => timeZoneOptions(), []);

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setSaveError(null);
    try {
      const weekly: Partial<Record<Weekday, TimeRange[]>> = {};
      for (const d of WEEKDAYS) if ((v.weekly[d] ?? []).length > 0) weekly[d] = v.weekly[d];
      const saved = await caseSettingsApi.saveCalendar({
        timeZone: v.timeZone,
        weekly,
        holidays: [...new Set(v.holidays ?? [])].sort(),
        workdays: [...new Set(v.workdays ?? [])].sort(),
        ...(initial.workdayHours && { workdayHours: initial.workdayHours }),
      });
      message.success(t('cases.settings.saved'));
      onSaved(saved);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const tryDue = async () => {
    if (!probeMinutes) return;
    try {
      const answer = await caseSettingsApi.due(probeMinutes);
      setProbe(answer.dueAt);
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const timeRule = { pattern: HHMM, message: t('cases.settings.timeFormat') };
  const dateRule = {
    validator: async (_: unknown, list: string[] | undefined) => {
      const bad = (list ?? []).find((d) => !DATE.test(d) || Number.isNaN(Date.parse(d)));
      if (bad) throw new Error(t('cases.settings.dateFormat', { value: bad }));
    },
  };

  return (
    <Form<Values> form={form} layout="vertical" initialValues={toValues(initial)} data-testid="calendar-form">
      <Typography.Paragraph type="secondary">{t('cases.settings.calendarHelp')}</Typography.Paragraph>
      <Form.Item name="timeZone" label={t('cases.settings.timeZone')} rules={[{ required: true }]}>
        <Select showSearch options={zones} style={{ maxWidth: 360 }} />
      </Form.Item>
      <Card size="small" title={t('cases.settings.weeklyHours')}>
        {WEEKDAYS.map((day) => (
          <div key={day} className="tp-calendar-day">
            <span className="tp-calendar-day-label">{t(`cases.weekdays.${day}`)}</span>
            <Form.List name={['weekly', day]}>
              {(fields, { add, remove }) => (
                <Space wrap>
                  {fields.length === 0 && (
                    <Typography.Text type="secondary">{t('cases.settings.closedDay')}</Typography.Text>
                  )}
                  {fields.map((field) => (
                    <Space.Compact key={field.key}>
                      <Form.Item
                        name={[field.name, 'start']}
                        rules={[{ required: true, ...timeRule }]}
                        noStyle
                      >
                        <Input
                          style={{ width: 80 }}
                          placeholder="09:00"
                          aria-label={t('cases.settings.start')}
                        />
                      </Form.Item>
                      <Form.Item name={[field.name, 'end']} rules={[{ required: true, ...timeRule }]} noStyle>
                        <Input
                          style={{ width: 80 }}
                          placeholder="18:00"
                          aria-label={t('cases.settings.end')}
                        />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={t('cases.settings.removeRange')}
                      />
                    </Space.Compact>
                  ))}
                  <Button
                    size="small"
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ start: '09:00', end: '18:00' })}
                    disabled={fields.length >= 12}
                  >
                    {t('cases.settings.addRange')}
                  </Button>
                </Space>
              )}
            </Form.List>
          </div>
        ))}
      </Card>
      <Space wrap align="start" style={{ marginTop: 16, width: '100%' }}>
        <Form.Item
          name="holidays"
          label={t('cases.settings.holidays')}
          extra={t('cases.settings.datesHelp')}
          rules={[dateRule]}
        >
          <Select
            mode="tags"
            style={{ width: 420 }}
            tokenSeparators={[',', ' ']}
            open={false}
            suffixIcon={null}
            placeholder="2026-10-01"
          />
        </Form.Item>
        <Form.Item
          name="workdays"
          label={t('cases.settings.workdays')}
          extra={t('cases.settings.workdaysHelp')}
          rules={[dateRule]}
        >
          <Select
            mode="tags"
            style={{ width: 420 }}
            tokenSeparators={[',', ' ']}
            open={false}
            suffixIcon={null}
            placeholder="2026-10-11"
          />
        </Form.Item>
      </Space>
      {saveError !== null && (
        <Alert type="error" showIcon title={messageOf(saveError)} style={{ marginBottom: 12 }} />
      )}
      <div className="tp-form-actions">
        <Button onClick={onReset}>{t('common.reset')}</Button>
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="calendar-save">
          {t('common.save')}
        </Button>
      </div>
      <Card size="small" title={t('cases.settings.dueProbe')} style={{ marginTop: 16 }}>
        <Space wrap>
          <InputNumber
            min={0}
            max={525_600}
            precision={0}
            value={probeMinutes}
            onChange={setProbeMinutes}
            suffix={t('cases.settings.minutes')}
            aria-label={t('cases.settings.minutes')}
            style={{ width: 180 }}
          />
          <Button onClick={() => void tryDue()}>{t('cases.settings.dueProbeRun')}</Button>
          {probe && <span>{t('cases.settings.dueProbeAnswer', { time: format.dateTime(probe) })}</span>}
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('cases.settings.dueProbeHelp')}
        </Typography.Paragraph>
      </Card>
    </Form>
  );
}

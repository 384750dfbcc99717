import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { DayRange } from '../../api/journeys';

/** The date-range field of the period picker (Ant Design's RangePicker, loaded with its first use). */
export function RangeInput({
  value,
  onChange,
  today,
  ariaLabel,
}: {
  value: DayRange;
  onChange: (range: DayRange) => void;
  /** The last day that can be chosen (today in the workspace's time zone). */
  today: string;
  ariaLabel: string;
}) {
  return (
    <DatePicker.RangePicker
      aria-label={ariaLabel}
      allowClear={false}
      value={[dayjs(value.from), dayjs(value.to)]}
      disabledDate={(d: Dayjs) => d.isAfter(dayjs(today), 'day')}
      onChange={(dates) => {
        const [a, b] = dates ?? [];
        if (a && b) onChange({ from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') });
      }}
    />
  );
}

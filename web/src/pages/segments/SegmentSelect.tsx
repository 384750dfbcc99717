import { Select } from 'antd';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { segmentsApi, type Segment } from '../../api/segments';
import { useLoad } from '../journeys/shared';
import { useSegmentText } from './segmentDisplay';

export interface SegmentNames {
  segments: Segment[];
  /** The segment's name for a breakdown group's key; "In no segment" for null; the key for an unknown one. */
  nameOfKey: (key: string | null) => string;
}

/** The workspace's active segments, for pickers and for naming breakdown groups by key. */
export function useSegmentNames(enabled = true): SegmentNames {
  const { t } = useTranslation();
  const text = useSegmentText();
  const load = useLoad(
    (signal) => (enabled ? segmentsApi.list('active', signal) : Promise.resolve({ data: [] as Segment[] })),
    String(enabled),
  );
  const segments = useMemo(() => (load.status === 'ready' ? load.data.data : []), [load]);
  const nameOfKey = useCallback(
    (key: string | null) => {
      if (key === null) return t('segments.breakdown.inNone');
      const segment = segments.find((s) => s.key === key);
      return segment ? text(segment.name) : key;
    },
    [segments, t, text],
  );
  return { segments, nameOfKey };
}

/** Picks segments by key; none picked means "every active segment" (the API's default, up to 20). */
export function SegmentSelect({
  value,
  onChange,
  segments,
  style,
}: {
  value: string[];
  onChange: (keys: string[]) => void;
  segments: Segment[];
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const text = useSegmentText();
  return (
    <Select
      mode="multiple"
      allowClear
      maxCount={20}
      value={value}
      onChange={onChange}
      style={style}
      maxTagCount="responsive"
      placeholder={t('segments.breakdown.allActive')}
      aria-label={t('segments.breakdown.pick')}
      showSearch={{ optionFilterProp: 'label' }}
      options={segments.map((s) => ({ value: s.key, label: text(s.name) }))}
      data-testid="segment-select"
    />
  );
}
